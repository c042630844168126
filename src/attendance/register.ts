import type { Probot } from 'probot';
import type { AppDeps } from '../app/deps.js';
import type { CommandHandler } from '../commands/dispatch.js';
import { checkInHandler } from './handle-check-in.js';
import { handleCheckRunCompleted } from './handle-check-run.js';
import { attendanceHandler, reportHandler } from './handle-organizer.js';
import { handlePush } from './handle-push.js';
import { handleReportCommentDeleted, handleReportCommentEdited } from './handle-report-comment.js';

/**
 * Attendance and submissions: `/출석`, `/attendance`, `/report` through the command
 * dispatcher; pushes and completed push checks refresh the report comment; edits and
 * deletions of the report comment by anyone but the app are undone.
 */
export function registerAttendance(app: Probot, deps: AppDeps, commands: CommandHandler[]): void {
  commands.push(checkInHandler, attendanceHandler, reportHandler);
  app.on('push', (context) => handlePush(context, deps));
  app.on('check_run.completed', (context) => handleCheckRunCompleted(context, deps));
  app.on('issue_comment.edited', (context) => handleReportCommentEdited(context, deps));
  app.on('issue_comment.deleted', (context) => handleReportCommentDeleted(context, deps));
}
