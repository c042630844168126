import { hostRunnerAllowed, HOST_RUNNER_REFUSED, UNSAFE_HOST_SWITCH } from '../runner/run-one-liners.js';

/**
 * Where `/verify` runs is the deployment's choice, read from the bot's own environment. It
 * used to live in `.github/study.yml`, which every member can push: a member could have
 * pointed the bot at a workflow of their own, or back at the bot's own kernel.
 *
 * - `vm` (default): each request in a throwaway VM on the bot's machine (src/runner/vm);
 * - `actions`: a workflow in a separate runner repository (STUDY_BOT_RUNNER_REPOSITORY);
 * - `host`: the bot's own kernel, only with STUDY_BOT_UNSAFE_HOST_RUNNER=1 on a dedicated,
 *   disposable machine: a member's root program can read every secret of that kernel.
 */
export type VerifyDeployment =
  | { driver: 'vm' | 'host' }
  | { driver: 'actions'; runnerRepository: string; workflow: string; ref: string };

export const VERIFY_DRIVERS = ['vm', 'actions', 'host'] as const;
const REPOSITORY = /^[\w.-]+\/[\w.-]+$/;

export type DeploymentRead = { ok: true; deployment: VerifyDeployment } | { ok: false; problems: string[] };

export function readVerifyDeployment(env: NodeJS.ProcessEnv = process.env): DeploymentRead {
  const driver = env.STUDY_BOT_VERIFY_DRIVER?.trim() || 'vm';
  if (!(VERIFY_DRIVERS as readonly string[]).includes(driver)) {
    return { ok: false, problems: [`STUDY_BOT_VERIFY_DRIVER=${driver}: vm, actions, host 중 하나여야 합니다 (expected vm, actions or host)`] };
  }
  if (driver === 'host') {
    return hostRunnerAllowed(env) ? { ok: true, deployment: { driver: 'host' } } : { ok: false, problems: [`STUDY_BOT_VERIFY_DRIVER=host: ${HOST_RUNNER_REFUSED.ko} (${HOST_RUNNER_REFUSED.en})`] };
  }
  if (driver === 'vm') return { ok: true, deployment: { driver: 'vm' } };
  const runnerRepository = env.STUDY_BOT_RUNNER_REPOSITORY?.trim() ?? '';
  if (!REPOSITORY.test(runnerRepository)) {
    return {
      ok: false,
      problems: [`STUDY_BOT_VERIFY_DRIVER=actions에는 STUDY_BOT_RUNNER_REPOSITORY=owner/repo가 필요합니다 (the actions driver needs STUDY_BOT_RUNNER_REPOSITORY=owner/repo${runnerRepository ? `, got ${runnerRepository}` : ''})`],
    };
  }
  return {
    ok: true,
    deployment: {
      driver: 'actions',
      runnerRepository,
      workflow: env.STUDY_BOT_RUNNER_WORKFLOW?.trim() || 'ebpf-verify.yml',
      ref: env.STUDY_BOT_RUNNER_REF?.trim() || 'main',
    },
  };
}

export { UNSAFE_HOST_SWITCH };
