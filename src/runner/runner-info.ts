import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { execa } from 'execa';
import type { RunnerInfoSummary } from './report-schema.js';

/** What this machine can run, probed once per process (bpftrace --version costs ~20 ms). */
export interface RunnerInfo extends RunnerInfoSummary {
  kprobes: boolean;
  /**
   * Whether bpftrace can attach kfunc/fentry probes here (`bpftrace --info`'s probe types):
   * BTF alone is not enough (this machine has BTF and bpftrace 0.17 says `kfunc: no`).
   * Undefined when unknown (no bpftrace, or a runner that did not say): hints then do not
   * recommend kfunc.
   */
  kfunc?: boolean;
  arch: string;
  /** [major, minor] of bpftrace, for version hints; null when not installed. */
  bpftraceVersion: [number, number] | null;
  /** Where tracefs is mounted, or null when it is not. */
  tracefs: string | null;
  /**
   * Where tracefs is mounted according to /proc/self/mounts, even when this user cannot read
   * it (mode 0700 for root): "not mounted" would send a non-root user to mount it again.
   */
  tracefsMount?: string | null;
  root: boolean;
}

const TRACEFS_CANDIDATES = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'];

let cached: Promise<RunnerInfo> | null = null;

export function getRunnerInfo(): Promise<RunnerInfo> {
  cached ??= probeRunnerInfo();
  return cached;
}

export function findTracefs(): string | null {
  return TRACEFS_CANDIDATES.find((dir) => existsSync(`${dir}/available_events`)) ?? null;
}

/** The first tracefs mount point in /proc/self/mounts, readable or not; null when none or unknown. */
export function tracefsMountPoint(mounts?: string): string | null {
  let text = mounts;
  try {
    text ??= readFileSync('/proc/self/mounts', 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    const [, mountPoint, type] = line.split(' ');
    if (type === 'tracefs' && mountPoint) return mountPoint.replace(/\\040/g, ' ');
  }
  return null;
}

async function probeRunnerInfo(): Promise<RunnerInfo> {
  const tracefs = findTracefs();
  const [version, features] = await Promise.all([bpftraceVersion(), bpftraceProbeTypes()]);
  return {
    kernel: os.release(),
    bpftrace: version?.text ?? null,
    bpftraceVersion: version?.numbers ?? null,
    btf: existsSync('/sys/kernel/btf/vmlinux'),
    // 0.17's --info has no kprobe line; a kernel without CONFIG_KPROBE_EVENTS has no kprobe_events.
    kprobes: tracefs !== null && existsSync(`${tracefs}/kprobe_events`),
    ...(features.kfunc === undefined ? {} : { kfunc: features.kfunc }),
    arch: os.arch(),
    tracefs,
    tracefsMount: tracefsMountPoint(),
    root: typeof process.getuid === 'function' && process.getuid() === 0,
  };
}

export async function bpftraceVersion(): Promise<{ text: string; numbers: [number, number] } | null> {
  try {
    // Generous: bpftrace loads LLVM before it answers, which takes seconds in an emulated VM.
    const { stdout } = await execa('bpftrace', ['--version'], { timeout: 30_000, reject: false, env: { PATH: SAFE_PATH }, extendEnv: false });
    return parseBpftraceVersion(stdout);
  } catch {
    return null;
  }
}

/** `bpftrace --info`'s probe types (~0.1 s, once per process); empty when it cannot say. */
async function bpftraceProbeTypes(): Promise<{ kfunc?: boolean }> {
  try {
    const { stdout, stderr } = await execa('bpftrace', ['--info'], { timeout: 30_000, reject: false, env: { PATH: SAFE_PATH }, extendEnv: false });
    return parseProbeTypes(`${stdout}\n${stderr}`);
  } catch {
    return {};
  }
}

/** `  kfunc: yes` under `Probe types` (bpftrace 0.12-0.20 print it; later ones say `fentry`). */
export function parseProbeTypes(info: string): { kfunc?: boolean } {
  const match = /^[ \t]*(?:kfunc|fentry):\s*(yes|no)\b/mu.exec(info);
  return match ? { kfunc: match[1] === 'yes' } : {};
}

export function parseBpftraceVersion(text: string): { text: string; numbers: [number, number] } | null {
  const match = /(?<!\d)v?(\d+)\.(\d+)(?:\.(\d+))?[\w.+-]*/.exec(text);
  if (!match) return null;
  const full = match[0].startsWith('v') ? match[0] : `v${match[0]}`;
  return { text: full, numbers: [Number(match[1]), Number(match[2])] };
}

/** PATH given to every process the runner starts. */
export const SAFE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Number of tracepoints matching a glob, from tracefs; null when tracefs is not readable. */
export function countTracepoints(tracefs: string, glob: string): number | null {
  try {
    const events = readFileSync(`${tracefs}/available_events`, 'utf8').split('\n');
    const matcher = globToRegExp(glob);
    return events.filter((event) => event && matcher.test(event)).length;
  } catch {
    return null;
  }
}

export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const c of glob) {
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else source += c.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
