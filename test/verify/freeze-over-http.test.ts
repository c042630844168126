/**
 * Issue 17, "done when": the heading freeze (item 1) and the guest-message freeze (item 5),
 * measured over real HTTP (bench/freeze-over-http.ts): the app as a server process, `/verify`
 * of a note of ten 99,000-space headings, then of a note whose compromised guest answers with a
 * 512 KiB message and 2 MiB of output (`eyJ-` repeated) in a 4 MiB console, and `/ping` every
 * 20 ms throughout. The bound is 100 ms at p99 (`npm run bench -- freeze` gives the
 * figure and the machine's load); on a shared 2-core CI machine this asserts 250 ms, which
 * the freezes (20 s and 331 s before the caps) are far from, and what a warm, idle app is near.
 */
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freezeOverHttp, type FreezeRun } from '../../bench/freeze-over-http.js';
import { REDACTED } from '../../src/runner/redact.js';
import { PLANTED_JWT } from '../helpers/compromised-guest.js';

describe('/ping while hostile /verify requests run, over real HTTP', () => {
  let run: FreezeRun;
  beforeAll(async () => {
    nock.enableNetConnect('127.0.0.1');
    run = await freezeOverHttp({ waitMs: 120_000 });
  }, 400_000);
  afterAll(() => void nock.disableNetConnect());

  const context = () => `${JSON.stringify(run.phases)}\n${run.output.slice(-4_000)}`;
  const phase = (name: string) => run.phases.find((p) => p.phase === name)!;

  it('ten 99,000-space headings: the member is answered and /ping stays under 250 ms at p99', () => {
    const p = phase('headings');
    expect(p.answeredMs, context()).toBeDefined();
    expect(p.pings, context()).toBeGreaterThan(20);
    expect(p.p99Ms, context()).toBeLessThanOrEqual(250);
    const reply = run.replies.headings!;
    // every one-liner in the table, each heading cut to the cell's width
    for (let line = 6; line <= 60; line += 6) expect(reply).toContain(`[L${line}]`);
    expect(reply.length).toBeLessThan(65_536);
    expect(reply).not.toMatch(/ {200}/);
  });

  it('a compromised guest (512 KiB message, 4 MiB console of eyJ-): answered, redacted and cut, /ping under 250 ms at p99', () => {
    const p = phase('guest');
    expect(p.answeredMs, context()).toBeDefined();
    expect(p.pings, context()).toBeGreaterThan(20);
    expect(p.p99Ms, context()).toBeLessThanOrEqual(250);
    const reply = run.replies.guest!;
    expect(reply).toContain(REDACTED);
    expect(reply).not.toContain(PLANTED_JWT.split('.')[2]);
    expect(reply.length).toBeLessThan(65_536);
    expect(reply).not.toMatch(/(?:eyJ-){1000}/);
    const check = run.checkRuns.filter((r) => r.status === 'completed').at(-1)!;
    expect(JSON.stringify(check.output).length).toBeLessThan(70_000);
  });
});
