import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';
import { z } from 'zod';
import { approvalWins, gitBlobSha, type ConfigApproval } from '../config/approval.js';
import type { LedgerSeal } from './ledger-seal.js';
import { pathKey } from '../paths/study-paths.js';
import { COMMIT_KEY_LENGTH, type WorkContribution } from '../project/project-work.js';

/**
 * The bot's own record of what it has seen: first-seen times of submissions, the last
 * check result per file, and attendance marks with who set them and when. It lives in
 * hidden data of the report comment, never in the repository, because any member's force
 * push can rewrite the repository. Every change is a pure function of (ledger, change)
 * whose result does not depend on how often it is applied, so a refresh can re-read the
 * comment right before writing and apply its pending changes again without harm.
 */

export type AttendanceState = 'present' | 'online' | 'absent' | 'excused';

// A Map, not an object literal: a word like `constructor` must not find Object's prototype.
const STATE_WORDS = new Map<string, AttendanceState>([
  ['present', 'present'],
  ['출석', 'present'],
  ['online', 'online'],
  ['온라인', 'online'],
  ['absent', 'absent'],
  ['결석', 'absent'],
  ['excused', 'excused'],
  ['공결', 'excused'],
]);

/** An attendance state written in English or Korean (organizer commands, attendance files). */
export const attendanceStateOf = (word: string): AttendanceState | undefined => STATE_WORDS.get(word.toLowerCase());
export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface SubmissionRecord {
  week: number;
  /** the roster `name`, or the `{name}` from the path when it is nobody's (kept for renames) */
  owner: string;
  /** the file's current path */
  path: string;
  /** ms since epoch; only ever moves earlier */
  firstSeen: number;
  /** whether the file is on the default branch now (a removed file keeps its first-seen time) */
  onMain: boolean;
  /**
   * who pushed the file (lower-cased logins, sorted, at most MAX_PUSHERS), when known: with an
   * empty roster it bounds the names one pusher brings (implicit-roster.ts). Everyone who pushed
   * it, not only the first: a placeholder pushed under member-1's name before member-1's own note
   * made the record hong-gildong's alone (the sixteenth attack review's High).
   */
  pushers?: string[];
}

export interface CheckRecord {
  status: CheckStatus;
  /** when the check completed, ms since epoch: an older result never replaces a newer one */
  at: number;
}

export interface AttendanceMark {
  week: number;
  /** lower-cased GitHub login of the member */
  login: string;
  state: AttendanceState;
  /** who said so: the member (check-in) or an organizer */
  by: string;
  at: number;
  source: 'check-in' | 'organizer';
}

/**
 * A member's project work of one week (commits under their project folder). Keyed like a
 * submission (`week/owner`). Commits are kept by a key a rebase or force push does not
 * change, so re-pushed history is counted once and its first-seen time only moves earlier.
 */
export interface ProjectWorkRecord {
  week: number;
  owner: string;
  /** ms since epoch; only ever moves earlier */
  firstSeen: number;
  /** commit key → lines added + removed (null: not known) */
  commits: Record<string, number | null>;
  /** files touched, project paths, at most WORK_FILES_LIMIT */
  files: string[];
  /** the eBPF sources among them */
  ebpf: string[];
}

/** Bounds of one work record: the ledger lives in one comment of at most 65,536 characters. */
export const WORK_COMMITS_LIMIT = 60;
export const WORK_FILES_LIMIT = 30;

export interface Ledger {
  submissions: Record<string, SubmissionRecord>;
  /** project work per week and member (absent in ledgers written before it existed) */
  work?: Record<string, ProjectWorkRecord>;
  checks: Record<string, CheckRecord>;
  marks: Record<string, AttendanceMark>;
  /** push time of the newest full tree applied: an older tree delivered late cannot undo it */
  treeAt: number;
  /** the study config an organizer pushed or approved last (see config/approval.ts); absent before the first */
  config?: ConfigApproval;
  /** members who said `/nudge off` or `/nudge on` (lower-cased login): the latest word wins */
  nudgePrefs?: Record<string, NudgePref>;
  /** the digest comment of each week (src/nudges), linked from the report */
  digests?: Record<string, number>;
}

export interface NudgePref {
  off: boolean;
  at: number;
}

/** Pushers kept per submission: enough for a member and whoever else touched their note. */
export const MAX_PUSHERS = 8;

/** Pure: `known` and `more` as one sorted list of lower-cased logins, at most MAX_PUSHERS (a new array). */
export function withPushers(known: readonly string[] | undefined, more: readonly string[]): string[] {
  return [...new Set([...(known ?? []), ...more.map((p) => p.toLowerCase())])].sort().slice(0, MAX_PUSHERS);
}

export const emptyLedger = (): Ledger => ({ submissions: {}, checks: {}, marks: {}, treeAt: 0 });

export const submissionKey = (week: number, owner: string): string => `${week}/${owner.normalize('NFC')}`;
export const markKey = (week: number, login: string): string => `${week}/${login.toLowerCase()}`;

export interface StudyFileRef {
  path: string;
  week: number;
  owner: string;
}

/** What can happen to the ledger. Plain data, so the refresh queue can keep and re-apply it. */
export type LedgerChange =
  | {
      kind: 'tree';
      /** the study files on the default branch after the push */
      files: StudyFileRef[];
      /** removed-and-added pairs inside one week folder, from the push's commits */
      renames: { from: StudyFileRef; to: StudyFileRef }[];
      /** when GitHub received the push (ms) */
      seenAt: number;
      /** true: `files` is the whole tree, so anything else is gone; false: only these were added */
      complete: boolean;
      /** paths removed, when `complete` is false */
      removed?: string[];
      /** who pushed (GitHub's `sender.login`), when known */
      pusher?: string;
    }
  | { kind: 'check'; files: { path: string; status: CheckStatus }[]; at: number }
  | { kind: 'mark'; mark: AttendanceMark }
  /** an organizer pushed or approved a config: the newest approval is the one in effect */
  | { kind: 'config'; approval: ConfigApproval }
  /** a member turned their reminders off or on (`/nudge off`) */
  | { kind: 'nudge-pref'; login: string; off: boolean; at: number }
  /** the week's digest comment was made (src/nudges) */
  | { kind: 'digest'; week: number; commentId: number }
  /** a commit of project work reached the default branch */
  | { kind: 'work'; work: WorkContribution };

/**
 * The latest organizer word wins over any check-in, and among marks of the same source
 * the later one wins; equal times keep what is there, so applying a mark twice is a no-op.
 */
export function markWins(candidate: AttendanceMark, existing: AttendanceMark | undefined): boolean {
  if (!existing) return true;
  if (candidate.source !== existing.source) return candidate.source === 'organizer';
  return candidate.at > existing.at;
}

const cloneLedger = (l: Ledger): Ledger => ({
  submissions: Object.fromEntries(Object.entries(l.submissions).map(([k, v]) => [k, { ...v }])),
  checks: Object.fromEntries(Object.entries(l.checks).map(([k, v]) => [k, { ...v }])),
  marks: Object.fromEntries(Object.entries(l.marks).map(([k, v]) => [k, { ...v }])),
  treeAt: l.treeAt,
  ...(l.config ? { config: { ...l.config } } : {}),
  ...(l.nudgePrefs ? { nudgePrefs: Object.fromEntries(Object.entries(l.nudgePrefs).map(([k, v]) => [k, { ...v }])) } : {}),
  ...(l.digests ? { digests: { ...l.digests } } : {}),
  ...(l.work
    ? { work: Object.fromEntries(Object.entries(l.work).map(([k, v]) => [k, { ...v, commits: { ...v.commits }, files: [...v.files], ebpf: [...v.ebpf] }])) }
    : {}),
});

export function applyChange(ledger: Ledger, change: LedgerChange): Ledger {
  return applyInPlace(cloneLedger(ledger), change);
}

/** `change` applied to `next`, which it may change: a copy the caller owns. */
function applyInPlace(next: Ledger, change: LedgerChange): Ledger {
  switch (change.kind) {
    case 'mark': {
      const key = markKey(change.mark.week, change.mark.login);
      const mark = { ...change.mark, login: change.mark.login.toLowerCase() };
      if (markWins(mark, next.marks[key])) next.marks[key] = mark;
      return next;
    }
    case 'check': {
      for (const file of change.files) {
        const path = pathKey(file.path);
        const existing = next.checks[path];
        if (!existing || change.at >= existing.at) next.checks[path] = { status: file.status, at: change.at };
      }
      return next;
    }
    case 'tree':
      return applyTree(next, change);
    case 'config':
      if (approvalWins(change.approval, next.config)) next.config = { ...change.approval };
      return next;
    case 'nudge-pref': {
      const login = change.login.toLowerCase();
      const existing = next.nudgePrefs?.[login];
      // the later word wins; equal times keep what is there, so applying twice is a no-op
      if (!existing || change.at > existing.at) next.nudgePrefs = { ...next.nudgePrefs, [login]: { off: change.off, at: change.at } };
      return next;
    }
    case 'work':
      applyWork(next, change.work);
      return next;
    case 'digest': {
      // the first digest comment of a week stays its digest (a second replica's copy is not adopted)
      const key = String(change.week);
      const existing = next.digests?.[key];
      if (existing === undefined || change.commentId < existing) next.digests = { ...next.digests, [key]: change.commentId };
      return next;
    }
  }
}

const union = (a: readonly string[], b: readonly string[], limit: number): string[] => [...new Set([...a, ...b])].sort().slice(0, limit);

/**
 * One commit's work. A commit already counted for this member (under any week: a rebased
 * commit re-pushed later keeps the week it was first counted in) only lends its line count and
 * an earlier first-seen time; applying the same contribution twice changes nothing.
 */
function applyWork(next: Ledger, work: WorkContribution): void {
  const records = (next.work ??= {});
  const owner = work.owner.normalize('NFC');
  // a contribution queued before keys were cut carries the long key
  const key = work.commit.key.slice(0, COMMIT_KEY_LENGTH);
  const counted = Object.values(records).find((r) => r.owner === owner && key in r.commits);
  const record =
    counted ??
    (records[submissionKey(work.week, owner)] ??= { week: work.week, owner, firstSeen: work.at, commits: {}, files: [], ebpf: [] });
  record.firstSeen = Math.min(record.firstSeen, work.at);
  const lines = record.commits[key];
  if (!(key in record.commits)) {
    if (Object.keys(record.commits).length >= WORK_COMMITS_LIMIT) return;
    record.commits[key] = work.commit.lines;
  } else if (lines === null && work.commit.lines !== null) {
    record.commits[key] = work.commit.lines;
  }
  record.files = union(record.files, work.commit.files, WORK_FILES_LIMIT);
  record.ebpf = union(record.ebpf, work.ebpf, WORK_FILES_LIMIT);
}

function applyTree(next: Ledger, change: Extract<LedgerChange, { kind: 'tree' }>): Ledger {
  // A tree older than one already applied may still teach an earlier first-seen time, but
  // must not decide what is on main now.
  const current = change.seenAt >= next.treeAt;
  // A rename inside a week folder carries the old record's first-seen time to the new name
  // (`jw.md` → `jiwoo.md`), even when the old name was nobody's in the roster.
  for (const { from, to } of change.renames) {
    if (from.week !== to.week) continue;
    const old = next.submissions[submissionKey(from.week, from.owner)];
    if (!old || pathKey(old.path) !== pathKey(from.path)) continue;
    const key = submissionKey(to.week, to.owner);
    const target = next.submissions[key];
    next.submissions[key] = {
      week: to.week,
      owner: to.owner,
      path: to.path,
      firstSeen: Math.min(old.firstSeen, target?.firstSeen ?? Infinity),
      onMain: current ? true : (target?.onMain ?? true),
    };
    if (key !== submissionKey(from.week, from.owner)) delete next.submissions[submissionKey(from.week, from.owner)];
  }
  const byKey = new Map<string, StudyFileRef[]>();
  for (const file of [...change.files].sort((a, b) => a.path.localeCompare(b.path))) {
    const key = submissionKey(file.week, file.owner);
    byKey.set(key, [...(byKey.get(key) ?? []), file]);
  }
  const present = new Set(byKey.keys());
  for (const [key, files] of byKey) {
    const existing = next.submissions[key];
    const pusher = change.pusher?.toLowerCase();
    if (!existing) {
      const [file] = files;
      next.submissions[key] = { week: file.week, owner: file.owner.normalize('NFC'), path: file.path, firstSeen: change.seenAt, onMain: current, ...(pusher ? { pushers: [pusher] } : {}) };
      continue;
    }
    if (pusher) existing.pushers = withPushers(existing.pushers, [pusher]);
    existing.firstSeen = Math.min(existing.firstSeen, change.seenAt);
    if (current) {
      existing.onMain = true;
      // Two files of one member in one week: keep the path already known while it is there.
      if (!files.some((f) => pathKey(f.path) === pathKey(existing.path))) existing.path = files[0].path;
    }
  }
  if (current) {
    if (change.complete) {
      for (const [key, record] of Object.entries(next.submissions)) if (!present.has(key)) record.onMain = false;
    } else {
      const removed = new Set((change.removed ?? []).map(pathKey));
      for (const record of Object.values(next.submissions)) {
        if (removed.has(pathKey(record.path)) && !present.has(submissionKey(record.week, record.owner))) record.onMain = false;
      }
    }
    if (change.complete) next.treeAt = change.seenAt;
  }
  return next;
}

/**
 * The changes in order, on one copy of `ledger`: a copy per change made merging the stored
 * copies quadratic (every refresh merges them: 2,080 marks held the event loop 2.3-2.5 s, the
 * twelfth attack review).
 */
export function applyChanges(ledger: Ledger, changes: readonly LedgerChange[]): Ledger {
  let next = cloneLedger(ledger);
  for (const change of changes) next = applyInPlace(next, change);
  return next;
}

/**
 * Two records of the same study in one: what either knows survives. Marks and check results
 * go through the same rules as new ones (so merging is order-free and merging an older copy
 * changes nothing); a submission keeps its earliest first-seen time, and whether it is on main
 * comes from the copy that saw the newer tree.
 */
export function mergeLedgers(a: Ledger, b: Ledger): Ledger {
  const changes: LedgerChange[] = [
    ...Object.values(b.marks).map<LedgerChange>((mark) => ({ kind: 'mark', mark })),
    ...Object.entries(b.checks).map<LedgerChange>(([path, c]) => ({ kind: 'check', files: [{ path, status: c.status }], at: c.at })),
    ...(b.config ? [{ kind: 'config', approval: b.config } satisfies LedgerChange] : []),
    ...Object.entries(b.nudgePrefs ?? {}).map<LedgerChange>(([login, p]) => ({ kind: 'nudge-pref', login, off: p.off, at: p.at })),
    ...Object.entries(b.digests ?? {}).map<LedgerChange>(([week, commentId]) => ({ kind: 'digest', week: Number(week), commentId })),
    ...Object.values(b.work ?? {}).flatMap((r) => workChangesOf(r)),
  ];
  const next = applyChanges(a, changes);
  const bNewer = b.treeAt > a.treeAt;
  for (const [key, record] of Object.entries(b.submissions)) {
    const mine = next.submissions[key];
    if (!mine) {
      next.submissions[key] = { ...record };
      continue;
    }
    if (record.pushers) mine.pushers = withPushers(mine.pushers, record.pushers);
    mine.firstSeen = Math.min(mine.firstSeen, record.firstSeen);
    if (bNewer) {
      mine.onMain = record.onMain;
      mine.path = record.path;
    }
  }
  next.treeAt = Math.max(a.treeAt, b.treeAt);
  return next;
}

/** A work record as the contributions that rebuild it (merging two ledgers replays them). */
function workChangesOf(record: ProjectWorkRecord): LedgerChange[] {
  return Object.entries(record.commits).map(([key, lines], i) => ({
    kind: 'work',
    work: {
      week: record.week,
      owner: record.owner,
      by: 'window',
      at: record.firstSeen,
      commit: { key, lines, files: i === 0 ? record.files : [] },
      ebpf: i === 0 ? record.ebpf : [],
    },
  }));
}

// ---- Encoding: compact tuples, deflated, base64, inside an HTML comment -----------------

const LEDGER_VERSION = 1;
const BLOCK = /^<!--\s*study-bot:ledger v(\d+) ([A-Za-z0-9+/=]*)(?: sig=([0-9a-f]{64}))?\s*-->$/;

const seconds = z.number().int().nonnegative();
const stateCode = { present: 'p', online: 'o', absent: 'a', excused: 'e' } as const;
const statusCode = { pass: 'p', warn: 'w', fail: 'f' } as const;
const invert = <T extends Record<string, string>>(o: T) => Object.fromEntries(Object.entries(o).map(([k, v]) => [v, k])) as Record<T[keyof T], keyof T>;
const stateOf = invert(stateCode);
const statusOf = invert(statusCode);

const encodedSchema = z.strictObject({
  v: z.literal(LEDGER_VERSION),
  t: seconds,
  // [week, owner, path, firstSeen, onMain]
  // [week, owner, path, firstSeen, onMain, pusher?] (the pusher since review 14; older blocks lack it)
  s: z.array(
    z.union([
      z.tuple([z.number().int().min(1), z.string().min(1), z.string().min(1), seconds, z.union([z.literal(0), z.literal(1)])]),
      z.tuple([
        z.number().int().min(1),
        z.string().min(1),
        z.string().min(1),
        seconds,
        z.union([z.literal(0), z.literal(1)]),
        z.union([z.string().min(1).max(45), z.array(z.string().min(1).max(45)).max(MAX_PUSHERS)]),
      ]),
    ]),
  ),
  // [path, status, at]
  c: z.array(z.tuple([z.string().min(1), z.enum(['p', 'w', 'f']), seconds])),
  // [week, login, state, by, at, source]
  m: z.array(
    z.tuple([z.number().int().min(1), z.string().min(1), z.enum(['p', 'o', 'a', 'e']), z.string().min(1), seconds, z.enum(['c', 'o'])]),
  ),
  // the approved config: [text, commit, by, at]; its blob sha is recomputed from the text
  a: z.tuple([z.string(), z.string(), z.string().min(1), seconds]).optional(),
  // reminder preferences: [login, off, at]
  n: z.array(z.tuple([z.string().min(1).max(45), z.union([z.literal(0), z.literal(1)]), seconds])).max(10_000).optional(),
  // digest comments: [week, comment id]
  d: z.array(z.tuple([z.number().int().min(1), z.number().int().positive()])).max(1_000).optional(),
  // project work: [week, owner, firstSeen, [[commit key, lines or -1]], files, eBPF sources]
  w: z
    .array(
      z.tuple([
        z.number().int().min(1),
        z.string().min(1).max(200),
        seconds,
        z.array(z.tuple([z.string().min(1).max(64), z.number().int().min(-1)])).max(WORK_COMMITS_LIMIT),
        z.array(z.string().min(1).max(1_024)).max(WORK_FILES_LIMIT),
        z.array(z.string().min(1).max(1_024)).max(WORK_FILES_LIMIT),
      ]),
    )
    .max(10_000)
    .optional(),
});

const toSec = (ms: number) => Math.floor(ms / 1000);

/** The hidden block; signed when the app has a key (`seal`), so that a forged body is refused. */
export function encodeLedger(ledger: Ledger, seal?: LedgerSeal | null): string {
  const data: z.infer<typeof encodedSchema> = {
    v: LEDGER_VERSION,
    t: toSec(ledger.treeAt),
    s: Object.values(ledger.submissions)
      .sort((a, b) => a.week - b.week || a.owner.localeCompare(b.owner))
      .map((r) => (r.pushers?.length ? [r.week, r.owner, r.path, toSec(r.firstSeen), r.onMain ? 1 : 0, r.pushers] : [r.week, r.owner, r.path, toSec(r.firstSeen), r.onMain ? 1 : 0])),
    c: Object.entries(ledger.checks)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([path, c]) => [path, statusCode[c.status], toSec(c.at)]),
    m: Object.values(ledger.marks)
      .sort((a, b) => a.week - b.week || a.login.localeCompare(b.login))
      .map((m) => [m.week, m.login, stateCode[m.state], m.by, toSec(m.at), m.source === 'organizer' ? 'o' : 'c']),
    ...(ledger.config ? { a: [ledger.config.text, ledger.config.commit, ledger.config.by, toSec(ledger.config.at)] } : {}),
    ...(ledger.nudgePrefs && Object.keys(ledger.nudgePrefs).length > 0
      ? { n: Object.entries(ledger.nudgePrefs).sort(([a], [b]) => a.localeCompare(b)).map(([login, p]) => [login, p.off ? 1 : 0, toSec(p.at)] as [string, 0 | 1, number]) }
      : {}),
    ...(ledger.digests && Object.keys(ledger.digests).length > 0
      ? { d: Object.entries(ledger.digests).map(([week, id]) => [Number(week), id] as [number, number]).sort((a, b) => a[0] - b[0]) }
      : {}),
  };
  const work = Object.values(ledger.work ?? {}).sort((a, b) => a.week - b.week || a.owner.localeCompare(b.owner));
  if (work.length > 0) {
    data.w = work.map((r) => [
      r.week,
      r.owner,
      toSec(r.firstSeen),
      Object.entries(r.commits).map(([key, lines]) => [key, lines ?? -1] as [string, number]),
      r.files,
      r.ebpf,
    ]);
  }
  const packed = Buffer.from(deflateSync(strToU8(JSON.stringify(data)), { level: 9 })).toString('base64');
  const signature = seal ? ` sig=${seal.sign(packed)}` : '';
  return `<!-- study-bot:ledger v${LEDGER_VERSION} ${packed}${signature} -->`;
}

export type DecodeResult = { ok: true; ledger: Ledger } | { ok: false; reason: string };

/**
 * Reads the ledger block out of a comment body. Without a seal (the CLI, tests of the
 * encoding) no block at all is an empty ledger. With one, only a block the app signed for this
 * repository counts: a body without a block, or with a changed or missing signature, is not
 * the bot's record.
 */
export function decodeLedger(body: string, seal?: LedgerSeal | null): DecodeResult {
  // The block is the comment's last line (reportCommentBody): only there is it the bot's.
  const text = body.trimEnd();
  const match = BLOCK.exec(text.slice(text.lastIndexOf('\n') + 1));
  if (!match) return seal ? { ok: false, reason: 'there is no ledger block' } : { ok: true, ledger: emptyLedger() };
  if (Number(match[1]) !== LEDGER_VERSION) return { ok: false, reason: `ledger version ${match[1]} is not supported (expected ${LEDGER_VERSION})` };
  if (seal && !(match[3] && seal.verify(match[2], match[3]))) {
    return { ok: false, reason: match[3] ? 'the ledger signature does not match (not written by this app for this repository)' : 'the ledger is not signed' };
  }
  let json: unknown;
  try {
    json = JSON.parse(strFromU8(inflateSync(Buffer.from(match[2], 'base64'))));
  } catch (error) {
    return { ok: false, reason: `ledger block is not deflated JSON: ${(error as Error).message}` };
  }
  const parsed = encodedSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: `ledger block does not validate: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  const ledger = emptyLedger();
  ledger.treeAt = parsed.data.t * 1000;
  for (const [week, owner, path, firstSeen, onMain, by] of parsed.data.s) {
    // one login (written by the first version of this field) or the list
    const pushers = by === undefined ? undefined : withPushers(undefined, typeof by === 'string' ? [by] : by);
    ledger.submissions[submissionKey(week, owner)] = { week, owner: owner.normalize('NFC'), path, firstSeen: firstSeen * 1000, onMain: onMain === 1, ...(pushers?.length ? { pushers } : {}) };
  }
  for (const [path, status, at] of parsed.data.c) ledger.checks[pathKey(path)] = { status: statusOf[status], at: at * 1000 };
  for (const [week, login, state, by, at, source] of parsed.data.m) {
    ledger.marks[markKey(week, login)] = {
      week,
      login: login.toLowerCase(),
      state: stateOf[state],
      by,
      at: at * 1000,
      source: source === 'o' ? 'organizer' : 'check-in',
    };
  }
  if (parsed.data.a) {
    const [text, commit, by, at] = parsed.data.a;
    ledger.config = { text, blobSha: gitBlobSha(text), commit, by, at: at * 1000 };
  }
  for (const [login, off, at] of parsed.data.n ?? []) (ledger.nudgePrefs ??= {})[login.toLowerCase()] = { off: off === 1, at: at * 1000 };
  for (const [week, id] of parsed.data.d ?? []) (ledger.digests ??= {})[String(week)] = id;
  for (const [week, owner, firstSeen, commits, files, ebpf] of parsed.data.w ?? []) {
    (ledger.work ??= {})[submissionKey(week, owner)] = {
      week,
      owner: owner.normalize('NFC'),
      firstSeen: firstSeen * 1000,
      // keys written before they were cut to COMMIT_KEY_LENGTH read as their prefix
      commits: Object.fromEntries(commits.map(([key, lines]) => [key.slice(0, COMMIT_KEY_LENGTH), lines < 0 ? null : lines])),
      files,
      ebpf,
    };
  }
  return { ok: true, ledger };
}
