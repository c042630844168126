import type { OneLiner } from '../oneliners/types.js';
import type { Isolation } from './policy.js';
import type { VerifyReport } from './report-schema.js';

/**
 * Where one-liners run. `vm`: a throwaway VM with its own kernel (src/runner/vm), the only
 * place a member's program may run on a machine that holds anything of value. `host`: this
 * machine's own kernel, for a member checking their own notes on their own VM, or a dedicated,
 * disposable runner that says so with STUDY_BOT_UNSAFE_HOST_RUNNER=1.
 */
export type { Isolation } from './policy.js';
export const ISOLATIONS = ['vm', 'host'] as const;

export const UNSAFE_HOST_SWITCH = 'STUDY_BOT_UNSAFE_HOST_RUNNER';

/** Whether this deployment said, explicitly, that its runner host is disposable. */
export const hostRunnerAllowed = (env: NodeJS.ProcessEnv = process.env): boolean => env[UNSAFE_HOST_SWITCH] === '1';

export const HOST_RUNNER_REFUSED = {
  ko: `호스트에서 직접 실행하려면 ${UNSAFE_HOST_SWITCH}=1이 필요합니다: 멤버의 root 추적 프로그램은 이 머신의 커널 메모리(비밀 포함)를 모두 읽을 수 있습니다. 버려도 되는 전용 러너에서만 켜세요. 아니면 VM에서 실행하세요(기본).`,
  en: `running on the host itself needs ${UNSAFE_HOST_SWITCH}=1: a member's root tracing program can read any memory of this machine's kernel, secrets included. Set it only on a dedicated, disposable runner; otherwise run in the VM (the default).`,
};

export interface RunOneLinersOptions {
  isolation: Isolation;
  /** VM kernels by name; the runner's first when empty. The host has only its own. */
  kernels?: string[];
  file?: string;
  windowMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Epoch ms: in a VM, nothing waits or runs past it (the `/verify` request's deadline). */
  until?: number;
  /** Who asked (the gate's key): the VM slots take members in turn. */
  owner?: string;
}

export async function runOneLiners(oneLiners: OneLiner[], opts: RunOneLinersOptions): Promise<VerifyReport> {
  if (opts.isolation === 'vm') {
    const { verifyInVm } = await import('./vm/verify-in-vm.js');
    return verifyInVm(oneLiners, { kernels: opts.kernels, file: opts.file, windowMs: opts.windowMs, env: opts.env, until: opts.until, ...(opts.owner ? { owner: opts.owner } : {}) });
  }
  if (opts.kernels?.length) {
    throw new Error(`호스트는 자기 커널에서만 실행합니다: --kernel은 VM에서만 쓸 수 있습니다 (the host runs on its own kernel only; --kernel needs the VM)`);
  }
  const { verifyOneLiners } = await import('./verify-oneliners.js');
  const report = await verifyOneLiners(oneLiners, { file: opts.file, windowMs: opts.windowMs });
  return { ...report, runner: { ...report.runner, isolation: 'host' } };
}
