import type { Probot } from 'probot';
import type { AppDeps } from '../app/deps.js';
import type { CommandHandler } from '../commands/dispatch.js';
import type { SlashCommand } from '../commands/parse-commands.js';
import type { Octokit, RepoRef } from '../github/octokit.js';
import { reconcileCheckIns } from './reconcile-check-ins.js';
import { checkInHandler } from './handle-check-in.js';
import { handleCheckRunCompleted } from './handle-check-run.js';
import { attendanceHandler, reportHandler } from './handle-organizer.js';
import { handlePush } from './handle-push.js';
import { handleReportCommentDeleted, handleReportCommentEdited } from './handle-report-comment.js';
import { handleReportIssueTransferred } from './handle-report-transfer.js';

/**
 * Attendance and submissions: `/출석`, `/attendance`, `/report` through the command
 * dispatcher; pushes and completed push checks refresh the report comment; edits and
 * deletions of the report comment by anyone but the app are undone; a report issue transferred
 * away is carried back (its signed ledger) into a new one. Check-ins whose write
 * never happened are found again by the recovery pass (`checkInsSince`).
 */
export function registerAttendance(app: Probot, deps: AppDeps, commands: CommandHandler[]): AttendanceRecovery {
  commands.push(checkInHandler, attendanceHandler, reportHandler);
  app.on('push', (context) => handlePush(context, deps));
  app.on('check_run.completed', (context) => handleCheckRunCompleted(context, deps));
  app.on('issue_comment.edited', (context) => handleReportCommentEdited(context, deps));
  app.on('issue_comment.deleted', (context) => handleReportCommentDeleted(context, deps));
  app.on('issues.transferred', (context) => handleReportIssueTransferred(context, deps));
  // Read when the recovery pass runs, once every capability has added its commands.
  const isKnown = (c: SlashCommand) => commands.some((h) => h.names.includes(c.name));
  return {
    checkInsSince: async (octokit, { owner, repo }, since) => (await reconcileCheckIns(deps, octokit, { owner, repo }, since, isKnown)).map((m) => `${m.mark.login} week ${m.mark.week} (comment ${m.comment.id})`),
  };
}

/** What the recovery pass asks of attendance: check-ins made since `since` that the ledger lacks, recorded now. */
export interface AttendanceRecovery {
  checkInsSince(octokit: Octokit, repo: RepoRef, since: number): Promise<string[]>;
}
