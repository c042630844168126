import type { OneLiner } from '../../oneliners/types.js';
import type { Isolation } from '../../runner/run-one-liners.js';
import type { EarlyRun, JobWork, ProjectVerifier, Publish, Verifier, VerifierRequest, VerifyDriver } from './types.js';
import { queueLimitsFromEnv, VerifyQueue, type Admission } from './verify-queue.js';

/**
 * The real verifier, loaded only when a run happens (the app need not load the runner
 * otherwise): in a throwaway VM (the default), or on this machine's own kernel when the
 * deployment set STUDY_BOT_VERIFY_DRIVER=host with STUDY_BOT_UNSAFE_HOST_RUNNER=1.
 */
export const verifierFor = (isolation: Isolation): Verifier => async (oneLiners: OneLiner[], request?: VerifierRequest) => {
  const { runOneLiners } = await import('../../runner/run-one-liners.js');
  return runOneLiners(oneLiners, { isolation, kernels: request?.kernels ?? [], file: request?.file, until: request?.deadline, ...(request?.owner ? { owner: request.owner } : {}) });
};

/**
 * `/verify project`'s verifier: always the throwaway VM, whatever the one-liners' driver
 * (nothing of a member's project compiles or runs on the bot's machine), loaded only when a
 * run happens.
 */
export const projectVerifierInVm: ProjectVerifier = async (root, collected, request) => {
  const { verifyCollected } = await import('../../project/verify-project.js');
  return verifyCollected(root, collected, { kernels: request.kernels, ...(request.deadline !== undefined ? { until: request.deadline } : {}), ...(request.owner ? { owner: request.owner } : {}) });
};

/** The host path (tests of the eBPF side use it; the app only with the explicit switch). */
export const realVerifier: Verifier = verifierFor('host');

/** VMs side by side, as the VM runner counts them (STUDY_BOT_VM_SLOTS, or what the host fits). */
function vmParallel(env: NodeJS.ProcessEnv): number {
  const slots = Number(env.STUDY_BOT_VM_SLOTS);
  return Number.isInteger(slots) && slots >= 1 ? slots : 1;
}

/**
 * The bot's own machine runs the one-liners: in a VM (`vm`, the default), or on its kernel
 * (`host`). Called inside `deps.background`, never in the webhook handler. A verifier that
 * throws is a runner error in the comment, not a silent ⏳. The queue is bounded (verify-queue.ts):
 * past it, the member is told at once when to come back; and the request's deadline goes to the
 * runner, so no VM waits or runs once the member's gate has let them go.
 */
export function localDriver(
  verify: Verifier,
  queue = new VerifyQueue(() => queueLimitsFromEnv(process.env, vmParallel(process.env))),
  verifyProject: ProjectVerifier = projectVerifierInVm,
): VerifyDriver {
  const begin = (work: JobWork): LocalRun => new LocalRun(queue.admit(work.ticket.key), work, verify, verifyProject);
  return {
    kind: 'local',
    begin,
    async start(job, { publish, remember }, early) {
      const run = early instanceof LocalRun && early.work.ticket.requestId === job.ticket.requestId && !early.claimed ? early : begin(job);
      if (!run.admission.ok) {
        await publish(job, { kind: 'failed', oneLiners: job.oneLiners, problem: run.admission.message });
        return;
      }
      run.claimed = true;
      try {
        // The record is written while the run goes on (it waits its turn among GitHub's writes).
        await remember(job);
        await publish(job, await run.outcome!);
      } finally {
        run.admission.release();
      }
    },
  };
}

/** One admitted run of the local driver, started at once (VerifyDriver.begin) or by `start`. */
class LocalRun implements EarlyRun {
  readonly outcome: Promise<Parameters<Publish>[1]> | null;
  /** `start` took it: it releases the queue place after publishing. */
  claimed = false;

  constructor(readonly admission: Admission, readonly work: JobWork, verify: Verifier, verifyProject: ProjectVerifier) {
    this.outcome = admission.ok ? outcomeOf(work, verify, verifyProject) : null;
  }

  abandon(): void {
    if (this.claimed || !this.admission.ok) return;
    const release = this.admission.release;
    void this.outcome!.finally(release);
  }
}

/** The verifier's report, or why it failed: never rejects. */
async function outcomeOf(work: JobWork, verify: Verifier, verifyProject: ProjectVerifier): Promise<Parameters<Publish>[1]> {
  const request = { kernels: work.kernels, file: work.path, deadline: work.deadline, owner: work.ticket.key };
  try {
    return work.project?.collected
      ? { kind: 'project', report: await verifyProject(work.project.root, work.project.collected, request) }
      : { kind: 'report', report: await verify(work.oneLiners, request) };
  } catch (error) {
    const reason = (error as Error)?.message ?? String(error);
    return {
      kind: 'failed',
      oneLiners: work.oneLiners,
      problem: { ko: `러너가 실패했습니다: ${reason}`, en: `the runner failed: ${reason}` },
    };
  }
}
