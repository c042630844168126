import { readFileSync } from 'node:fs';
import { extractOneLiners } from '../src/oneliners/extract-oneliners.js';
import { getRunnerInfo } from '../src/runner/runner-info.js';
import { verifyOneLiners } from '../src/runner/verify-oneliners.js';
import { readManifest } from '../src/runner/vm/runner-dir.js';
import { prepareWarmStarts, verifyInVm } from '../src/runner/vm/verify-in-vm.js';

/**
 * `/verify` of the five orientation one-liners end to end (extract + side by side + early
 * stop): in a throwaway VM (the default now), restored from the saved guest (three times) and
 * booted cold (once); on the host (the old path); and the naive way (one after another on the
 * host with a fixed 5-second window each).
 * Needs root and bpftrace (and the runner image for the VM); without them it says why.
 */
export async function benchVerify(): Promise<{ name: string; figures: Record<string, number | string> }[]> {
  const info = await getRunnerInfo();
  if (!info.root || !info.bpftrace) {
    return [{ name: 'verify: five orientation one-liners', figures: { skipped: info.root ? 'bpftrace missing' : 'not root' } }];
  }
  const markdown = readFileSync(new URL('../test/fixtures/oneliners/orientation.md', import.meta.url), 'utf8');

  const sideBySideStart = performance.now();
  const oneLiners = await extractOneLiners(markdown);
  const sideBySide = await verifyOneLiners(oneLiners, { runnerInfo: info });
  const sideBySideMs = performance.now() - sideBySideStart;

  const vm: Record<string, number | string> = {};
  const manifest = readManifest();
  if (manifest) {
    // The saved guest first (made once per runner, by `runner image build` or the first request).
    const saveStart = performance.now();
    const saved = await prepareWarmStarts();
    vm.vmSnapshotReadyMs = Math.round(performance.now() - saveStart);
    vm.vmSnapshotMiB = Math.round((saved[0]?.bytes ?? 0) / 1024 / 1024);
    const warm: number[] = [];
    for (let round = 0; round < 3; round++) {
      const started = performance.now();
      const report = await verifyInVm(oneLiners, {});
      warm.push(Math.round(performance.now() - started));
      vm[`vmWarm${round + 1}Ok`] = report.results.filter((r) => r.status === 'ok').length;
      vm.vmStart = report.runner.vmStart ?? '?';
      vm.vmAccel = report.runner.accel ?? '?';
      vm.vmKernel = report.runner.kernel;
    }
    warm.forEach((ms, i) => (vm[`vmWarm${i + 1}Ms`] = ms));
    vm.vmWarmMedianMs = [...warm].sort((x, y) => x - y)[1]!;
    // Without the snapshot: boot the kernel, start Node.js and bpftrace in the guest, then run.
    const coldStart = performance.now();
    const cold = await verifyInVm(oneLiners, { env: { ...process.env, STUDY_BOT_VM_SNAPSHOT: '0' } });
    vm.vmColdMs = Math.round(performance.now() - coldStart);
    vm.vmColdOk = cold.results.filter((r) => r.status === 'ok').length;
  } else vm.vm = 'skipped: no runner image (study-bot runner image build)';

  const sequentialStart = performance.now();
  const sequentialStatuses: string[] = [];
  for (const oneLiner of oneLiners) {
    const report = await verifyOneLiners([oneLiner], { runnerInfo: info, earlyStop: false, windowMs: 5000 });
    sequentialStatuses.push(report.results[0]!.status);
  }
  const sequentialMs = performance.now() - sequentialStart;

  return [{
    name: 'verify: five orientation one-liners',
    figures: {
      ...vm,
      vmTargetMs: 15000,
      sideBySideMs: Math.round(sideBySideMs),
      sideBySideOk: sideBySide.results.filter((r) => r.status === 'ok').length,
      sequentialFixedWindowMs: Math.round(sequentialMs),
      sequentialOk: sequentialStatuses.filter((s) => s === 'ok').length,
      speedup: Number((sequentialMs / sideBySideMs).toFixed(1)),
      targetMs: 2000,
      cores: (await import('node:os')).availableParallelism(),
    },
  }];
}
