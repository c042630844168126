import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Accel } from './qemu-argv.js';

/**
 * Whether KVM really works here. /dev/kvm existing proves little: in a VM without nested
 * virtualization (this machine, many CI runners) it is there, yet QEMU aborts on a CPU
 * register or hangs after the boot loader (RUNNER.md). So a runner tries once, by booting the
 * real guest with KVM under a short deadline, and remembers the answer per host kernel.
 */
export interface AccelChoice {
  accel: Accel;
  /** Why: "forced by STUDY_BOT_VM_ACCEL", "no /dev/kvm", "KVM boot failed: …", … */
  reason: string;
}

export const ACCEL_CACHE_FILE = 'accel.json';

export function kvmDeviceUsable(): boolean {
  if (!existsSync('/dev/kvm')) return false;
  try {
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
  if (forced === 'kvm' || forced === 'tcg') return { accel: forced, reason: `STUDY_BOT_VM_ACCEL=${forced}` };
  if (!kvmDeviceUsable()) return { accel: 'tcg', reason: '/dev/kvm가 없거나 열 수 없음 (no usable /dev/kvm)' };
  const cacheFile = path.join(opts.runnerDir, ACCEL_CACHE_FILE);
  const hostKernel = os.release();
  if (!opts.fresh) {
    try {
      const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as { hostKernel?: string; accel?: Accel; reason?: string };
      if (cached.hostKernel === hostKernel && (cached.accel === 'kvm' || cached.accel === 'tcg')) {
        return { accel: cached.accel, reason: `${cached.reason ?? ''} (checked before)`.trim() };
      }
    } catch {
      // not checked yet
    }
  }
  const attempt = await opts.tryKvm();
  const choice: AccelChoice = attempt.ok
    ? { accel: 'kvm', reason: 'KVM으로 부팅 확인 (a KVM guest booted)' }
    : { accel: 'tcg', reason: `KVM 부팅 실패, 전체 에뮬레이션 사용 (KVM boot failed, using full emulation): ${attempt.detail}`.slice(0, 300) };
  try {
    mkdirSync(opts.runnerDir, { recursive: true });
    writeFileSync(cacheFile, JSON.stringify({ hostKernel, ...choice, checkedAt: new Date().toISOString() }, null, 2));
  } catch {
    // a read-only runner directory only costs another try next time
  }
  return choice;
}
