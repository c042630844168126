import type { OneLiner } from '../../oneliners/types.js';
import type { Isolation } from '../../runner/run-one-liners.js';
import type { Verifier, VerifierRequest, VerifyDriver } from './types.js';

/**
 * The real verifier, loaded only when a run happens (the app need not load the runner
 * otherwise): in a throwaway VM (the default), or on this machine's own kernel when the
 * deployment set STUDY_BOT_VERIFY_DRIVER=host with STUDY_BOT_UNSAFE_HOST_RUNNER=1.
 */
export const verifierFor = (isolation: Isolation): Verifier => async (oneLiners: OneLiner[], request?: VerifierRequest) => {
  const { runOneLiners } = await import('../../runner/run-one-liners.js');
  return runOneLiners(oneLiners, { isolation, kernels: request?.kernels ?? [], file: request?.file });
};

/** The host path (tests of the eBPF side use it; the app only with the explicit switch). */
export const realVerifier: Verifier = verifierFor('host');

/**
 * The bot's own machine runs the one-liners: in a VM (`vm`, the default), or on its kernel
 * (`host`). Called inside `deps.background`, never in the webhook handler. A verifier that
 * throws is a runner error in the comment, not a silent ⏳.
 */
export function localDriver(verify: Verifier): VerifyDriver {
  return {
    kind: 'local',
    async start(job, { publish, remember }) {
      await remember(job);
      let outcome: Parameters<typeof publish>[1];
      try {
        outcome = { kind: 'report', report: await verify(job.oneLiners, { kernels: job.kernels, file: job.path }) };
      } catch (error) {
        const reason = (error as Error)?.message ?? String(error);
        outcome = {
          kind: 'failed',
          oneLiners: job.oneLiners,
          problem: { ko: `러너가 실패했습니다: ${reason}`, en: `the runner failed: ${reason}` },
        };
      }
      await publish(job, outcome);
    },
  };
}
