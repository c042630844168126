import type { RunnerRepository } from '../github/verify-runner-repository.js';
import type { Bilingual } from '../i18n/pick.js';
import type { Publish } from './drivers/types.js';
import type { CompletedRun, PendingRun, PendingRuns } from './pending-runs.js';
import { MAX_REPORT_BYTES, readReportArtifact } from './read-report-artifact.js';
import type { VerifyOutcome } from './render-verify.js';

/** `actions/upload-artifact`'s `name:` in ebpf-verify.yml. */
export const REPORT_ARTIFACT = 'verify-report';
/** A zip of one JSON report; the listed size is checked before downloading. */
export const MAX_ARTIFACT_BYTES = MAX_REPORT_BYTES;

const CONCLUSIONS: Record<string, Bilingual> = {
  failure: { ko: '러너 워크플로가 실패했습니다', en: 'the runner workflow failed' },
  cancelled: { ko: '러너 워크플로가 취소됐습니다', en: 'the runner workflow was cancelled' },
  timed_out: { ko: '러너 워크플로가 시간 제한에 걸렸습니다', en: 'the runner workflow timed out' },
  startup_failure: { ko: '러너 워크플로가 시작하지 못했습니다', en: 'the runner workflow could not start' },
  action_required: { ko: '러너 워크플로가 승인을 기다립니다', en: 'the runner workflow is waiting for approval' },
  stale: { ko: '러너 워크플로가 오래되어 버려졌습니다', en: 'the runner workflow went stale' },
  skipped: { ko: '러너 워크플로가 건너뛰어졌습니다', en: 'the runner workflow was skipped' },
};

export interface WorkflowRunEvent extends CompletedRun {
  conclusion: string | null;
  htmlUrl: string;
}

export interface WorkflowRunDeps {
  pending: PendingRuns;
  /** the runner repository the event came from (the event's installation) */
  runner: RunnerRepository;
  /** a publisher for the study repository of the claimed run (its own installation) */
  publisherFor(run: PendingRun): Promise<Publish>;
}

/** What the finished run produced: the report, or why there is none. */
export async function outcomeOfRun(event: WorkflowRunEvent, run: PendingRun, runner: RunnerRepository): Promise<VerifyOutcome> {
  const failed = (problem: Bilingual): VerifyOutcome => ({ kind: 'failed', problem, oneLiners: run.job.oneLiners, runUrl: event.htmlUrl });
  if (event.conclusion !== 'success') {
    return failed(CONCLUSIONS[event.conclusion ?? ''] ?? { ko: `러너 워크플로가 끝났지만 결과가 \`${event.conclusion}\`입니다`, en: `the runner workflow ended with \`${event.conclusion}\`` });
  }
  const download = await runner.downloadArtifact(event.runId, REPORT_ARTIFACT, MAX_ARTIFACT_BYTES);
  switch (download.kind) {
    case 'missing':
      return failed({ ko: `실행에 \`${REPORT_ARTIFACT}\` 아티팩트가 없습니다`, en: `the run has no \`${REPORT_ARTIFACT}\` artifact` });
    case 'expired':
      return failed({ ko: '결과 아티팩트가 만료됐습니다', en: 'the result artifact has expired' });
    case 'too-large':
      return failed({ ko: `결과 아티팩트가 너무 큽니다 (${download.size} 바이트)`, en: `the result artifact is too large (${download.size} bytes)` });
    case 'zip': {
      const reading = readReportArtifact(download.bytes);
      return reading.ok ? { kind: 'report', report: reading.report } : failed(reading.problem);
    }
  }
}

/**
 * `workflow_run.completed`: finds the request the run belongs to (or ignores the run), turns
 * the run into an outcome and publishes it. A run GitHub marks failed, cancelled or timed out
 * and an artifact that is missing, oversized or malformed all become a runner error the
 * member sees, never a crash and never a ⏳ that stays forever.
 */
export async function handleWorkflowRun(event: WorkflowRunEvent, deps: WorkflowRunDeps): Promise<'ignored' | 'reported'> {
  const run = await deps.pending.claim(event);
  if (!run) return 'ignored';
  const publish = await deps.publisherFor(run);
  let outcome: VerifyOutcome;
  try {
    outcome = await outcomeOfRun(event, run, deps.runner);
  } catch (error) {
    const reason = `${(error as { status?: number }).status ?? ''} ${(error as Error).message}`.trim().slice(0, 300);
    outcome = { kind: 'failed', oneLiners: run.job.oneLiners, runUrl: event.htmlUrl, problem: { ko: `결과를 가져오지 못했습니다 (${reason})`, en: `could not fetch the result (${reason})` } };
  }
  await publish(run.job, outcome);
  return 'reported';
}
