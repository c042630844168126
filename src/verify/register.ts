import type { Probot } from 'probot';
import { systemTimer, type AppDeps } from '../app/deps.js';
import type { CommandContext, CommandHandler } from '../commands/dispatch.js';
import { attendanceOptions } from '../attendance/attendance-options.js';
import { ourAppId, type Octokit, type RepoRef } from '../github/octokit.js';
import { recentComments } from '../github/recent-comments.js';
import { octokitForRepository, parseRepoRef, runnerRepository } from '../github/verify-runner-repository.js';
import { verifyStudyRepository } from '../github/verify-study-repository.js';
import { collectProjectInWorker, extractOneLinersInWorker } from '../worker/check-in-worker.js';
import { MAX_REQUEST_ONELINERS } from '../runner/one-liner-schema.js';
import { VerifyGate } from './access.js';
import { actionsDriver } from './drivers/actions-driver.js';
import { localDriver, verifierFor } from './drivers/local-driver.js';
import type { VerifyDriver } from './drivers/types.js';
import { expirePendingRun } from './expire-pending-run.js';
import { handleVerifyCommand } from './handle-verify-command.js';
import { handleWorkflowRun } from './handle-workflow-run.js';
import { kernelName, VERIFY_USAGE } from './parse-verify-command.js';
import { PendingRuns, type PendingRun } from './pending-runs.js';
import { publisher } from './publish-verify.js';
import { readVerifyDeployment } from './verify-deployment.js';
import { processOnly } from '../shared-state/shared-state.js';
import { gateStoreOf } from './gate-store.js';
import { pendingStoreOf } from './pending-store.js';
import { recoverVerifyRequests, type RecoverVerifyResult } from './recover-verify.js';
import { HISTORY_MS, recordedRequests } from './verify-history.js';
import { verifyRecordSeal } from './verify-record.js';

/** What the recovery pass needs of `/verify`: put a repository's requests back from GitHub. */
export interface VerifyRecovery {
  /** once per repository and process (later calls wait for the first); null: already done */
  recoverRepository(octokit: Octokit, repo: RepoRef): Promise<RecoverVerifyResult | null>;
  /** expires pending runs past their deadline whose timer was in a process that is gone */
  sweep(): Promise<number>;
}

/**
 * `/verify` (issue and commit comments) and, for the actions driver, the runner
 * repository's `workflow_run.completed`. The gate and the pending runs live in the app's
 * shared state (this process, or Redis) and are put back from the bot's signed records in
 * GitHub after a start: one per app instance, so tests that build their own app never share
 * them.
 */
export function registerVerify(app: Probot, deps: AppDeps, commands: CommandHandler[]): VerifyRecovery {
  const shared = deps.shared ?? processOnly;
  const gate = new VerifyGate(deps.clock, gateStoreOf(shared));
  const secrets = attendanceOptions(deps).ledgerSecrets;
  const sealFor = (repo: RepoRef) => verifyRecordSeal(secrets, repo);
  const studyPublisher = async (run: PendingRun) =>
    publisher(verifyStudyRepository(await octokitForRepository(app, run.job.repo), run.job.repo), gate, sealFor(run.job.repo));
  // A dispatched run with no result by its deadline is closed out (a runner offline leaves it queued for up to 24 h).
  const pending = new PendingRuns(
    deps.clock,
    deps.timer ?? systemTimer,
    (run) =>
      deps.background(() =>
        expirePendingRun(run, {
          publisherFor: studyPublisher,
          runnerFor: async (ref) => runnerRepository(await octokitForRepository(app, ref), ref),
          warn: (message, error) => app.log.warn({ err: error, request: run.job.requestId }, message),
        }),
      ),
    pendingStoreOf(shared),
    deps.background,
  );
  const recovered = new Map<string, Promise<RecoverVerifyResult>>();
  const recoverRepository = (octokit: Octokit, { owner, repo: name }: RepoRef): Promise<RecoverVerifyResult | null> => {
    const repo = { owner, repo: name };
    const id = `${repo.owner}/${repo.repo}`.toLowerCase();
    const known = recovered.get(id);
    if (known) return known.then(() => null);
    const work = (async () => {
      const now = deps.clock.now().getTime();
      const [{ comments }, appId] = await Promise.all([recentComments(octokit, repo, now - HISTORY_MS), ourAppId(octokit)]);
      const study = verifyStudyRepository(octokit, repo);
      const seal = sealFor(repo);
      return recoverVerifyRequests(await recordedRequests(comments, seal, appId), { gate, pending, study, seal, publish: publisher(study, gate, seal), now });
    })();
    recovered.set(id, work);
    // A failed read is tried again by the next request (meanwhile the gate errs on the member's side).
    work.catch(() => recovered.delete(id));
    return work;
  };
  const deployment = deps.verifyDeployment ?? readVerifyDeployment(process.env);
  const local = deployment.ok && deployment.deployment.driver !== 'actions'
    ? localDriver(deps.verifier ?? verifierFor(deployment.deployment.driver), undefined, deps.projectVerifier)
    : null;

  const driverFor = (_ctx: CommandContext, kernels: string[]): VerifyDriver | { problem: { ko: string; en: string } } => {
    if (!deployment.ok) {
      // npm start refuses to start with these (server-env.ts); an app built otherwise says so here.
      return { problem: { ko: `봇의 /verify 설정에 문제가 있습니다: ${deployment.problems.join(' · ')}`, en: `the bot's /verify deployment is misconfigured: ${deployment.problems.join(' · ')}` } };
    }
    const chosen = deployment.deployment;
    if (chosen.driver === 'host' && kernels.length > 0) {
      return {
        problem: {
          ko: `커널 선택(${kernels.map(kernelName).join(', ')})은 VM 러너에서만 됩니다. 이 봇은 자기 머신의 커널 하나에서 실행합니다.`,
          en: `choosing kernels (${kernels.map(kernelName).join(', ')}) needs the VM runner; this bot runs on its own machine's one kernel.`,
        },
      };
    }
    if (chosen.driver !== 'actions') return local!;
    if (kernels.length > 1) {
      return { problem: { ko: '러너 저장소(actions)에서는 커널 레이블을 하나만 줄 수 있습니다.', en: 'the runner repository (actions) takes one kernel label at most.' } };
    }
    const runnerRef = parseRepoRef(chosen.runnerRepository);
    return actionsDriver({
      clock: deps.clock,
      pending,
      workflow: chosen.workflow,
      ref: chosen.ref,
      runnerRepository: async () => runnerRepository(await octokitForRepository(app, runnerRef), runnerRef),
    });
  };

  commands.push({
    names: ['verify', '검증'],
    usage: VERIFY_USAGE,
    handle: (ctx, command) =>
      handleVerifyCommand(ctx, command, {
        gate,
        driverFor,
        extract: (markdown) => extractOneLinersInWorker(markdown, { limit: MAX_REQUEST_ONELINERS }),
        collect: collectProjectInWorker(),
        isPending: (id) => pending.has(id),
        sealFor,
        recover: async (c) => {
          const result = await recoverRepository(c.octokit, c.repo);
          if (result && result.restored.length + result.closed.length > 0) c.log.info(result, 'verify: requests from before the start put back');
        },
      }),
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
  return { recoverRepository, sweep: () => pending.sweep() };
}
