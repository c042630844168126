import { readFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

/**
 * The longest turn of the event loop while `work` runs, counted in the main thread's own CPU
 * time: a turn that ran 300 ms of JavaScript held every webhook for 300 ms on an idle machine,
 * and for seconds of wall time on a loaded one (CI shares 2 cores; the same push measured 493 ms
 * of wall at one moment and 3,053 ms at another). The CPU a turn used is what the code decides,
 * so the assertion does not depend on the machine's load. Linux reads it from
 * /proc/self/task/<main thread>/stat (utime + stime, in clock ticks of 10 ms); elsewhere the wall
 * gap is used. Worker threads and GC helper threads are other tasks and are not counted.
 */
const TICK_MS = 10; // USER_HZ is 100 on Linux
const statPath = `/proc/self/task/${process.pid}/stat`;

function mainThreadCpuMs(): number | null {
  // a test run in a worker thread (vitest's `threads` pool) is not the task named by the pid
  if (!isMainThread) return null;
  try {
    // the command name (field 2) may hold spaces: count fields after its closing parenthesis
    const stat = readFileSync(statPath, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime (fields 14, 15)
  } catch {
    return null;
  }
}

export interface LongestTurn {
  /** the most main-thread CPU one turn used (ms; the wall gap where CPU cannot be read) */
  cpuMs: number;
  /** the longest wall-clock gap between two turns (ms): load-dependent, for the log */
  wallMs: number;
  /** whether `cpuMs` is CPU time */
  measuredCpu: boolean;
}

export async function longestTurn<T>(work: () => Promise<T>): Promise<{ result: T; turn: LongestTurn }> {
  const measuredCpu = mainThreadCpuMs() !== null;
  let lastWall = performance.now();
  let lastCpu = mainThreadCpuMs() ?? 0;
  let cpuMs = 0;
  let wallMs = 0;
  const sample = () => {
    const wall = performance.now();
    const cpu = mainThreadCpuMs() ?? 0;
    wallMs = Math.max(wallMs, wall - lastWall);
    cpuMs = Math.max(cpuMs, measuredCpu ? cpu - lastCpu : wall - lastWall);
    lastWall = wall;
    lastCpu = cpu;
  };
  const ticker = setInterval(sample, 5);
  try {
    const result = await work();
    sample();
    return { result, turn: { cpuMs, wallMs, measuredCpu } };
  } finally {
    clearInterval(ticker);
  }
}
