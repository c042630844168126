import { execa } from 'execa';
import { probeType } from './program-scan.js';
import { SAFE_PATH, countTracepoints, type RunnerInfo } from './runner-info.js';

/**
 * How many probes each wildcard attach point would create. Tracepoints are counted from
 * tracefs (instant); everything else through `bpftrace -l`, which knows kprobe/kfunc/uprobe
 * rules better than we would. A count that cannot be made is reported as 0: bpftrace's own
 * BPFTRACE_MAX_PROBES, pinned in the environment, still caps the run.
 */
export async function countWildcardMatches(points: string[], info: RunnerInfo): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  await Promise.all(points.map(async (point) => {
    counts.set(point, await countOne(point, info));
  }));
  return counts;
}

async function countOne(point: string, info: RunnerInfo): Promise<number> {
  if (probeType(point) === 'tracepoint' && info.tracefs) {
    // tracefs lists `category:name`, bpftrace writes `tracepoint:category:name`
    const glob = point.split(':').slice(1).join(':');
    const count = countTracepoints(info.tracefs, glob);
    if (count !== null) return count;
  }
  try {
    const { stdout } = await execa('bpftrace', ['-l', point], {
      timeout: 10_000, reject: false, env: { PATH: SAFE_PATH }, extendEnv: false, maxBuffer: 64 * 1024 * 1024,
    });
    return stdout.split('\n').filter((line) => line.trim()).length;
  } catch {
    return 0;
  }
}
