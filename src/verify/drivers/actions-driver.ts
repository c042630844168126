import { MAX_REQUEST_ONELINERS, type RunnerRequest } from '../../runner/request-schema.js';
import type { Clock } from '../../app/deps.js';
import type { RunnerRepository } from '../../github/verify-runner-repository.js';
import type { Bilingual } from '../../i18n/pick.js';
import type { OneLiner } from '../../oneliners/types.js';
import type { PendingRuns } from '../pending-runs.js';
import type { VerifyDriver, VerifyJob } from './types.js';

/**
 * GitHub caps a workflow_dispatch at 65,535 characters of inputs in total (and 25 inputs).
 * The request leaves room for the other inputs and for JSON escaping on GitHub's side.
 */
export const MAX_DISPATCH_CHARS = 60_000;

/**
 * The request the workflow writes to request.json for `study-bot runner exec --request`.
 * It names its origin so the report can be traced back, but the runner never reads the study
 * repository: the one-liners travel inside the request.
 */
/**
 * The runner's request (src/runner/request-schema.ts, which `runner exec` validates) plus what
 * the bot needs to correlate the result; the runner ignores the extra keys.
 */
export interface RunnerRequestPayload extends RunnerRequest {
  requestId: string;
  repository: string;
  file: string;
  sha: string;
  commentId: number;
  oneLiners: OneLiner[];
}

export interface DispatchPlan {
  inputs: { request_id: string; kernel: string; request: string };
  /** one-liners that did not fit into the inputs (the last ones of the file) */
  left: OneLiner[];
}

/**
 * The inputs of one dispatch: `request_id` (also the run's title, for correlation),
 * `kernel` (a runner label, or empty for any `ebpf` runner) and `request` (JSON). When the
 * one-liners do not fit, the last ones are left out and reported as not sent.
 */
export function planDispatch(job: VerifyJob, maxChars = MAX_DISPATCH_CHARS): DispatchPlan {
  const build = (oneLiners: OneLiner[]) => {
    const request: RunnerRequestPayload = {
      version: 1,
      requestId: job.requestId,
      repository: `${job.repo.owner}/${job.repo.repo}`,
      file: job.path,
      sha: job.sha,
      commentId: job.comment.id,
      oneLiners,
    };
    return { request_id: job.requestId, kernel: job.kernelLabel ?? '', request: JSON.stringify(request) };
  };
  let count = Math.min(job.oneLiners.length, MAX_REQUEST_ONELINERS);
  let inputs = build(job.oneLiners.slice(0, count));
  while (count > 0 && JSON.stringify(inputs).length > maxChars) {
    // Halve the overshoot instead of dropping one at a time: a file of 500 one-liners would otherwise re-serialise 500 times.
    const size = JSON.stringify(inputs).length;
    count = Math.min(count - 1, Math.floor((count * maxChars) / size));
    inputs = build(job.oneLiners.slice(0, Math.max(0, count)));
  }
  return { inputs, left: job.oneLiners.slice(Math.max(0, count)) };
}

export const notSentNote = (n: number): Bilingual => ({
  ko: `one-liner ${n}개는 GitHub 워크플로 입력 크기 제한(65,535자)을 넘어 러너에 보내지 못했습니다. 파일을 나눠 주세요.`,
  en: `${n} one-liner(s) were not sent to the runner: they exceed GitHub's workflow input limit (65,535 characters). Split the file.`,
});

export interface ActionsDriverOptions {
  clock: Clock;
  pending: PendingRuns;
  /** the runner repository, authenticated as the app's installation there */
  runnerRepository: () => Promise<RunnerRepository>;
  workflow: string;
  ref: string;
}

/**
 * `driver: actions`: dispatches the runner repository's workflow and returns. The result
 * arrives with `workflow_run.completed` (handle-workflow-run.ts). A dispatch GitHub refuses
 * (workflow missing, app not installed there) is reported at once as a runner error.
 */
export function actionsDriver(options: ActionsDriverOptions): VerifyDriver {
  return {
    kind: 'actions',
    async start(job, { publish, remember }) {
      const plan = planDispatch(job);
      const sent = job.oneLiners.slice(0, job.oneLiners.length - plan.left.length);
      if (sent.length === 0) {
        await publish(job, { kind: 'failed', oneLiners: job.oneLiners, problem: notSentNote(plan.left.length) });
        return;
      }
      const waiting = { ...job, oneLiners: sent, notes: plan.left.length ? [notSentNote(plan.left.length)] : [] };
      const dispatchedAt = options.clock.now().getTime();
      try {
        const runner = await options.runnerRepository();
        // Registered before the dispatch: a fast run must never complete before we know of it.
        await options.pending.add({ job: waiting, runner: runner.repo, workflow: options.workflow, runId: null, dispatchedAt, deadline: job.deadline });
        // The ⏳ record names the run before it can complete (its result must never be
        // overwritten by a late ⏳): a restarted bot waits for the completion again.
        await remember(waiting, { runner: runner.repo, workflow: options.workflow, runId: null, runUrl: null, dispatchedAt });
        const dispatched = await runner.dispatch(options.workflow, options.ref, plan.inputs);
        await options.pending.dispatched(job.requestId, runner.repo, dispatched.runId, dispatched.htmlUrl);
      } catch (error) {
        await options.pending.remove(job.requestId);
        const status = (error as { status?: number }).status;
        const reason = `${status ? `HTTP ${status}: ` : ''}${(error as Error).message}`.slice(0, 300);
        await publish(job, {
          kind: 'failed',
          oneLiners: job.oneLiners,
          problem: {
            ko: `러너 저장소의 워크플로 \`${options.workflow}\`를 시작하지 못했습니다 (${reason}). 운영진: 앱이 러너 저장소에 설치됐는지, 봇 환경의 \`STUDY_BOT_RUNNER_REPOSITORY\`/\`STUDY_BOT_RUNNER_WORKFLOW\`/\`STUDY_BOT_RUNNER_REF\`를 확인해 주세요.`,
            en: `could not start the runner repository's workflow \`${options.workflow}\` (${reason}). Organizers: check that the app is installed on the runner repository and the bot's \`STUDY_BOT_RUNNER_REPOSITORY\`/\`STUDY_BOT_RUNNER_WORKFLOW\`/\`STUDY_BOT_RUNNER_REF\` environment.`,
          },
        });
      }
    },
  };
}
