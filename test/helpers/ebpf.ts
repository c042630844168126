import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { it } from 'vitest';
import { describeNeeding } from './prerequisites.js';

/**
 * Real eBPF tests need root, bpftrace and tracefs. On a laptop they are skipped; in CI
 * (`STUDY_BOT_REQUIRE_EBPF=1`) a missing prerequisite fails instead, so a broken runner image
 * cannot pass by skipping everything.
 */
export function missingEbpfPrerequisite(): string | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not running as root';
  try {
    execFileSync('bpftrace', ['--version'], { stdio: 'ignore', timeout: 5000 });
  } catch {
    return 'bpftrace is not installed';
  }
  if (!existsSync('/sys/kernel/tracing/available_events') && !existsSync('/sys/kernel/debug/tracing/available_events')) {
    return 'tracefs is not mounted (mount -t tracefs tracefs /sys/kernel/tracing)';
  }
  return null;
}

const missing = missingEbpfPrerequisite();
const required = process.env.STUDY_BOT_REQUIRE_EBPF === '1';

export const ebpfAvailable = missing === null;

export function describeEbpf(name: string, body: () => void): void {
  describeNeeding({ missing, required, variable: 'STUDY_BOT_REQUIRE_EBPF', tests: 'eBPF' }, name, body);
}

export const itEbpf: typeof it = ((name: string, fn: () => unknown, timeout?: number) => {
  if (missing === null) return it(name, fn, timeout);
  if (required) return it(name, () => { throw new Error(`eBPF test required but ${missing}`); });
  return it.skip(`${name} (skipped: ${missing})`, fn);
}) as typeof it;
