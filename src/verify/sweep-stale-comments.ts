import type { VerifyStudyRepository, VerifyThread } from '../github/verify-study-repository.js';
import type { Language } from '../config/schema.js';
import { parsePendingMark, renderAbandoned } from './render-verify.js';

export interface SweepArgs {
  study: VerifyStudyRepository;
  thread: VerifyThread;
  requester: string;
  lang: Language;
  /** the request being started now: its own ⏳ is never swept */
  currentRequestId: string;
  /** requests this process is still waiting for (their own deadline timer closes them out) */
  isPending(requestId: string): boolean;
  now: number;
}

/**
 * Closes out the member's ⏳ comments in this thread that will never be answered. Pending
 * requests live in memory, so a bot restart (or a deploy) forgets them and their ⏳ stays.
 * A member has at most one request running at a time (the gate), so when they may start a new
 * one, any other ⏳ of theirs that this process is not waiting for is stale, whatever its
 * deadline says; one past its deadline is stale in any case. Returns the ids closed out.
 */
export async function sweepStaleComments(a: SweepArgs): Promise<number[]> {
  const closed: number[] = [];
  for (const comment of await a.study.listBotComments(a.thread)) {
    const mark = parsePendingMark(comment.body);
    if (!mark || mark.requestId === a.currentRequestId) continue;
    if (mark.requester.toLowerCase() !== a.requester.toLowerCase()) continue;
    if (a.isPending(mark.requestId) && mark.deadline > a.now) continue;
    await a.study.updateComment({ kind: a.thread.kind, id: comment.id }, renderAbandoned({ lang: a.lang, requestId: mark.requestId, requester: mark.requester }));
    closed.push(comment.id);
  }
  return closed;
}
