import type { VerifyStudyRepository, VerifyThread } from '../github/verify-study-repository.js';
import type { Language } from '../config/schema.js';
import type { LedgerSeal } from '../attendance/ledger-seal.js';
import { renderAbandoned } from './render-verify.js';
import { turnKeeper } from '../worker/turns.js';
import { decodeVerifyRecord, recordSitsIn, stampRecord } from './verify-record.js';

export interface SweepArgs {
  study: VerifyStudyRepository;
  thread: VerifyThread;
  requester: string;
  lang: Language;
  /** the request being started now: its own ⏳ is never swept */
  currentRequestId: string;
  /** requests this process is still waiting for (their own deadline timer closes them out) */
  isPending(requestId: string): Promise<boolean>;
  now: number;
  /** signs the close-out's record */
  seal: LedgerSeal | null;
}

/**
 * Closes out the member's ⏳ comments in this thread that will never be answered (a local run
 * that died with its process), as their signed records say (verify-record.ts).
 * A member has at most one request running at a time (the gate), so when they may start a new
 * one, any other ⏳ of theirs that this process is not waiting for is stale, whatever its
 * deadline says; one past its deadline is stale in any case. Returns the ids closed out.
 */
export async function sweepStaleComments(a: SweepArgs): Promise<number[]> {
  const closed: number[] = [];
  // in turns: a thread may hold thousands of bot comments (a workflow's, or a week of answers)
  // whose records each cost an HMAC and an unpacking (the seventeenth attack review's High)
  const pause = turnKeeper();
  for (const comment of await a.study.listBotComments(a.thread)) {
    await pause();
    // Only the signed record in the comment's first line says who asked: an unsigned
    // `<!-- verify-pending ... -->` can stand in a member's output quoted in a result, and
    // trusting it let one member close out a comment in another's name (issue 17).
    const record = decodeVerifyRecord(comment.body, a.seal);
    if (!record || record.state !== 'pending' || !recordSitsIn(record, { kind: a.thread.kind, ...comment })) continue;
    const mark = { requestId: record.requestId, requester: record.requester, deadline: record.deadline ?? 0 };
    if (mark.requestId === a.currentRequestId) continue;
    if (mark.requester.toLowerCase() !== a.requester.toLowerCase()) continue;
    if (mark.deadline > a.now && (await a.isPending(mark.requestId))) continue;
    // Answered (its Check Run is completed): an earlier version of the comment put back by an edit.
    if (record.job && (await a.study.checkRunCompleted(record.job.checkRunId))) continue;
    const body = renderAbandoned({ lang: a.lang, requestId: mark.requestId, requester: mark.requester });
    await a.study.updateComment({ kind: a.thread.kind, id: comment.id }, stampRecord(body, { requestId: mark.requestId, requester: mark.requester, state: 'done', ...(record.acceptedAt !== undefined ? { acceptedAt: record.acceptedAt } : {}) }, a.seal));
    closed.push(comment.id);
  }
  return closed;
}
