import { standingOfParsed } from '../config/approval.js';
import type { StudyConfig } from '../config/schema.js';
import { computeReport } from './compute-report.js';
import { applyChanges, decodeLedger, emptyLedger, encodeLedger, mergeLedgers, type Ledger, type LedgerChange } from './ledger.js';
import type { LedgerSeal } from './ledger-seal.js';
import { fitLedger } from './fit-ledger.js';
import { leaveOutImplicitStrangers, leaveOutStrangers, withoutStrangers } from './flooded-strangers.js';
import { implicitRoster } from './implicit-roster.js';
import { LEDGER_BLOCK_MAX, renderOptionsFor, renderReport, reportCommentBody } from './render-report.js';
import { buildSchedule } from './schedule.js';
import { renamesIn, studyFileOf, studyFilesOf, type CommitPaths } from './study-files.js';
import { studyPaths } from '../paths/study-paths.js';
import { pushProjectWork, type PushCommitFacts, type PushWorkFacts, type PushWorkGitHub } from '../project/push-work.js';
import type { MovedReport, TrailOutcome } from '../github/report-trail.js';

/**
 * One refresh of the report comment, over a small interface to GitHub (built in
 * `src/github/report-client.ts`, faked in tests). Its cost does not depend on how many
 * pushes or check-ins it carries: read the config, read the tree of the newest push (if
 * any), find the comment (cached after the first run: one GET), write it once.
 */
export interface ReportGitHub extends PushWorkGitHub {
  readonly label: string;
  /**
   * the study config; when `.github/study.yml` is broken, the last valid one (never throws for
   * that). `at`: the commit of the push being recorded, whose config is read from the tree the
   * push check read too (no request of its own when the check got there first).
   */
  readConfig(at?: string): Promise<StudyConfig>;
  /**
   * every blob path at `sha` (for a listing GitHub cut, every path under `studyFolder`, the
   * study template's top folder, listed in full), or null when even that cannot be listed
   */
  treePaths(sha: string, studyFolder: string): Promise<string[] | null>;
  /**
   * `created`: this call opened it; `createdAt`: when GitHub says it was opened (ms since epoch).
   * `beforeCreate` runs when no report issue is listed, before one is opened: it may throw
   * (nothing is opened) or name the issue to use.
   */
  findOrCreateIssue(title: string, beforeCreate?: () => Promise<number | null>): Promise<{ number: number; createdAt: number; created: boolean }>;
  /**
   * When no report issue is listed: what became of the one the study had (report-trail.ts),
   * from our check runs on `shas` and the branch, or from a transfer's webhook (`moved`).
   * Absent: the study is taken for a new one.
   */
  traceIssue?(shas: readonly string[], moved: MovedFacts | null): Promise<TrailOutcome>;
  /** a note on the report issue (said once) */
  postNote?(issueNumber: number, body: string): Promise<void>;
  /** the report issue when there is one (reading the ledger never opens an issue) */
  findIssue?(): Promise<number | null>;
  /**
   * The bot's marked comment on the issue, paginating through all comments: the first one
   * `prefer` accepts (its ledger verifies), else the first marked one.
   */
  findComment(issueNumber: number, prefer?: (body: string) => boolean): Promise<{ id: number; body: string } | null>;
  /** the comment as it is now, or null when it was deleted */
  getComment(id: number): Promise<{ id: number; body: string } | null>;
  createComment(issueNumber: number, body: string): Promise<{ id: number }>;
  updateComment(id: number, body: string): Promise<void>;
  /** the issue's description links to the comment (after it was made anew) */
  pointIssueAt(issueNumber: number, commentId: number): Promise<void>;
}

/** What a push tells the report, taken from the payload without any request. */
export interface PushFacts extends PushWorkFacts {
  /** the branch's head before the push (the trail of an earlier report is there, report-trail.ts) */
  before?: string;
  after: string;
  /** when GitHub received the push, ms since epoch */
  pushedAt: number;
  commits: (CommitPaths & PushCommitFacts)[];
}

/**
 * `restore`: the report comment as it was before someone else edited (`deleted: false`) or
 * deleted it (`deleted: true`), from the webhook payload. Its ledger is merged in when it
 * verifies, so the next write puts the record back.
 */
export interface RestoreFacts {
  commentId: number;
  issueNumber: number;
  body: string;
  deleted: boolean;
}

/** `moved`: GitHub's `issues.transferred` of a report issue: where it went (`changes.new_repository`, `changes.new_issue`). */
export interface MovedFacts {
  fromNumber: number;
  /** `owner/repo` */
  repository: string;
  number: number;
  htmlUrl: string | null;
}

export type RefreshItem =
  | { kind: 'change'; change: LedgerChange }
  | { kind: 'push'; push: PushFacts }
  | { kind: 'refresh' }
  | { kind: 'restore'; restore: RestoreFacts }
  | { kind: 'moved'; moved: MovedFacts };

/** Where the comment was found last time, per repository, so a warm refresh skips the search. */
export interface CommentLocation {
  issueNumber: number;
  commentId: number;
}

/** How long after opening the report issue a missing comment is taken for one not written yet (a crash in between). */
export const FRESH_ISSUE_MS = 15 * 60_000;

export class ReportLedgerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportLedgerError';
  }
}

export const defaultIssueTitle = '📊 출석 · 제출 현황';

/** Turns the pushes of one run into ledger changes: first-seen from each push, presence from the newest tree. */
export async function pushChanges(gh: ReportGitHub, config: StudyConfig, pushes: PushFacts[], seen: { listingCut?: string } = {}): Promise<LedgerChange[]> {
  if (pushes.length === 0) return [];
  await studyPaths(config).prime(pushes.flatMap((p) => p.commits.flatMap((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])])));
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
      ...(push.pusher ? { pusher: push.pusher } : {}),
    };
  });
  // The newest tree decides what is on main: a force push can drop files without any commit
  // of the payload removing them. One request, however many pushes this run carries.
  const newest = ordered[ordered.length - 1];
  const studyFolder = config.paths.study.split('/')[0] ?? '';
  const paths = await gh.treePaths(newest.after, studyFolder);
  // null: the study's folder could not be listed in full (report-client.ts); the report says so
  if (!paths) seen.listingCut = studyFolder;
  if (paths) {
    changes.push({
      kind: 'tree',
      files: await studyFilesOf(paths, config),
      renames: [],
      seenAt: newest.pushedAt,
      complete: true,
      // no pusher: a file only the tree shows (there before the app, or past the payload's
      // 3,000 files a commit) is nobody's doing that the bot saw (implicit-roster.ts)
    });
  }
  // Project work: commits under the members' project folders (weeks 4-7 count it by default).
  changes.push(...(await pushProjectWork(gh, config, ordered)));
  return changes;
}

export interface RefreshOutcome {
  location: CommentLocation;
  ledger: Ledger;
  body: string;
  created: boolean;
}

export interface RefreshOptions {
  /** signs the ledger and decides which bodies are the bot's record; null: unsigned */
  seal?: LedgerSeal | null;
  /** the body this process wrote last, and where: a second source when the comment was tampered with or deleted */
  lastWritten?: { issueNumber: number; commentId: number; body: string } | null;
}

/**
 * Read-modify-write of the report comment. The comment is read right before it is written
 * and the changes are applied to what is there now; every change is idempotent, so a
 * process that wrote in between loses nothing that this run carries again.
 *
 * The record the changes are applied to is every verifiable copy merged: the comment as it
 * is, the bodies of restore items (the comment before someone else edited or deleted it), and
 * what this process wrote last. A comment whose ledger does not verify (edited by hand,
 * forged) is overwritten only when another copy verifies; otherwise the refresh fails without
 * writing, because the ledger holds first-seen times nothing else has.
 */
export async function refreshReport(
  gh: ReportGitHub,
  items: readonly RefreshItem[],
  now: Date,
  known: CommentLocation | null,
  options: RefreshOptions = {},
): Promise<RefreshOutcome> {
  const seal = options.seal ?? null;
  const verifies = (body: string) => decodeLedger(body, seal).ok;
  const pushes = items.flatMap((i) => (i.kind === 'push' ? [i.push] : []));
  const newest = pushes.reduce<PushFacts | null>((a, b) => (a && a.pushedAt > b.pushedAt ? a : b), null);
  // The file's config (of the push being recorded: read from the tree the push check read);
  // the one in effect is decided below, once the ledger says what was approved.
  const fileConfig = await gh.readConfig(newest?.after);

  let location = known;
  let current: { id: number; body: string } | null = null;
  if (location) {
    current = await gh.getComment(location.commentId);
    if (!current) location = null; // deleted by someone: find or make it again
  }
  let issueNumber = location?.issueNumber;
  let orphaned = false;
  const copies: Ledger[] = [];
  let carried: MovedReport | null = null;
  if (!current) {
    // No report issue listed: before one is opened, the trail says whether the study had one
    // (a member may have transferred it away: the nineteenth attack review). Only a study with
    // no trail, or whose report an organizer deleted, starts a new report.
    const moved = items.flatMap((i) => (i.kind === 'moved' ? [i.moved] : [])).at(-1) ?? null;
    const shas = pushes.flatMap((p) => [p.before ?? '', p.after]).filter((sha) => sha !== '');
    const trace = gh.traceIssue;
    const issue = await gh.findOrCreateIssue(fileConfig.attendance.issueTitle ?? defaultIssueTitle, async () => {
      if (!trace) return null;
      const found = await carryOver(gh.label, await trace(shas, moved), seal);
      if (found.kind === 'moved') {
        carried = found.moved;
        copies.push(...found.ledgers);
        return null;
      }
      return found.kind === 'here' ? found.number : null;
    });
    issueNumber = issue.number;
    current = await gh.findComment(issueNumber, verifies);
    // Someone edited our comment and took the marker out with the rest: the edit's webhook
    // names the comment (ours, checked there), and its previous body is merged back below.
    const edited = items.find((i) => i.kind === 'restore' && !i.restore.deleted && i.restore.issueNumber === issueNumber);
    if (!current && edited?.kind === 'restore') current = await gh.getComment(edited.restore.commentId);
    // An issue opened a while ago with no report comment on it: someone deleted the comment (the
    // bot writes it right after opening the issue). Writing a report from nothing there would
    // lose every record and make the study look new, so that a member's pending config is
    // adopted at the next push (the eighteenth attack review, after a restart). Unless a copy
    // comes below (the deletion's webhook, or what this process wrote), nothing is written.
    orphaned = !current && !issue.created && now.getTime() - issue.createdAt > FRESH_ISSUE_MS;
  }

  let currentProblem: string | null = null;
  if (current) {
    const decoded = decodeLedger(current.body, seal);
    if (decoded.ok) copies.push(decoded.ledger);
    else currentProblem = decoded.reason;
  }
  for (const item of items) {
    if (item.kind !== 'restore') continue;
    const r = item.restore;
    // An edit's previous body belongs to the comment as it is; a deleted comment's body to the
    // one that replaces it on the same issue.
    const applies = r.deleted ? r.issueNumber === issueNumber && r.commentId !== current?.id : r.commentId === current?.id;
    const decoded = applies ? decodeLedger(r.body, seal) : null;
    if (decoded?.ok) copies.push(decoded.ledger);
  }
  // Ours, signed: of the comment as it is, or, when the comment was deleted, of the one that
  // replaces it on the same issue (a deletion's webhook may come late, or never).
  // (And of the issue that was moved away, carried over here.)
  const last = options.lastWritten;
  const from = (carried as MovedReport | null)?.fromNumber;
  if (last && (current ? last.commentId === current.id : last.issueNumber === issueNumber || last.issueNumber === from)) {
    const decoded = decodeLedger(last.body, seal);
    if (decoded.ok) copies.push(decoded.ledger);
  }
  if (orphaned && copies.length === 0) {
    throw new ReportLedgerError(
      `${gh.label}: the report comment on issue #${issueNumber} is gone and no copy of its ledger is at hand; it comes back with the deletion's webhook (redelivered by the recovery pass). To start over, an organizer deletes the issue`,
    );
  }
  if (currentProblem && copies.length === 0) {
    // Never overwrite a ledger we cannot read: it holds first-seen times nothing else has.
    throw new ReportLedgerError(`${gh.label}: the report comment's ledger is unreadable (${currentProblem}); fix or delete comment ${current?.id}`);
  }
  // Approvals first: a push in the same batch is read with the config they put in effect.
  const given = items.flatMap((i) => (i.kind === 'change' ? [i.change] : []));
  const base = applyChanges(
    copies.reduce(mergeLedgers, emptyLedger()),
    given.filter((c) => c.kind === 'config'),
  );
  const config = base.config ? standingOfParsed(fileConfig, [], base.config).config : fileConfig;
  const seen: { listingCut?: string } = {};
  const changes = [
    ...(await pushChanges(gh, config, pushes, seen)),
    ...given.filter((c) => c.kind !== 'config'),
  ];
  // Thousands of notes under names nobody has are counted, not applied one by one: every
  // refresh re-reads the whole tree (flooded-strangers.ts).
  const roster = config.members.length > 0 ? new Set(config.members.map((m) => m.name.normalize('NFC'))) : null;
  const flood = roster ? leaveOutStrangers(base, changes, roster) : leaveOutImplicitStrangers(base, changes);
  const applied = applyChanges(flood.base, flood.changes);
  // With an empty roster the rows are the first names to arrive (implicit-roster.ts): the rest are strangers.
  const implicit = roster ? null : implicitRoster(applied);
  const members = roster ?? new Set(implicit!.names);
  // the strangers give way as a whole, as in the fit: the fresh names kept for the rows' sake
  // would otherwise be stored and make room for 100 more on every refresh
  const whole = flood.left > 0 && !roster ? withoutStrangers(applied, (owner) => members.has(owner.normalize('NFC'))) : applied;
  const fitted = fitLedger(whole, (l) => encodeLedger(l, seal), LEDGER_BLOCK_MAX, (owner) => members.has(owner.normalize('NFC')), roster && flood.left > 0 ? ['strangers'] : []);
  const ledger = fitted.ledger;
  const schedule = buildSchedule(config);
  const computed = computeReport({ config, schedule, ledger, now });
  // an empty roster's note counts the names waiting for it, those left out of the ledger too
  const report = implicit && flood.left > 0 ? { ...computed, unlisted: implicit.left + flood.left } : computed;
  const visible = renderReport(report, { ...renderOptionsFor(config, schedule, now), digests: ledger.digests, trimmed: fitted.trimmed, ...(roster ? { strangersLeft: flood.left } : {}), ...(seen.listingCut !== undefined ? { listingCut: seen.listingCut } : {}) });
  const body = reportCommentBody(visible, fitted.block);

  if (current) {
    if (current.body !== body) await gh.updateComment(current.id, body);
    return { location: { issueNumber: issueNumber!, commentId: current.id }, ledger, body, created: false };
  }
  const { id } = await gh.createComment(issueNumber!, body);
  // The description says where the report is: the comment may now be far down the thread.
  await gh.pointIssueAt(issueNumber!, id);
  const moved = carried as MovedReport | null;
  if (moved) await gh.postNote?.(issueNumber!, movedNote(moved));
  return { location: { issueNumber: issueNumber!, commentId: id }, ledger, body, created: true };
}

export type CarryOver = { kind: 'new' } | { kind: 'here'; number: number } | { kind: 'moved'; moved: MovedReport; ledgers: Ledger[] };

/**
 * What the trail allows: a new report (no trail; or 410, an organizer deleted it), the issue
 * the listing missed, or the ledgers to carry over from where the issue was moved: only our
 * app's comments whose ledger verifies with this study's seal (bound to the study repository,
 * ledger-seal.ts), so nothing a member wrote there, nor another study's record, is carried.
 * A report that existed and cannot be read throws: the refresh writes nothing, the push
 * check and the approval read fail where the organizers see it, and nothing starts over.
 */
export async function carryOver(label: string, trail: TrailOutcome, seal: LedgerSeal | null): Promise<CarryOver> {
  switch (trail.kind) {
    case 'none':
    case 'deleted':
      return { kind: 'new' };
    case 'here':
      return trail;
    case 'lost':
      throw new ReportLedgerError(
        `${label}: the report issue #${trail.number} is gone from this repository and ${trail.reason}; nothing is written or approved until its record can be read. An organizer transfers the issue back, or installs the app where it is`,
      );
    case 'moved': {
      const ledgers = trail.moved.comments.flatMap((c) => {
        const decoded = decodeLedger(c.body, seal);
        return decoded.ok ? [decoded.ledger] : [];
      });
      if (ledgers.length === 0) {
        throw new ReportLedgerError(
          `${label}: the report issue #${trail.moved.fromNumber} was moved to ${trail.moved.repository}#${trail.moved.number} and no signed record of this study is on it; nothing is written or approved until it is. An organizer transfers the issue back`,
        );
      }
      return { kind: 'moved', moved: trail.moved, ledgers };
    }
  }
}

/** The note on the new report issue: what happened, Korean first, English too. */
export function movedNote(moved: MovedReport): string {
  const where = `${moved.repository}#${moved.number}`;
  const ko = [
    `📦 이 스터디의 현황 이슈(#${moved.fromNumber})가 다른 저장소(${where})로 옮겨졌습니다.`,
    'study-bot이 그 이슈에 남긴 서명된 기록(출석·제출 시각, 승인된 설정)을 가져와 이 이슈에서 이어 씁니다. 기록은 처음부터 다시 시작되지 않았습니다.',
    '이슈를 옮긴 것이 실수라면 운영진에게 알려 주세요.',
  ].join('\n');
  const en = [
    `📦 This study's report issue (#${moved.fromNumber}) was transferred to another repository (${where}).`,
    "study-bot carried its signed record (attendance and submission times, the approved config) over and keeps the report in this issue; nothing started over.",
    'If the transfer was a mistake, tell the organizers.',
  ].join('\n');
  return `${ko}\n\n${en}`;
}
