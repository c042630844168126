import type { Verifier, VerifyDriver } from './types.js';

/** The real verifier, loaded only when a local run happens (the app need not load the runner otherwise). */
export const realVerifier: Verifier = async (oneLiners) => {
  const { verifyOneLiners } = await import('../../runner/verify-oneliners.js');
  return verifyOneLiners(oneLiners);
};

/**
 * `driver: local`: the bot's own process runs the one-liners (a study that runs the bot as
 * root on its Linux VM). Called inside `deps.background`, never in the webhook handler. A
 * verifier that throws is a runner error in the comment, not a silent ⏳.
 */
export function localDriver(verify: Verifier = realVerifier): VerifyDriver {
  return {
    async start(job, publish) {
      let outcome: Parameters<typeof publish>[1];
      try {
        outcome = { kind: 'report', report: await verify(job.oneLiners) };
      } catch (error) {
        const reason = (error as Error)?.message ?? String(error);
        outcome = {
          kind: 'failed',
          oneLiners: job.oneLiners,
          problem: { ko: `로컬 러너가 실패했습니다: ${reason}`, en: `the local runner failed: ${reason}` },
        };
      }
      await publish(job, outcome);
    },
  };
}
