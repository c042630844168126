import type { Probot } from 'probot';
import { systemTimer, type AppDeps } from '../app/deps.js';
import type { CommandContext, CommandHandler } from '../commands/dispatch.js';
import { octokitForRepository, parseRepoRef, runnerRepository } from '../github/verify-runner-repository.js';
import { verifyStudyRepository } from '../github/verify-study-repository.js';
import { extractOneLiners } from '../oneliners/extract-oneliners.js';
import { VerifyGate } from './access.js';
import { actionsDriver } from './drivers/actions-driver.js';
import { localDriver, realVerifier } from './drivers/local-driver.js';
import type { VerifyDriver } from './drivers/types.js';
import { expirePendingRun } from './expire-pending-run.js';
import { handleVerifyCommand } from './handle-verify-command.js';
import { handleWorkflowRun } from './handle-workflow-run.js';
import { VERIFY_USAGE } from './parse-verify-command.js';
import { PendingRuns, type PendingRun } from './pending-runs.js';
import { publisher } from './publish-verify.js';

/**
 * `/verify` (issue and commit comments) and, for the actions driver, the runner
 * repository's `workflow_run.completed`. The gate and the pending runs live as long as the
 * app: one per app instance, so tests that build their own app never share them.
 */
export function registerVerify(app: Probot, deps: AppDeps, commands: CommandHandler[]): void {
  const gate = new VerifyGate(deps.clock);
  const studyPublisher = async (run: PendingRun) => publisher(verifyStudyRepository(await octokitForRepository(app, run.job.repo), run.job.repo), gate);
  // A dispatched run with no result by its deadline is closed out (a runner offline leaves it queued for up to 24 h).
  const pending = new PendingRuns(deps.clock, deps.timer ?? systemTimer, (run) =>
    deps.background(() =>
      expirePendingRun(run, {
        publisherFor: studyPublisher,
        runnerFor: async (ref) => runnerRepository(await octokitForRepository(app, ref), ref),
        warn: (message, error) => app.log.warn({ err: error, request: run.job.requestId }, message),
      }),
    ),
  );
  const local = localDriver(deps.verifier ?? realVerifier);

  const driverFor = (ctx: CommandContext): VerifyDriver | { problem: { ko: string; en: string } } => {
    const { verify } = ctx.config;
    if (verify.driver === 'local') return local;
    if (!verify.runnerRepository) {
      return {
        problem: {
          ko: '설정에 `verify.driver: actions`가 있지만 `verify.runnerRepository`가 없습니다. 운영진이 러너 저장소(owner/repo)를 적어 주세요.',
          en: 'the config says `verify.driver: actions` but has no `verify.runnerRepository`; organizers, please name the runner repository (owner/repo).',
        },
      };
    }
    const runnerRef = parseRepoRef(verify.runnerRepository);
    return actionsDriver({
      clock: deps.clock,
      pending,
      workflow: verify.workflow,
      ref: verify.ref,
      runnerRepository: async () => runnerRepository(await octokitForRepository(app, runnerRef), runnerRef),
    });
  };

  commands.push({
    names: ['verify', '검증'],
    usage: VERIFY_USAGE,
    handle: (ctx, command) => handleVerifyCommand(ctx, command, { gate, driverFor, extract: extractOneLiners, isPending: (id) => pending.has(id) }),
  });

  app.on('workflow_run.completed', async (context) => {
    const { workflow_run: run, repository } = context.payload;
    const event = {
      repository: repository.full_name,
      runId: run.id,
      workflowId: run.workflow_id,
      path: run.path,
      event: run.event,
      displayTitle: run.display_title ?? '',
      conclusion: run.conclusion,
      htmlUrl: run.html_url,
    };
    // Deliveries from every repository the app is installed on come here; most are not ours.
    const runner = runnerRepository(context.octokit, { owner: repository.owner.login, repo: repository.name });
    deps.background(async () => {
      const result = await handleWorkflowRun(event, {
        pending,
        runner,
        publisherFor: studyPublisher,
      });
      if (result === 'ignored') context.log.debug({ run: run.id, repository: repository.full_name }, 'workflow run is not a /verify request of ours');
    });
  });
}
