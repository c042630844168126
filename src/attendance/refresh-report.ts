import type { StudyConfig } from '../config/schema.js';
import { computeReport } from './compute-report.js';
import { applyChanges, decodeLedger, encodeLedger, type Ledger, type LedgerChange } from './ledger.js';
import { renderReport, reportCommentBody } from './render-report.js';
import { buildSchedule } from './schedule.js';
import { renamesIn, studyFileOf, type CommitPaths } from './study-files.js';

/**
 * One refresh of the report comment, over a small interface to GitHub (built in
 * `src/github/report-client.ts`, faked in tests). Its cost does not depend on how many
 * pushes or check-ins it carries: read the config, read the tree of the newest push (if
 * any), find the comment (cached after the first run: one GET), write it once.
 */
export interface ReportGitHub {
  readonly label: string;
  readConfig(): Promise<StudyConfig>;
  /** every blob path at `sha`, or null when GitHub cut the listing (huge repositories) */
  treePaths(sha: string): Promise<string[] | null>;
  findOrCreateIssue(title: string): Promise<number>;
  /** the bot's marked comment on the issue, paginating through all comments */
  findComment(issueNumber: number): Promise<{ id: number; body: string } | null>;
  /** the comment as it is now, or null when it was deleted */
  getComment(id: number): Promise<{ id: number; body: string } | null>;
  createComment(issueNumber: number, body: string): Promise<{ id: number }>;
  updateComment(id: number, body: string): Promise<void>;
}

/** What a push tells the report, taken from the payload without any request. */
export interface PushFacts {
  after: string;
  /** when GitHub received the push, ms since epoch */
  pushedAt: number;
  commits: (CommitPaths & { modified?: string[] })[];
}

export type RefreshItem = { kind: 'change'; change: LedgerChange } | { kind: 'push'; push: PushFacts } | { kind: 'refresh' };

/** Where the comment was found last time, per repository, so a warm refresh skips the search. */
export interface CommentLocation {
  issueNumber: number;
  commentId: number;
}

export class ReportLedgerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportLedgerError';
  }
}

export const defaultIssueTitle = '📊 출석 · 제출 현황';

/** Turns the pushes of one run into ledger changes: first-seen from each push, presence from the newest tree. */
export async function pushChanges(gh: ReportGitHub, config: StudyConfig, pushes: PushFacts[]): Promise<LedgerChange[]> {
  if (pushes.length === 0) return [];
  const ordered = [...pushes].sort((a, b) => a.pushedAt - b.pushedAt);
  const changes: LedgerChange[] = ordered.map((push) => {
    const added = push.commits.flatMap((c) => [...(c.added ?? []), ...(c.modified ?? [])]);
    const removed = push.commits.flatMap((c) => c.removed ?? []);
    return {
      kind: 'tree',
      files: [...new Set(added)].map((p) => studyFileOf(p, config)).filter((f) => f !== null),
      renames: renamesIn(push.commits, config),
      seenAt: push.pushedAt,
      complete: false,
      removed,
    };
  });
  // The newest tree decides what is on main: a force push can drop files without any commit
  // of the payload removing them. One request, however many pushes this run carries.
  const newest = ordered[ordered.length - 1];
  const paths = await gh.treePaths(newest.after);
  if (paths) {
    changes.push({
      kind: 'tree',
      files: paths.map((p) => studyFileOf(p, config)).filter((f) => f !== null),
      renames: [],
      seenAt: newest.pushedAt,
      complete: true,
    });
  }
  return changes;
}

export interface RefreshOutcome {
  location: CommentLocation;
  ledger: Ledger;
  body: string;
  created: boolean;
}

/**
 * Read-modify-write of the report comment. The comment is read right before it is written
 * and the changes are applied to what is there now; every change is idempotent, so a
 * process that wrote in between loses nothing that this run carries again.
 */
export async function refreshReport(
  gh: ReportGitHub,
  items: readonly RefreshItem[],
  now: Date,
  known: CommentLocation | null,
): Promise<RefreshOutcome> {
  const config = await gh.readConfig();
  const changes = [
    ...(await pushChanges(gh, config, items.flatMap((i) => (i.kind === 'push' ? [i.push] : [])))),
    ...items.flatMap((i) => (i.kind === 'change' ? [i.change] : [])),
  ];

  let location = known;
  let current: { id: number; body: string } | null = null;
  if (location) {
    current = await gh.getComment(location.commentId);
    if (!current) location = null; // deleted by someone: find or make it again
  }
  let issueNumber = location?.issueNumber;
  if (!current) {
    issueNumber = await gh.findOrCreateIssue(config.attendance.issueTitle ?? defaultIssueTitle);
    current = await gh.findComment(issueNumber);
  }

  const decoded = decodeLedger(current?.body ?? '');
  if (!decoded.ok) {
    // Never overwrite a ledger we cannot read: it holds first-seen times nothing else has.
    throw new ReportLedgerError(`${gh.label}: the report comment's ledger is unreadable (${decoded.reason}); fix or delete comment ${current?.id}`);
  }
  const ledger = applyChanges(decoded.ledger, changes);
  const schedule = buildSchedule(config);
  const report = computeReport({ config, schedule, ledger, now });
  const visible = renderReport(report, {
    lang: config.language,
    timeZone: schedule.timeZone,
    now,
    maxAbsences: config.attendance.maxAbsences,
    opensBefore: config.attendance.opensBefore,
    closesAfter: config.attendance.closesAfter,
  });
  const body = reportCommentBody(visible, encodeLedger(ledger));

  if (current) {
    if (current.body !== body) await gh.updateComment(current.id, body);
    return { location: { issueNumber: issueNumber!, commentId: current.id }, ledger, body, created: false };
  }
  const { id } = await gh.createComment(issueNumber!, body);
  return { location: { issueNumber: issueNumber!, commentId: id }, ledger, body, created: true };
}
