import { execa } from 'execa';
import { parseAttachPoint } from './attach-point.js';
import { SAFE_PATH, countTracepoints, type RunnerInfo } from './runner-info.js';

/**
 * How many probes each wildcard pattern would create, or null when it cannot be counted (the
 * policy then refuses: an uncounted `kfunc:*` may be tens of thousands of probes). Tracepoints
 * are counted from tracefs (instant); everything else through `bpftrace -l`, which knows
 * kprobe/kfunc/uprobe rules better than we would. A listing that fails, crashes (0.17 aborts
 * on `kfunc:*` without access to available_filter_functions), warns that it could not read the
 * symbols, or runs out of time counts as null, never as 0.
 */
export async function countWildcardMatches(patterns: string[], info: RunnerInfo): Promise<Map<string, number | null>> {
  const counts = new Map<string, number | null>();
  await Promise.all(patterns.map(async (pattern) => {
    counts.set(pattern, await countOne(pattern, info));
  }));
  return counts;
}

async function countOne(pattern: string, info: RunnerInfo): Promise<number | null> {
  const { type, parts } = parseAttachPoint(pattern);
  if (type === 'tracepoint' && info.tracefs) {
    // tracefs lists `category:name`, bpftrace writes `tracepoint:category:name`
    const count = countTracepoints(info.tracefs, parts.slice(1).join(':'));
    if (count !== null) return count;
  }
  try {
    const { stdout, stderr, exitCode, timedOut } = await execa('bpftrace', ['-l', pattern], {
      timeout: 10_000, reject: false, env: { PATH: SAFE_PATH }, extendEnv: false, maxBuffer: 64 * 1024 * 1024,
    });
    if (/Could not read symbols/.test(stderr) && (type === 'kprobe' || type === 'kretprobe') && !info.kprobes) {
      return 0; // no kprobes in this kernel: nothing can attach, the run reports it unsupported
    }
    if (timedOut || exitCode !== 0 || /ERROR|Could not|terminate called/.test(stderr)) return null;
    return stdout.split('\n').filter((line) => line.trim()).length;
  } catch {
    return null;
  }
}
