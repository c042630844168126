/**
 * The app as a server process (Probot's own `run`, the whole app from createApp, as
 * src/app/run-server.ts starts it) with one change: `/verify`'s local driver runs the fake
 * verifier (test/helpers/verify-fake-verifier.ts), whose guest is compromised for the file
 * named by STUDY_BOT_BENCH_COMPROMISED (test/helpers/compromised-guest.ts). No VM, no
 * bpftrace: what is measured is the app's own work on what a runner answers. Started by
 * bench/freeze-over-http.ts through bench/app-over-http.ts (`entry`).
 */
import { readFileSync } from 'node:fs';
import { run } from 'probot';
import { createApp } from '../src/app/create-app.js';
import { extractOneLiners } from '../src/oneliners/extract-oneliners.js';
import { compromisedGuestVerifier } from '../test/helpers/compromised-guest.js';

const file = process.env.STUDY_BOT_BENCH_COMPROMISED ?? '';
const verifier = compromisedGuestVerifier(file);
// The guest's console is written before the member asks (as in a VM): only the host's reading is timed.
const note = process.env.STUDY_BOT_BENCH_COMPROMISED_NOTE;
if (note) await verifier.prepare(await extractOneLiners(readFileSync(note, 'utf8')));

await run(createApp({ verifier }), { env: process.env });
