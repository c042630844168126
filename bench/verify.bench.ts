import { readFileSync } from 'node:fs';
import { extractOneLiners } from '../src/oneliners/extract-oneliners.js';
import { getRunnerInfo } from '../src/runner/runner-info.js';
import { verifyOneLiners } from '../src/runner/verify-oneliners.js';
import { readManifest } from '../src/runner/vm/runner-dir.js';
import os from 'node:os';
import type { OneLiner } from '../src/oneliners/types.js';
import type { VerifyReport } from '../src/runner/report-schema.js';
import { prepareWarmStarts, startWarmPool, stopWarmPool, verifyInVm, warmPoolStatus } from '../src/runner/vm/verify-in-vm.js';
import type { PoolRefill } from '../src/runner/vm/warm-pool.js';

/**
 * `/verify` of the five orientation one-liners end to end (extract + side by side + early
 * stop): in a throwaway VM (the default now), taken from the warm pool, restored from the saved
 * guest, and booted cold; on the host (the old path); and the naive way (one after another on
 * the host with a fixed 5-second window each).
 * Needs root and bpftrace (and the runner image for the VM); without them it says why.
 */
export async function benchVerify(): Promise<{ name: string; figures: Record<string, number | string> }[]> {
  const info = await getRunnerInfo();
  if (!info.root || !info.bpftrace) {
    return [{ name: 'verify: five orientation one-liners', figures: { skipped: info.root ? 'bpftrace missing' : 'not root' } }];
  }
  // STUDY_BOT_BENCH_NOTE: another note's one-liners (a path), to compare with a request over HTTP.
  const markdown = readFileSync(process.env.STUDY_BOT_BENCH_NOTE ?? new URL('../test/fixtures/oneliners/orientation.md', import.meta.url), 'utf8');

  // A chosen subset of the VM's figures (below) skips the host's, which take half a minute.
  if (process.env.STUDY_BOT_BENCH_VM) return [{ name: 'verify: five orientation one-liners (VM)', figures: { ...(await vmFiguresOrSkip(markdown)), vmTargetMs: 8000 } }];
  const sideBySideStart = performance.now();
  const oneLiners = await extractOneLiners(markdown);
  const sideBySide = await verifyOneLiners(oneLiners, { runnerInfo: info });
  const sideBySideMs = performance.now() - sideBySideStart;

  const vm: Record<string, number | string> = {};
  const manifest = readManifest();
  if (manifest) Object.assign(vm, await vmFigures(oneLiners));
  else vm.vm = 'skipped: no runner image (study-bot runner image build)';

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
      vmTargetMs: 8000,
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

/**
 * Which VM figures to take (STUDY_BOT_BENCH_VM, comma-separated: restored, pooled, pooled-ab, nowarm,
 * refill, refill-ab, refill-modes, cold; all but refill-ab by default) and how many runs of each (STUDY_BOT_BENCH_RUNS, 3): one kind
 * at a time is what a comparison under a shared machine's load can afford.
 */
const benchParts = () => new Set((process.env.STUDY_BOT_BENCH_VM ?? 'restored,pooled,nowarm,refill,refill-modes,cold').split(',').map((p) => p.trim()));
const benchRuns = () => Math.max(1, Math.min(10, Number(process.env.STUDY_BOT_BENCH_RUNS) || 3));
async function vmFiguresOrSkip(markdown: string): Promise<Record<string, number | string>> {
  if (!readManifest()) return { vm: 'skipped: no runner image (study-bot runner image build)' };
  return vmFigures(await extractOneLiners(markdown));
}
const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor((values.length - 1) / 2)]!;
const load = () => Number(os.loadavg()[0].toFixed(1));

/**
 * The VM's figures, restored and pooled runs taken in turns so that the load of a busy host
 * weighs on both alike. Each pooled run starts with a guest parked (the one before has been
 * replaced); the pool parks one guest of the first kernel only (its memory bound), so no other
 * guest's start runs during a measured request. The refill figures compare the request that a
 * refill follows: replaced after its guest ended (the default), at once when taken, or never.
 */
async function vmFigures(oneLiners: OneLiner[]): Promise<Record<string, number | string>> {
  const vm: Record<string, number | string> = {};
  const noPool = { ...process.env, STUDY_BOT_VM_POOL: '0' };
  const poolEnv = { ...process.env, STUDY_BOT_VM_POOL: '1', STUDY_BOT_VM_POOL_MAX_MB: '1000' };
  // The saved guest first (made once per runner, by `runner image build` or the first request).
  const saveStart = performance.now();
  const saved = await prepareWarmStarts();
  vm.vmSnapshotReadyMs = Math.round(performance.now() - saveStart);
  vm.vmSnapshotMiB = Math.round((saved[0]?.bytes ?? 0) / 1024 / 1024);
  const parked = async () => {
    for (let i = 0; i < 3000 && !warmPoolStatus().some((k) => k.parked > 0); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    if (!warmPoolStatus().some((k) => k.parked > 0)) throw new Error(`no guest parked: ${JSON.stringify(warmPoolStatus())}`);
  };
  const timed = async (env: NodeJS.ProcessEnv): Promise<{ ms: number; report: VerifyReport; load: number }> => {
    const at = load();
    const started = performance.now();
    const report = await verifyInVm(oneLiners, { env });
    return { ms: Math.round(performance.now() - started), report, load: at };
  };
  // The split, and which one-liners did not come out ok (a load this host sees can stretch
  // an attach past its limit).
  const split = (report: VerifyReport) => {
    const t = report.runner.timing;
    const notOk = report.results.map((r, i) => (r.status === 'ok' ? '' : ` #${i + 1} ${r.status}`)).join('');
    // Each one-liner's attach and whole run in the guest (ms), to see which one sets the pace.
    const each = report.results.map((r) => `${r.attachMs ?? '-'}/${r.durationMs}`).join(' ');
    return `${t ? `${t.startMs}/${t.attachMs}/${t.runMs}` : '?'}${notOk} [${each}]`;
  };
  const withPool = async (opts: { warmUp?: boolean; refill?: PoolRefill }, runs: number, name: string, restoredToo: boolean) => {
    await startWarmPool({ env: poolEnv, ...opts });
    const pooled: number[] = [];
    const restored: number[] = [];
    try {
      for (let round = 0; round < runs; round++) {
        if (restoredToo) {
          const r = await timed(noPool);
          restored.push(r.ms);
          vm[`vmRestored${round + 1}`] = `${r.ms} ms, ${r.report.results.filter((x) => x.status === 'ok').length} ok, start/attach/run ${split(r.report)}, load ${r.load}`;
        }
        await parked();
        const p = await timed(poolEnv);
        pooled.push(p.ms);
        vm[`${name}${round + 1}`] = `${p.ms} ms, ${p.report.runner.vmStart}, ${p.report.results.filter((x) => x.status === 'ok').length} ok, start/attach/run ${split(p.report)}, load ${p.load}`;
        if (opts.refill !== 'never') await parked();
      }
    } finally {
      await stopWarmPool();
    }
    vm[`${name}MedianMs`] = median(pooled);
    if (restoredToo) vm.vmRestoredMedianMs = median(restored);
  };
  // Paired A/B of one request-time setting with a parked guest each time (STUDY_BOT_BENCH_AB,
  // e.g. STUDY_BOT_VM_PARALLELISM=4,1): the values in turns, round after round, so the load
  // of a busy host weighs on each alike.
  const pooledAb = async () => {
    const [name, values] = (process.env.STUDY_BOT_BENCH_AB ?? 'STUDY_BOT_VM_PARALLELISM=4,1').split('=') as [string, string];
    const byValue = new Map<string, number[]>();
    await startWarmPool({ env: poolEnv });
    try {
      for (let round = 0; round < runs; round++) {
        for (const value of values.split(',')) {
          await parked();
          const p = await timed({ ...poolEnv, [name]: value });
          byValue.set(value, [...(byValue.get(value) ?? []), p.ms]);
          vm[`ab ${name}=${value} #${round + 1}`] = `${p.ms} ms, ${p.report.runner.vmStart}, ${p.report.results.filter((x) => x.status === 'ok').length} ok, start/attach/run ${split(p.report)}, load ${p.load}`;
        }
      }
    } finally {
      await stopWarmPool();
    }
    for (const [value, ms] of byValue) vm[`ab ${name}=${value} median ms`] = median(ms);
  };
  const parts = benchParts();
  const runs = benchRuns();
  if (parts.has('pooled')) await withPool({}, runs, 'vmPooled', parts.has('restored'));
  else if (parts.has('restored')) {
    const restored: number[] = [];
    for (let round = 0; round < runs; round++) {
      const r = await timed(noPool);
      restored.push(r.ms);
      vm[`vmRestored${round + 1}`] = `${r.ms} ms, ${r.report.results.filter((x) => x.status === 'ok').length} ok, start/attach/run ${split(r.report)}, load ${r.load}`;
    }
    vm.vmRestoredMedianMs = median(restored);
  }
  if (parts.has('pooled-ab')) await pooledAb();
  if (parts.has('nowarm')) await withPool({ warmUp: false }, Math.min(runs, 2), 'vmPooledNoWarmUp', false);
  if (parts.has('refill')) {
    // A request right behind another, while that one's refill restores and warms a guest,
    // against one with a guest parked and nothing else running (the refill's cost to it).
    await withPool({}, 1, 'vmPooledQuiet', false);
    await startWarmPool({ env: poolEnv });
    try {
      for (let round = 0; round < runs; round++) {
        await parked();
        await timed(poolEnv);
        const behind = await timed(poolEnv);
        vm[`vmPooledBehindRefill${round + 1}`] = `${behind.ms} ms, ${behind.report.runner.vmStart}, start/attach/run ${split(behind.report)}, load ${behind.load}`;
        await parked();
        const quiet = await timed(poolEnv);
        vm[`vmPooledQuiet${round + 2}`] = `${quiet.ms} ms, ${quiet.report.runner.vmStart}, start/attach/run ${split(quiet.report)}, load ${quiet.load}`;
      }
    } finally {
      await stopWarmPool();
    }
  }
  if (parts.has('refill-ab')) {
    // A request with its guest parked and nothing else running ("quiet"), then at once another
    // ("next"): with STUDY_BOT_BENCH_POOL=2 (the default) it takes the second parked guest
    // while the first one's replacement restores and warms up next to it (the refill's cost to
    // a running request); with 1 it takes that replacement, still starting. One setting of the
    // pool in turns (STUDY_BOT_BENCH_AB, STUDY_BOT_VM_REFILL_NICE=0,19 by default), a pool
    // started afresh for each.
    const [name, values] = (process.env.STUDY_BOT_BENCH_AB ?? 'STUDY_BOT_VM_REFILL_NICE=0,19').split('=') as [string, string];
    const size = process.env.STUDY_BOT_BENCH_POOL === '1' ? 1 : 2;
    const ratios = new Map<string, number[]>();
    for (let round = 0; round < runs; round++) {
      for (const value of values.split(',')) {
        const env = { ...process.env, STUDY_BOT_VM_POOL: String(size), STUDY_BOT_VM_POOL_MAX_MB: String(1000 * size), [name]: value };
        await startWarmPool({ env });
        try {
          for (let i = 0; i < 3000 && !warmPoolStatus().some((k) => k.parked >= size); i++) await new Promise((resolve) => setTimeout(resolve, 100));
          if (!warmPoolStatus().some((k) => k.parked >= size)) throw new Error(`${size} guests not parked: ${JSON.stringify(warmPoolStatus())}`);
          const quiet = await timed(env);
          const next = await timed(env);
          ratios.set(value, [...(ratios.get(value) ?? []), next.ms / quiet.ms]);
          vm[`pool ${size}, ${name}=${value} #${round + 1}`] =
            `quiet ${quiet.ms} ms (${quiet.report.runner.vmStart}, ${split(quiet.report)}, load ${quiet.load}), ` +
            `next ${next.ms} ms (${next.report.runner.vmStart}, ${split(next.report)}, load ${next.load}): x${(next.ms / quiet.ms).toFixed(2)}`;
        } finally {
          await stopWarmPool();
        }
      }
    }
    for (const [value, r] of ratios) vm[`pool ${size}, ${name}=${value} median next/quiet`] = Number(median(r).toFixed(2));
  }
  if (parts.has('refill-modes')) {
    await withPool({ refill: 'never' }, 1, 'vmPooledRefillNever', false);
    await withPool({ refill: 'at-once' }, 1, 'vmPooledRefillAtOnce', false);
  }
  if (!parts.has('cold')) return vm;
  // Without the snapshot: boot the kernel, start Node.js and bpftrace in the guest, then run.
  const cold = await timed({ ...noPool, STUDY_BOT_VM_SNAPSHOT: '0' });
  vm.vmCold = `${cold.ms} ms, ${cold.report.results.filter((r) => r.status === 'ok').length} ok, start/attach/run ${split(cold.report)}, load ${cold.load}`;
  vm.vmAccel = cold.report.runner.accel ?? '?';
  vm.vmKernel = cold.report.runner.kernel;
  return vm;
}
