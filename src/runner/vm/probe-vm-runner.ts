import { readdirSync, readFileSync } from 'node:fs';
import { execa } from 'execa';
import type { AccelChoice } from './accel.js';
import { jailCheck, type JailCheck } from './qemu-jail.js';
import type { WarmStartState } from './verify-in-vm.js';
import { QEMU_BINARY } from './qemu-argv.js';
import { planPool, poolMaxBytes, poolSize } from './warm-pool.js';
import { readManifest, runnerDir, type RunnerManifest } from './runner-dir.js';

/** What `study-bot doctor` reports of a runner host's VM side. */
export interface VmRunnerProbe {
  dir: string;
  /** `qemu-system-x86_64 --version`'s first line, or null when QEMU is missing. */
  qemu: string | null;
  manifest: RunnerManifest | null;
  /** Tried only when QEMU and an image are there: KVM or full emulation, and why. */
  accel: AccelChoice | null;
  /** Per kernel, whether a ready guest is saved for fast starts (only when accel is known). */
  warm: WarmStartState[] | null;
  /** Whether QEMU runs in bubblewrap (qemu-jail.ts); without it the VM driver refuses to run. */
  jail: boolean;
  /** How QEMU is confined (as root, or in a user namespace), or why it cannot be. */
  confinement: JailCheck;
  /** The warm pool an app on this host would keep (warm-pool.ts), and the QEMU processes running now. */
  pool: PoolPlan | null;
}

export interface PoolPlan {
  /** STUDY_BOT_VM_POOL: guests per kernel asked for. */
  size: number;
  /** STUDY_BOT_VM_POOL_MAX_MB, bytes. */
  maxBytes: number;
  /** Per kernel: guests parked after the memory bound, and what each holds (estimated). */
  kernels: { kernel: string; guests: number; bytesEach: number }[];
  /** QEMU processes on this host now (parked guests of a running app, requests, saves), and their resident memory. */
  running: { count: number; rssBytes: number };
}

export async function probeVmRunner(env: NodeJS.ProcessEnv = process.env): Promise<VmRunnerProbe> {
  const dir = runnerDir(env);
  const version = await execa(QEMU_BINARY, ['--version'], { reject: false, timeout: 10_000 }).catch(() => null);
  const qemu = version && version.exitCode === 0 ? version.stdout.split('\n')[0]!.trim() : null;
  const manifest = readManifest(dir);
  let accel: AccelChoice | null = null;
  let warm: WarmStartState[] | null = null;
  if (qemu && manifest) {
    const { chooseAccel, warmStartStatus } = await import('./verify-in-vm.js');
    const { guestAgentSource } = await import('./guest-bundle.js');
    accel = await chooseAccel(dir, manifest, await guestAgentSource(), env).catch(() => null);
    if (accel) warm = await warmStartStatus({ runnerDir: dir, env, accel: accel.accel }).catch(() => null);
  }
  let pool: PoolPlan | null = null;
  if (warm) {
    const { guestBytes, vmSettings } = await import('./verify-in-vm.js');
    const size = poolSize(env);
    const maxBytes = poolMaxBytes(env);
    const each = warm.map((w) => ({ kernel: w.kernel, bytes: guestBytes(w.state, vmSettings(env).memoryMb) }));
    const sizes = planPool(each, size, maxBytes);
    pool = { size, maxBytes, kernels: each.map((w, i) => ({ kernel: w.kernel, guests: sizes[i]!, bytesEach: w.bytes })), running: runningQemu() };
  }
  const confinement = jailCheck(env);
  return { dir, qemu, manifest, accel, warm, jail: confinement.ok, confinement, pool };
}

/** QEMU processes running on this host, from /proc (as root: every user's). */
export function runningQemu(): { count: number; rssBytes: number } {
  let count = 0;
  let rssBytes = 0;
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return { count, rssBytes };
  }
  for (const pid of pids) {
    try {
      if (!readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('qemu-system')) continue;
      const rss = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      count++;
      rssBytes += rss ? Number(rss[1]) * 1024 : 0;
    } catch {
      // gone meanwhile
    }
  }
  return { count, rssBytes };
}
