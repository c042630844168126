import { readFileSync } from 'node:fs';
import { extractOneLiners } from '../src/oneliners/extract-oneliners.js';
import { getRunnerInfo } from '../src/runner/runner-info.js';
import { verifyOneLiners } from '../src/runner/verify-oneliners.js';
import { readManifest } from '../src/runner/vm/runner-dir.js';
import { verifyInVm } from '../src/runner/vm/verify-in-vm.js';

/**
 * `/verify` of the five orientation one-liners end to end (extract + side by side + early
 * stop): in a throwaway VM (the default now: boot, compile inside, power off), on the host
 * (the old path), and the naive way (one after another with a fixed 5-second window each).
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
    // Twice: the first pays for bundling the guest agent and the KVM check.
    for (const round of ['first', 'second'] as const) {
      const started = performance.now();
      const report = await verifyInVm(oneLiners, {});
      vm[`vm${round === 'first' ? 'First' : 'Second'}Ms`] = Math.round(performance.now() - started);
      vm[`vm${round === 'first' ? 'First' : 'Second'}Ok`] = report.results.filter((r) => r.status === 'ok').length;
      vm.vmAccel = report.runner.accel ?? '?';
      vm.vmKernel = report.runner.kernel;
    }
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
