import type { Context } from 'probot';
import type { AppDeps } from '../app/deps.js';
import { attendanceOptions } from './attendance-options.js';
import { decodeLedger } from './ledger.js';
import { ledgerSeal } from './ledger-seal.js';
import { REPORT_MARKER } from './render-report.js';
import { reportService } from './report-service.js';
import type { Octokit } from '../github/octokit.js';
import { writtenByUs } from '../github/our-app.js';

/**
 * The bot's record must survive members: anyone with write access can edit or delete any
 * comment, the report comment included. When someone other than the app edits it, the
 * previous body (`changes.body.from`) is merged back; when someone deletes it, it is made
 * anew from the deleted body in the payload (and the issue points at the new one). Either
 * way only a body whose ledger verifies (signed by this app for this repository) is taken:
 * a forged earlier body is never accepted as the record. The work goes through the same
 * queue as every refresh, so it cannot race one.
 *
 * Not reopening a closed report issue is deliberate: organizers close it when the study
 * ends, and a closed issue's comment keeps being updated all the same.
 */
type Edited = Context<'issue_comment.edited'>;
type Deleted = Context<'issue_comment.deleted'>;

const repoOf = (context: Edited | Deleted) => ({ owner: context.payload.repository.owner.login, repo: context.payload.repository.name });

/**
 * A copy of the record we may restore: this app's marked comment whose ledger verifies (not
 * another bot's: a member's workflow can post an old signed body and edit it).
 */
async function restorable(context: Edited | Deleted, deps: AppDeps, body: string | null | undefined): Promise<boolean> {
  const { comment } = context.payload;
  if (!body?.includes(REPORT_MARKER) || !(await writtenByUs(context.octokit as unknown as Octokit, comment))) return false;
  const decoded = decodeLedger(body, ledgerSeal(attendanceOptions(deps).ledgerSecrets, repoOf(context)));
  if (!decoded.ok) context.log.warn({ comment: comment.id, reason: decoded.reason }, 'attendance: not restoring a body that is not our record');
  return decoded.ok;
}

export async function handleReportCommentEdited(context: Edited, deps: AppDeps): Promise<void> {
  const { comment, sender, changes } = context.payload;
  // The app's own writes (every refresh) come back as edits by the comment's author: the app.
  if (sender.login === comment.user?.login) return;
  const before = changes.body?.from;
  if (before === undefined || !(await restorable(context, deps, before))) return;
  reportService(deps).refreshLater(context.octokit, repoOf(context), [
    { kind: 'restore', restore: { commentId: comment.id, issueNumber: context.payload.issue.number, body: before, deleted: false } },
  ]);
}

export async function handleReportCommentDeleted(context: Deleted, deps: AppDeps): Promise<void> {
  const { comment, sender } = context.payload;
  if (sender.login === comment.user?.login) return; // the app never deletes it; if it did, it meant to
  if (!(await restorable(context, deps, comment.body))) return;
  reportService(deps).refreshLater(context.octokit, repoOf(context), [
    { kind: 'restore', restore: { commentId: comment.id, issueNumber: context.payload.issue.number, body: comment.body, deleted: true } },
  ]);
}
