import type { RepoRef } from '../github/octokit.js';
import type { RunnerRepository } from '../github/verify-runner-repository.js';
import type { Bilingual } from '../i18n/pick.js';
import type { Publish } from './drivers/types.js';
import type { PendingRun } from './pending-runs.js';
import type { VerifyOutcome } from './render-verify.js';

/**
 * What the member (and the organizers) read when the runner never answered: nothing is wrong
 * with the one-liners; a self-hosted runner with the `ebpf` label (and the kernel label, when
 * one was asked for) was offline or busy, and where to look.
 */
export function silentRunnerProblem(run: PendingRun): Bilingual {
  const minutes = Math.max(1, Math.round((run.deadline - run.dispatchedAt) / 60_000));
  const where = run.runner ? `${run.runner.owner}/${run.runner.repo}` : 'STUDY_BOT_RUNNER_REPOSITORY';
  const label = run.job.kernelLabel;
  const cancelling = run.runId !== null;
  return {
    ko: [
      `⏱ 러너가 ${minutes}분 안에 응답하지 않았습니다 (one-liner 문제가 아닙니다).${cancelling ? ' 대기 중인 실행은 취소합니다.' : ''}`,
      `운영진: 러너 저장소 \`${where}\`의 Settings → Actions → Runners에서 \`ebpf\`${label ? `와 \`${label}\`` : ''} 레이블 러너가 Idle(온라인)인지, Actions 탭에 Queued 실행이 쌓여 있지 않은지 확인하고, 러너 VM에서 \`sudo ./svc.sh status\`와 \`sudo study-bot doctor\`를 실행해 보세요.`,
    ].join(' '),
    en: [
      `⏱ the runner did not answer within ${minutes} min (nothing is wrong with the one-liners).${cancelling ? ' The queued run is being cancelled.' : ''}`,
      `Organizers: in the runner repository \`${where}\`, check Settings → Actions → Runners for an Idle (online) runner labelled \`ebpf\`${label ? ` and \`${label}\`` : ''}, look for runs stuck in Queued in the Actions tab, and run \`sudo ./svc.sh status\` and \`sudo study-bot doctor\` on the runner VM.`,
    ].join(' '),
  };
}

export interface ExpireDeps {
  /** a publisher for the study repository of the run (its own installation) */
  publisherFor(run: PendingRun): Promise<Publish>;
  /** the runner repository, to cancel the run that is still queued */
  runnerFor(repo: RepoRef): Promise<RunnerRepository>;
  warn(message: string, error: unknown): void;
}

/**
 * The deadline of a dispatched request passed without `workflow_run.completed`: the ⏳
 * comment becomes a runner error that says the runner was silent, the Check Run completes
 * (neutral), the member's slot is freed (the publisher does both), and the queued run is
 * cancelled so a runner that comes back hours later does not run it for nobody.
 */
export async function expirePendingRun(run: PendingRun, deps: ExpireDeps): Promise<void> {
  const outcome: VerifyOutcome = {
    kind: 'failed',
    problem: silentRunnerProblem(run),
    oneLiners: run.job.oneLiners,
    runUrl: run.runUrl ?? null,
  };
  const publish = await deps.publisherFor(run);
  await publish(run.job, outcome);
  if (run.runner && run.runId !== null) {
    try {
      await (await deps.runnerFor(run.runner)).cancelRun(run.runId);
    } catch (error) {
      deps.warn(`could not cancel the silent run ${run.runId}`, error);
    }
  }
}
