/**
 * TEST DOUBLE — a compromised VM guest, for issue 17 item 5. A member's program runs as root in
 * the guest, so the guest's answer is whatever that program makes it: here a frame with a 512 KiB
 * message, a long hint and rule, and 32 output lines of 64 KiB, all `eyJ-` repeated (what made
 * the JWT pattern of the redaction quadratic), in a console filled with more of it up to the
 * 4 MiB the host reads. The guest's report comes from the fake verifier (verify-fake-verifier.ts)
 * with these overrides; from there on the host's own code reads it, as after a real VM:
 * `readConsole` (launch-vm.ts) on the console's bytes in 64 KiB chunks, then `acceptGuestResults`
 * (verify-in-vm.ts: schema, caps, redaction). The console is built once, ahead of the request,
 * as a guest would have written it: only the host's reading runs when a member asks.
 */
import { DEFAULT_MAX_CONSOLE_BYTES, readConsole, type LaunchResult } from '../../src/runner/vm/launch-vm.js';
import { encodeFrame } from '../../src/runner/vm/result-frame.js';
import { acceptGuestResults } from '../../src/runner/vm/verify-in-vm.js';
import type { OneLiner } from '../../src/oneliners/types.js';
import type { VerifyResult } from '../../src/runner/report-schema.js';
import type { Verifier } from '../../src/verify/drivers/types.js';
import { FAKE_RUNNER, fakeVerifier } from './verify-fake-verifier.js';

/** shaped like a JWT (three dot-separated base64url parts): redaction masks it */
export const PLANTED_JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzdHVkeS1ib3QifQ.c2lnbmF0dXJlLW9mLWEtZ3Vlc3Q';

const flood = (bytes: number) => 'eyJ-'.repeat(Math.ceil(bytes / 4)).slice(0, bytes);

/** What the compromised guest answers for each one-liner (on top of the fake verifier's answer). */
export const HOSTILE_RESULT: Partial<VerifyResult> = {
  status: 'error',
  message: flood(512 * 1024),
  hint: flood(64 * 1024),
  rule: flood(64 * 1024),
  // a token-shaped secret first, to see that redaction still masks what it should
  output: Array.from({ length: 32 }, (_, i) => (i === 0 ? `${PLANTED_JWT} ${flood(64 * 1024)}` : flood(64 * 1024))),
};

/** The guest's whole console: chatter, then its one frame, then chatter up to the host's cap. */
export async function hostileConsole(sent: OneLiner[], maxBytes = DEFAULT_MAX_CONSOLE_BYTES, result: Partial<VerifyResult> = HOSTILE_RESULT): Promise<Buffer[]> {
  const guest = fakeVerifier(Object.fromEntries(sent.map((o) => [o.line, result])));
  const frame = encodeFrame({ report: await guest(sent) });
  const room = Math.max(0, maxBytes - Buffer.byteLength(frame) - 2);
  const text = `${flood(Math.floor(room / 2))}\n${frame}${flood(Math.ceil(room / 2))}\n`;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > maxBytes) throw new Error(`the hostile console is ${bytes.length} bytes, over the host's ${maxBytes}`);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 64 * 1024) chunks.push(bytes.subarray(at, at + 64 * 1024));
  return chunks;
}

/** The host's reading of a guest's console, as verify-in-vm.ts does it after QEMU ended. */
export function hostReads(chunks: readonly Buffer[], sent: OneLiner[], deadlineMs = 60_000): VerifyResult[] {
  const launched: LaunchResult = {
    ...readConsole(chunks, false),
    qemuErrors: '',
    exitCode: 0,
    readySeen: true,
    readyAfterMs: 100,
    requestMs: 1_000,
    timedOut: false,
    overflowed: false,
    durationMs: 1_100,
  };
  return acceptGuestResults(launched, sent, deadlineMs);
}

/**
 * A verifier whose guest is compromised for the one-liners of `file` (the others get the fake
 * verifier's honest answers). The console for those one-liners is prepared by `prepare`,
 * before the member's request, so that the measured time is the host's alone.
 */
export function compromisedGuestVerifier(file: string): Verifier & { prepare(sent: OneLiner[]): Promise<void> } {
  const honest = fakeVerifier();
  let ready: { key: string; chunks: Buffer[] } | null = null;
  const keyOf = (sent: OneLiner[]) => JSON.stringify(sent.map((o) => [o.line, o.command]));
  const verify: Verifier = async (oneLiners, request) => {
    if (request?.file !== file) return honest(oneLiners, request);
    const chunks = ready?.key === keyOf(oneLiners) ? ready.chunks : await hostileConsole(oneLiners);
    return { runner: { ...FAKE_RUNNER }, results: hostReads(chunks, oneLiners) };
  };
  return Object.assign(verify, {
    async prepare(sent: OneLiner[]) {
      ready = { key: keyOf(sent), chunks: await hostileConsole(sent) };
    },
  });
}
