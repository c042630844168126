import type { LedgerSeal } from '../attendance/ledger-seal.js';
import type { VerifyStudyRepository } from '../github/verify-study-repository.js';
import type { VerifyGate } from './access.js';
import type { Publish } from './drivers/types.js';
import { renderVerifyCheck, renderVerifyComment } from './render-verify.js';
import { stampRecord, type VerifyRecord } from './verify-record.js';

/**
 * Writes a finished run to the study repository: the ⏳ comment becomes the table, the Check
 * Run on the file's commit completes with the same result. The member's slot is freed
 * whatever happens, so a GitHub hiccup never locks them out.
 */
export function publisher(study: VerifyStudyRepository, gate: VerifyGate, seal: LedgerSeal | null): Publish {
  return async (job, outcome) => {
    const full =
      outcome.kind !== 'failed' && job.notes?.length ? { ...outcome, notes: [...job.notes, ...(outcome.notes ?? [])] } : outcome;
    // The job stays in the done record: the week's digest lists finished requests by their note and Check Run (nudge-pass.ts).
    const done: VerifyRecord = { requestId: job.requestId, requester: job.view.requester, state: 'done', acceptedAt: job.ticket.startedAt, lang: job.view.lang, job };
    try {
      await study.updateComment(job.comment, stampRecord(renderVerifyComment(job.view, full), done, seal));
      await study.completeCheckRun(job.checkRunId, renderVerifyCheck(job.view, full, job.failureConclusion));
    } finally {
      await gate.finish(job.ticket);
    }
  };
}
