import { execa } from 'execa';
import type { AccelChoice } from './accel.js';
import { jailCheck, type JailCheck } from './qemu-jail.js';
import type { WarmStartState } from './verify-in-vm.js';
import { QEMU_BINARY } from './qemu-argv.js';
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
  const confinement = jailCheck(env);
  return { dir, qemu, manifest, accel, warm, jail: confinement.ok, confinement };
}
