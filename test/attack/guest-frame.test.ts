/**
 * Attack review (issue 17): a compromised guest's one frame, read by the host's own code.
 * A root program in the guest can replace the agent and print the one frame the host reads
 * (base64 JSON within the 4 MiB console cap). `launchVm` decodes it on the event loop when QEMU
 * ends (`decodeFrame`: JSON.parse of the whole frame), then `acceptGuestResults` parses the
 * report with zod. JSON nested 1.4 million levels deep fits in the cap, and V8's JSON.parse
 * takes seconds on it: the app's one event loop stalls once per VM (up to four per /verify).
 * bench/attack/guest-frame-cost.ts prints the figures for this and other shapes;
 * bench/attack/deep-guest-over-http.ts measures /ping over real HTTP meanwhile (p99 4.3 s, load 17).
 */
import { describe, expect, it } from 'vitest';
import type { OneLiner } from '../../src/oneliners/types.js';
import { DEFAULT_MAX_CONSOLE_BYTES } from '../../src/runner/vm/launch-vm.js';
import { decodeFrame, FRAME_BEGIN, FRAME_END } from '../../src/runner/vm/result-frame.js';
import { acceptGuestResults } from '../../src/runner/vm/verify-in-vm.js';

const oneLiner = (line: number): OneLiner =>
  ({ kind: 'bpftrace', line, endLine: line, heading: null, command: "bpftrace -e 'BEGIN { exit(); }'", argv: ['bpftrace', '-e', 'BEGIN { exit(); }'], env: {}, shellSyntax: [] }) as unknown as OneLiner;

/** The console as the host keeps it: one frame whose JSON nests `depth` arrays in an ignored field. */
function deepConsole(depth: number): string {
  const json = `{"report":{"runner":{"kernel":"k","bpftrace":null,"btf":true},"results":[],"junk":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
  return `\n${FRAME_BEGIN}\n${Buffer.from(json).toString('base64').replace(/.{1,76}/g, '$&\n')}${FRAME_END}\n`;
}

describe('attack: a compromised guest frame of deeply nested JSON', () => {
  it('fits in the 4 MiB console the host reads', () => {
    expect(Buffer.byteLength(deepConsole(1_400_000))).toBeLessThan(DEFAULT_MAX_CONSOLE_BYTES);
  });

  it('HIGH in the review, fixed: the host refuses it by its shape, without parsing it', () => {
    const text = deepConsole(1_400_000);
    const started = performance.now();
    const frame = decodeFrame(text);
    const results = acceptGuestResults({ frame, consoleTail: '', qemuErrors: '', exitCode: 0, readySeen: true, timedOut: false, overflowed: false, durationMs: 1 }, [oneLiner(3)], 60_000);
    const ms = performance.now() - started;
    // Refused by its shape before JSON.parse (src/runner/vm/result-frame.ts, jsonShapeWithin).
    expect(frame).toEqual({ ok: false, reason: 'bad-frame' });
    expect(results[0]!.status).toBe('runner-error');
    // A loose bound (this machine is shared): JSON.parse alone took 3.0-3.7 s on it before;
    // one linear pass over the 4 MiB console takes tens of milliseconds (bench/attack/guest-frame-cost.ts).
    expect(ms, `decodeFrame + acceptGuestResults took ${ms.toFixed(0)} ms`).toBeLessThan(1_000);
  }, 60_000);
});

describe('a frame with the shape of a report', () => {
  it('is still read: depth and value counts well under the limits', async () => {
    const { encodeFrame, MAX_FRAME_VALUES } = await import('../../src/runner/vm/result-frame.js');
    const report = { report: { runner: { kernel: 'k', bpftrace: '0.17', btf: true }, results: Array.from({ length: 50 }, (_, i) => ({ line: i, status: 'ok', output: Array.from({ length: 40 }, (_, j) => `line "${j}" \\ [x]`) })) } };
    expect(decodeFrame(encodeFrame(report))).toEqual({ ok: true, value: report });
    const flood = { report: { results: Array.from({ length: MAX_FRAME_VALUES }, () => 0) } };
    expect(decodeFrame(encodeFrame(flood))).toEqual({ ok: false, reason: 'bad-frame' });
  });
});
