import { describe, expect, it } from 'vitest';
import { vmChecks } from '../../src/cli/doctor-command.js';
import type { VmRunnerProbe } from '../../src/runner/vm/probe-vm-runner.js';
import { planPool } from '../../src/runner/vm/warm-pool.js';

const MiB = 1024 * 1024;
const probe = (pool: VmRunnerProbe['pool']): VmRunnerProbe => ({
  dir: '/var/cache/study-bot/runner',
  qemu: 'QEMU emulator version 7.2.22',
  manifest: null,
  accel: null,
  warm: null,
  jail: true,
  confinement: { ok: true, mode: 'root' },
  pool,
});

describe('doctor: the warm pool', () => {
  it('says how many guests the app keeps parked, what they hold, the bound, and what QEMU holds now', () => {
    const sizes = planPool([{ bytes: 513 * MiB }, { bytes: 513 * MiB }], 1, 800 * MiB);
    expect(sizes).toEqual([1, 0]); // the bound leaves the second kernel out
    const line = vmChecks(probe({
      size: 1,
      maxBytes: 800 * MiB,
      kernels: [{ kernel: '6.1.0-50-cloud-amd64', guests: sizes[0]!, bytesEach: 513 * MiB }, { kernel: '6.1.0-47-cloud-amd64', guests: sizes[1]!, bytesEach: 513 * MiB }],
      running: { count: 1, rssBytes: 700 * MiB },
    }), 'en').find((c) => c.name === 'vm-pool');
    expect(line?.detail).toBe('guests the app keeps parked: 1 (6.1.0-50-cloud-amd64 ×1, 6.1.0-47-cloud-amd64 ×0), ~513 MiB of at most 800 MiB (STUDY_BOT_VM_POOL, STUDY_BOT_VM_POOL_MAX_MB); QEMU running now: 1, 700 MiB');
    const off = vmChecks(probe({ size: 0, maxBytes: 800 * MiB, kernels: [], running: { count: 0, rssBytes: 0 } }), 'ko').find((c) => c.name === 'vm-pool');
    expect(off?.detail).toMatch(/^꺼짐 \(STUDY_BOT_VM_POOL=0\)/);
  });
});
