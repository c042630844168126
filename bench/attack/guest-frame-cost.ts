/**
 * Attack review: what a compromised guest's one frame costs the app's event loop, read by the
 * host's own code (decodeFrame + acceptGuestResults, then the renderers), for frame shapes
 * that fit the 4 MiB console cap. Prints the longest synchronous step per shape, ms.
 * Run: node --import tsx bench/attack/guest-frame-cost.ts
 */
import { encodeFrame, decodeFrame } from '../../src/runner/vm/result-frame.js';
import { acceptGuestResults } from '../../src/runner/vm/verify-in-vm.js';
import { renderVerifyCheck, renderVerifyComment } from '../../src/verify/render-verify.js';
import type { OneLiner } from '../../src/oneliners/types.js';

const oneLiner = (i: number): OneLiner => ({ kind: 'bpftrace', line: 10 + i, endLine: 10 + i, heading: `h${i}`, command: "bpftrace -e 'BEGIN { exit(); }'", argv: ['bpftrace', '-e', 'BEGIN { exit(); }'], env: {}, shellSyntax: [] } as unknown as OneLiner);
const sent = Array.from({ length: 50 }, (_, i) => oneLiner(i));
const res = (i: number, extra: Record<string, unknown> = {}) => ({ line: i, heading: null, command: 'x', status: 'ok', events: 1, message: 'm', output: [], durationMs: 1, ...extra });

const shapes: Record<string, unknown> = {
  // many tiny results: parsed whole before the count is compared
  'many-results': { report: { runner: { kernel: 'k', bpftrace: null, btf: true }, results: Array.from({ length: 28_000 }, (_, i) => res(i)) } },
  // one result with a huge output array of 1-char lines
  'many-output-lines': { report: { runner: { kernel: 'k', bpftrace: null, btf: true }, results: sent.map((_, i) => res(i, { output: i === 0 ? Array.from({ length: 700_000 }, () => 'a') : [] })) } },
  // 50 results, each message ~60 KiB of eyJ-/base64-ish text (redaction work)
  'redaction-heavy': { report: { runner: { kernel: 'k', bpftrace: null, btf: true }, results: sent.map((_, i) => res(i, { status: 'error', message: 'eyJ'.repeat(12_000), hint: 'A'.repeat(20_000), output: Array.from({ length: 30 }, () => 'eyJhbGciOi.'.repeat(20)) })) } },
};
const deep = `{"report":{"runner":{"kernel":"k","bpftrace":null,"btf":true},"results":[],"junk":${'['.repeat(1_400_000)}${']'.repeat(1_400_000)}}}`;

const frames: [string, string][] = Object.entries(shapes).map(([n, v]) => [n, encodeFrame(v)]);
frames.push(['deep-nesting', `\n@@STUDYBOT-RESULT-BEGIN@@\n${Buffer.from(deep).toString('base64').replace(/.{1,76}/g, '$&\n')}@@STUDYBOT-RESULT-END@@\n`]);
for (const [name, frame] of frames) {
  const t0 = performance.now();
  const read = decodeFrame(frame);
  const t1 = performance.now();
  const launched = { frame: read, consoleTail: '', qemuErrors: '', exitCode: 0, readySeen: true, timedOut: false, overflowed: false, durationMs: 1 };
  const accepted = acceptGuestResults(launched, sent, 60_000);
  const t2 = performance.now();
  const view = { webOrigin: 'https://github.com', owner: 'o', repo: 'r', path: 'study/week1/a.md', sha: 'a'.repeat(40), requester: 'm', requestId: 'ic1', lang: 'ko' as const };
  const report = { runner: { kernel: '6.1', bpftrace: 'v0.17.0', btf: true }, results: accepted };
  renderVerifyComment(view, { kind: 'report', report });
  renderVerifyCheck(view, { kind: 'report', report }, 'failure');
  const t3 = performance.now();
  console.log(`${name}: frame ${(frame.length / 1024 / 1024).toFixed(2)} MiB, decodeFrame ${(t1 - t0).toFixed(0)} ms, acceptGuestResults ${(t2 - t1).toFixed(0)} ms, render ${(t3 - t2).toFixed(0)} ms, status0 ${accepted[0]?.status}`);
}
