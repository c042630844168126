import { readFileSync } from 'node:fs';
import { extractOneLiners } from '../src/oneliners/extract-oneliners.js';
import { getRunnerInfo } from '../src/runner/runner-info.js';
import { verifyOneLiners } from '../src/runner/verify-oneliners.js';

/**
 * `/verify` of the five orientation one-liners end to end (extract + side by side + early
 * stop), against the same five run one after another with a fixed 5-second window each.
 * Needs root and bpftrace; without them it reports why instead of figures.
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
