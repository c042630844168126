import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Accel } from './qemu-argv.js';
import { vmUser } from './vm-user.js';

/**
 * Whether KVM really works here. /dev/kvm existing proves little: in a VM without nested
 * virtualization (this machine, many CI runners) it is there, yet QEMU aborts on a CPU
 * register or hangs after the boot loader (RUNNER.md). So a runner tries once, by booting the
 * real guest with KVM under a short deadline, and remembers the answer per host kernel.
 */
export interface AccelChoice {
  accel: Accel;
  /** Why, in both languages: "no usable /dev/kvm", "KVM boot failed: …", … */
  reason: { ko: string; en: string };
}

export const ACCEL_CACHE_FILE = 'accel.json';

/**
 * Whether the user QEMU runs as could open /dev/kvm: as root, QEMU drops to the VM user in
 * group `kvm` (vm-user.ts), so root's own access proves nothing.
 */
export function kvmDeviceUsable(): boolean {
  if (!existsSync('/dev/kvm')) return false;
  try {
    if (typeof process.getuid === 'function' && process.getuid() === 0) {
      const { mode, gid } = statSync('/dev/kvm');
      const user = vmUser({ kvm: true });
      return (mode & 0o006) === 0o006 || ((mode & 0o060) === 0o060 && user !== null && gid === user.gid);
    }
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export interface DetectAccelOptions {
  runnerDir: string;
  env?: NodeJS.ProcessEnv;
  /** Boots a guest with KVM; resolves true when it answered. */
  tryKvm: () => Promise<{ ok: boolean; detail: string }>;
  /** Ignore the remembered answer. */
  fresh?: boolean;
}

let inProcess: Promise<AccelChoice> | null = null;

export function detectAccel(opts: DetectAccelOptions): Promise<AccelChoice> {
  if (opts.fresh) inProcess = null;
  inProcess ??= decide(opts);
  return inProcess;
}

async function decide(opts: DetectAccelOptions): Promise<AccelChoice> {
  const forced = (opts.env ?? process.env).STUDY_BOT_VM_ACCEL;
  if (forced === 'kvm' || forced === 'tcg') return { accel: forced, reason: { ko: `STUDY_BOT_VM_ACCEL=${forced}`, en: `STUDY_BOT_VM_ACCEL=${forced}` } };
  if (!kvmDeviceUsable()) {
    return { accel: 'tcg', reason: { ko: '/dev/kvm가 없거나 VM 사용자가 열 수 없음 (kvm 그룹, 0660)', en: 'no /dev/kvm the VM user can open (group kvm, mode 0660)' } };
  }
  const cacheFile = path.join(opts.runnerDir, ACCEL_CACHE_FILE);
  const hostKernel = os.release();
  if (!opts.fresh) {
    try {
      const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as { hostKernel?: string; accel?: Accel; reason?: { ko?: unknown; en?: unknown } };
      if (cached.hostKernel === hostKernel && (cached.accel === 'kvm' || cached.accel === 'tcg')) {
        const said = (text: unknown) => (typeof text === 'string' ? text.slice(0, 300) : '');
        return { accel: cached.accel, reason: { ko: `${said(cached.reason?.ko)} (이전에 확인함)`, en: `${said(cached.reason?.en)} (checked before)` } };
      }
    } catch {
      // not checked yet
    }
  }
  const attempt = await opts.tryKvm();
  const detail = attempt.detail.slice(0, 200);
  const choice: AccelChoice = attempt.ok
    ? { accel: 'kvm', reason: { ko: 'KVM으로 부팅 확인', en: 'a KVM guest booted' } }
    : { accel: 'tcg', reason: { ko: `KVM 부팅 실패: ${detail}`, en: `KVM boot failed: ${detail}` } };
  try {
    mkdirSync(opts.runnerDir, { recursive: true });
    writeFileSync(cacheFile, JSON.stringify({ hostKernel, ...choice, checkedAt: new Date().toISOString() }, null, 2));
  } catch {
    // a read-only runner directory only costs another try next time
  }
  return choice;
}
