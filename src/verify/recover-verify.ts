import type { LedgerSeal } from '../attendance/ledger-seal.js';
import type { VerifyStudyRepository } from '../github/verify-study-repository.js';
import type { Bilingual } from '../i18n/pick.js';
import { VerifyGate } from './access.js';
import type { Publish } from './drivers/types.js';
import type { PendingRun, PendingRuns } from './pending-runs.js';
import { renderProblem } from './render-verify.js';
import { gateSeeds, waitsForActionsRun, type RecordedRequest } from './verify-history.js';
import { stampRecord } from './verify-record.js';

/**
 * A repository's `/verify` state put back from GitHub after a start: the gate learns who
 * started what in the last hour and which requests still run; a dispatched actions run whose
 * ⏳ record names it is waited for again (or closed out, when its deadline has passed); and a
 * request that was pending when the process stopped and that nobody can finish any more (a
 * local run dies with its process; one that had not reached its Check Run yet) is closed out:
 * the member reads that the bot restarted and to ask again, the Check Run completes, the slot
 * is free. Idempotent: a request already waited for, or running in a replica that shares the
 * gate, is left alone.
 */
export interface RecoverVerifyDeps {
  gate: VerifyGate;
  pending: PendingRuns;
  study: VerifyStudyRepository;
  seal: LedgerSeal | null;
  publish: Publish;
  now: number;
}

export interface RecoverVerifyResult {
  /** actions runs waited for again */
  restored: string[];
  /** requests closed out (dead, or past their deadline) */
  closed: string[];
  /** pending in their comment, answered by their Check Run: left as they are */
  answered: string[];
}

export const RESTARTED: Bilingual = {
  ko: '이 요청을 처리하는 중에 봇이 다시 시작되어 결과를 잃었습니다 (one-liner 문제가 아닙니다). `/verify`를 다시 요청해 주세요.',
  en: 'the bot restarted while handling this request, and its result was lost (nothing is wrong with the one-liners). Please ask `/verify` again.',
};

export async function recoverVerifyRequests(recorded: readonly RecordedRequest[], deps: RecoverVerifyDeps): Promise<RecoverVerifyResult> {
  const { repo } = deps.study;
  const result: RecoverVerifyResult = { restored: [], closed: [], answered: [] };
  // A completed Check Run means the request was answered, whatever its comment says now: a
  // pending record there is an earlier version of the comment put back by an edit (GitHub keeps
  // the edit history; anyone with write access edits a bot's comment). Only the app completes
  // its runs. Decided first, for every driver: an actions run's record put back is neither
  // waited for, nor expired into "no answer", nor counted as running (attack reviews 4 and 9).
  const records: RecordedRequest[] = [];
  for (const r of recorded) {
    if (r.state === 'pending' && r.job && (await deps.study.checkRunCompleted(r.job.checkRunId))) {
      result.answered.push(r.requestId);
      records.push({ ...r, state: 'done' });
    } else records.push(r);
  }
  // In Redis the running slots outlive any one replica: only this process's memory is rebuilt from GitHub.
  await deps.gate.seed(gateSeeds(repo, records, deps.now, (r) => !deps.gate.store.shared && waitsForActionsRun(r)));
  for (const r of records) {
    if (r.state !== 'pending') continue;
    if (waitsForActionsRun(r)) {
      const run: PendingRun = { job: r.job!, runner: r.run!.runner, workflow: r.run!.workflow, runId: r.run!.runId, runUrl: r.run!.runUrl, dispatchedAt: r.run!.dispatchedAt, deadline: r.job!.deadline };
      const outcome = await deps.pending.restore(run);
      if (outcome === 'restored') result.restored.push(r.requestId);
      if (outcome === 'expired') result.closed.push(r.requestId);
      continue;
    }
    if (await deps.gate.isRunning(VerifyGate.key(repo, r.requester), r.requestId)) continue;
    if (r.job) {
      await deps.publish(r.job, { kind: 'failed', problem: RESTARTED, oneLiners: r.job.oneLiners });
    } else {
      const body = renderProblem({ lang: r.lang ?? 'ko', requestId: r.requestId }, RESTARTED);
      await deps.study.updateComment(r.comment, stampRecord(body, { requestId: r.requestId, requester: r.requester, state: 'done', ...(r.acceptedAt !== undefined ? { acceptedAt: r.acceptedAt } : {}) }, deps.seal));
    }
    result.closed.push(r.requestId);
  }
  return result;
}
