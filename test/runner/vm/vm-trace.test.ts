import { expect, it } from 'vitest';
import { vmTraceLine } from '../../../src/runner/vm/vm-trace.js';
import type { VerifyResult } from '../../../src/runner/report-schema.js';

const result = (attachMs: number | undefined, durationMs: number) => ({ attachMs, durationMs }) as unknown as VerifyResult;

it('shows the guest\'s steps, each one-liner\'s attach and exit, and the host\'s view of the frame and QEMU\'s end', () => {
  const line = vmTraceLine('6.1.0-57-cloud-amd64', {
    frame: { ok: true, value: { report: {}, steps: [['clock', 150], ['spawned', 3213], ['answer', 25001]] } },
    requestMs: 27183,
    frameBeginMs: 26100,
    frameEndMs: 26259,
  }, [result(20009, 24218), result(undefined, 300)]);
  expect(line).toMatch(/^study-bot vm trace 6\.1\.0-57-cloud-amd64: frame ~\d+ B, sent→frame 26100-26259 ms, sent→QEMU gone 27183 ms; /);
  expect(line).toContain('guest: clock 150, spawned 3213, answer 25001; #1 attach 20009 exit 24218, #2 attach - exit 300');
});

it('shows nothing of a guest\'s steps but short names and finite numbers', () => {
  const steps = [['clock', 1], ['<script>', 2], ['x'.repeat(40), 3], ['ok', 'NaN'], ['a\nb', 4], 'flat', ['fine', 1e400], ['late', 5]];
  const line = vmTraceLine('k', { frame: { ok: true, value: { steps } }, requestMs: 1, frameEndMs: null }, []);
  expect(line).toContain('guest: clock 1, late 5;');
  expect(vmTraceLine('k', { frame: { ok: false, reason: 'no-frame' }, requestMs: null, frameEndMs: null }, [])).toContain('guest: -;');
});
