import type { StudyConfig, Language } from '../config/schema.js';
import { pick } from '../i18n/pick.js';
import { couldBeSubmission, memberByName, nameKey, nfc, pathKey, studyPaths, type PathClass } from '../paths/study-paths.js';
import type { Rubric } from '../rubric/check-markdown.js';
import { code } from '../rubric/korean-particles.js';
import { countedOneLiners } from '../rubric/rules/oneliner-count.js';
import { loadRubrics, type RubricSet } from '../rubric/load-rubrics.js';
import { defaultPoolSize, type BudgetedPool } from '../worker/budgeted-pool.js';
import { checkMarkdownInWorker } from '../worker/check-in-worker.js';
import { shownName, shownNames } from '../text/shown-text.js';
import { sharedCheckPool } from '../worker/shared-pool.js';
import { reviewProjectFile } from '../project/review-project-file.js';
import { decodeSubmission } from './decode-text.js';
import { statusOf, type Finding, type FileReport, type RepoFile, type RepoTree } from './types.js';

export interface CheckFilesInput {
  files: RepoFile[];
  tree: RepoTree;
  config: StudyConfig;
  /** the bundled rubrics when left out */
  rubrics?: RubricSet;
  /** overrides `config.language` (the CLI's `--lang`) */
  lang?: Language;
  /** files checked at once; each is independent */
  concurrency?: number;
  /** the worker pool that parses and checks notes (default: the process's shared pool) */
  pool?: BudgetedPool;
  /** the GitHub Enterprise Server's host, when the study lives on one: link rules accept its URLs too */
  githubHost?: string | null;
  /**
   * The caller is a short-lived process (the CLI), not the bot: with a few notes to check,
   * small ones are checked on this thread instead of starting workers (see `checkMarkdownInWorker`).
   */
  mayInline?: boolean;
  /** the number of project sources the caller reads at most (files past it come `unread`) */
  unreadBudget?: number;
}

/**
 * Up to this many files, starting workers costs more than it saves: a worker's start and its
 * own load of the rubric engine take ~0.3-0.8 s, a week note's check 10-50 ms. Past it, the
 * pool's parallelism and per-file deadlines win.
 */
export const INLINE_FILES = 8;

/**
 * Notes one more worker must have to pay for itself: a worker's start (its own load of the
 * rubric engine and the bash grammar) costs about as much CPU as checking 30-40 notes, so a
 * second worker only shortens the wall time past ~70 notes, and on a busy machine it only
 * adds CPU. 200 notes on 2 cores: 2 workers; 9-95 notes: 1.
 */
export const NOTES_PER_WORKER = 48;

/** Workers for `notes` notes in the CLI (at most the pool's size), started now. */
function workersFor(notes: number, pool: BudgetedPool): number {
  const workers = Math.max(1, Math.min(defaultPoolSize(), Math.floor(notes / NOTES_PER_WORKER)));
  pool.warm(workers);
  return workers;
}

/** The rule id of findings about where a file is, not what is in it. */
export const PATH_RULE = 'path';

/**
 * Checks files of a study repository: classifies each path, runs the week's rubric on
 * submissions and explains misplaced and unknown files. The one core the CLI and the push
 * check share. A member's content never makes this throw; only a broken installation does
 * (rubrics or the shell grammar missing).
 */
export async function checkFiles(input: CheckFilesInput): Promise<FileReport[]> {
  const places = input.files.map((file) => studyPaths(input.config).classify(file.path));
  const notes = places.filter((where) => where.kind === 'submission').length;
  const inlineSmall = input.mayInline === true && notes <= INLINE_FILES;
  // The CLI knows all its work now: the workers it needs start loading while the rubrics do.
  const workers = input.mayInline === true && !inlineSmall ? workersFor(notes, input.pool ?? sharedCheckPool()) : null;
  // only the weeks these files are notes of: one note parses one rubric, not eight
  const weeks = [...new Set(places.flatMap((where) => (where.kind === 'submission' && where.week !== null ? [where.week] : [])))];
  const rubrics = input.rubrics ?? (await loadRubrics(undefined, weeks));
  const lang = input.lang ?? input.config.language;
  const submissions = submissionsByWeekAndMember(input.tree, input.config);
  // Workers get the tree as a list of paths (a function does not cross threads): built once.
  const treePaths = [...input.tree.paths()];
  // as many files in flight as workers: the pool then starts no worker the work does not need
  const reports = await mapConcurrent(input.files, input.concurrency ?? workers ?? 4, (file, i) =>
    checkOne(file, places[i], { ...input, rubrics, lang, submissions, treePaths, inlineSmall }),
  );
  flagDuplicates(reports, submissions, lang);
  return reports;
}

/** Every submission of the tree, by week and roster name (an alias's file under its member). */
function submissionsByWeekAndMember(tree: RepoTree, config: StudyConfig): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const path of tree.paths()) {
    // most of a source checkout's tree is code, never a note: not classified for nothing
    if (!couldBeSubmission(path)) continue;
    const where = studyPaths(config).classify(path);
    if (where.kind !== 'submission') continue;
    const key = weekMemberKey(where.week, where.member);
    groups.set(key, [...(groups.get(key) ?? []), path]);
  }
  return groups;
}

const weekMemberKey = (week: number | null, member: string | null) => `${week}\0${member}`;

/**
 * Two files of one member for one week (`hgd.md` and `홍길동.md`, an alias): the bot could
 * count either, so both get a warning naming the other. Looks at the whole tree, so a
 * push that touches only one of them still hears about the other.
 *
 * A look-alike is worse: a name that reads as the note's (name-key.ts: `김철수.md` in NFD, what
 * some Mac tools commit; the name plus U+FEFF, a trailing space, U+3000, U+00A0; a zero-width
 * character inside it) is another file GitHub shows under the same name, and anyone can push
 * one beside another member's note (attack reviews 18 and 19: its failing verdict was recorded
 * on that member's row). The classifier files it under the name it reads as, so it is in the
 * member's group here; which file is the member's cannot be told from the names (either
 * Unicode form can be the genuine one), so every file of the group, and a hidden spelling even
 * alone, carries `lookalikes` and a warning, and the push check records its verdict only from a
 * push by the name's owner or an organizer (run-push-check.ts foreignLookalikes).
 */
function flagDuplicates(reports: FileReport[], groups: ReadonlyMap<string, string[]>, lang: Language): void {
  for (const report of reports) {
    if (report.kind !== 'submission') continue;
    const same = groups.get(weekMemberKey(report.week, report.member)) ?? [];
    const self = nameKey(report.path);
    const before = report.findings.length;
    const lookalikes = same.filter((p) => p !== report.path && pathKey(p) === self.key);
    if (lookalikes.length > 0 || self.hidden) {
      report.lookalikes = lookalikes;
      report.findings.push({
        rule: LOOKALIKE_RULE,
        severity: 'warning',
        message: pick(
          lang,
          lookalikes.length > 0
            ? {
                ko: `이 파일과 이름이 같게 보이는 다른 파일이 있습니다: ${shownNames(lookalikes)} (바이트가 다름: 유니코드 NFC/NFD, 보이지 않는 문자, 이름 끝의 공백). 하나만 남기세요 — 노트의 주인이나 운영진이 push한 것만 기록됩니다`,
                en: `Another file reads as this one's name: ${shownNames(lookalikes)} (other bytes: Unicode NFC/NFD, invisible characters, blanks at a name's end). Keep one; only a push by the note's owner or an organizer is recorded`,
              }
            : {
                ko: `이 파일 이름(${shownName(report.path)})에는 보이지 않는 문자나 이름 끝의 공백이 있어 ${shownName(self.key)}처럼 보입니다. ${shownName(self.key)}로 이름을 바꾸세요 — 노트의 주인이나 운영진이 push한 것만 기록됩니다`,
                en: `This file's name (${shownName(report.path)}) has invisible characters or blanks at a name's end and reads as ${shownName(self.key)}. Rename it to that; only a push by the note's owner or an organizer is recorded`,
              },
        ),
        line: null,
      });
    }
    const others = same.filter((p) => pathKey(p) !== self.key);
    if (others.length > 0) {
      report.findings.push({
        rule: 'duplicate',
        severity: 'warning',
        message: pick(lang, {
          ko: `${report.week}주차에 ${report.member}의 노트가 ${others.length + 1}개 있습니다 (${shownNames(others)}) — 하나만 남기세요`,
          en: `${report.member} has ${others.length + 1} notes for week ${report.week} (also ${shownNames(others)}); keep one`,
        }),
        line: null,
      });
    }
    if (report.findings.length > before) report.status = statusOf(report.findings);
  }
}

/** The rule of a note whose name reads as another file's or hides characters (see flagDuplicates). */
export const LOOKALIKE_RULE = 'lookalike-name';

/** Whether a report's file is a look-alike: another file reads as its name, or its name hides characters. */
export const isLookalike = (report: FileReport): boolean => report.lookalikes !== undefined;

async function checkOne(
  file: RepoFile,
  where: PathClass,
  ctx: {
    tree: RepoTree;
    treePaths: string[];
    config: StudyConfig;
    rubrics: RubricSet;
    lang: Language;
    submissions: ReadonlyMap<string, string[]>;
    pool?: BudgetedPool;
    githubHost?: string | null;
    inlineSmall?: boolean;
    unreadBudget?: number;
  },
): Promise<FileReport> {
  const base = { path: file.path, kind: where.kind, week: where.week, member: where.member };
  if (where.kind === 'misplaced' || where.kind === 'unknown') {
    const existing = existingTarget(file.path, where, ctx.tree, ctx.submissions);
    return { ...base, status: null, oneliners: null, findings: [pathFinding(where, existing, ctx.lang)] };
  }
  if (where.kind === 'project') {
    const review = reviewProjectFile(
      {
        path: file.path,
        size: file.size ?? file.content.length,
        ...(file.gitlink ? { gitlink: true } : {}),
        ...(file.unread ? (ctx.unreadBudget !== undefined ? { unreadBudget: ctx.unreadBudget } : {}) : { content: file.content }),
      },
      ctx.lang,
    );
    return { ...base, status: null, oneliners: null, findings: review.findings, project: review.project };
  }
  if (where.kind !== 'submission' || where.week === null) {
    return { ...base, status: null, oneliners: null, findings: [] };
  }
  const findings: Finding[] = [];
  const decoded = decodeSubmission(file.content, ctx.lang);
  if (!decoded.ok) return submission(base, [decoded.finding], null);
  const text = decoded.text.replace(/^\uFEFF/, '');
  if (text.trim() === '') {
    findings.push({
      rule: 'file-empty',
      severity: 'error',
      message: pick(ctx.lang, {
        ko: `파일이 비어 있습니다 — \`study-bot new ${where.week}\`로 템플릿에서 시작하세요`,
        en: `the file is empty — start from the template with \`study-bot new ${where.week}\``,
      }),
      line: null,
    });
    return submission(base, findings, 0);
  }
  const rubric = ctx.rubrics.forWeek(where.week);
  if (!rubric) {
    findings.push({
      rule: 'rubric',
      severity: 'info',
      message: pick(ctx.lang, {
        ko: `${where.week}주차에는 형식 규칙(rubric)이 없어 내용은 검사하지 않았습니다`,
        en: `week ${where.week} has no rubric; the content was not checked`,
      }),
      line: null,
    });
    return submission(base, findings, null);
  }
  const rosterEntry = where.member ? memberByName(where.member, ctx.config) : null;
  const member = rosterEntry
    ? { name: rosterEntry.name, aliases: rosterEntry.aliases }
    : where.member
      ? { name: where.member, aliases: [] }
      : null;
  // Parsed and checked in a worker within a time and memory budget: a pathological file
  // becomes a finding, never a stalled event loop (the bot answers webhooks meanwhile).
  const roster = ctx.config.members.map((m) => ({ name: m.name, aliases: m.aliases }));
  const result = await checkMarkdownInWorker(
    { path: nfc(file.path), text, week: where.week, member, roster, rubric, tree: ctx.tree, lang: ctx.lang, githubHost: ctx.githubHost ?? null },
    { pool: ctx.pool, treePaths: ctx.treePaths, inlineSmall: ctx.inlineSmall },
  );
  const kinds = oneLinerKinds(rubric);
  return submission(base, result.findings, kinds ? countedOneLiners(result.oneLiners, kinds).length : null);
}

const submission = (
  base: Pick<FileReport, 'path' | 'kind' | 'week' | 'member'>,
  findings: Finding[],
  oneliners: number | null,
): FileReport => ({ ...base, status: statusOf(findings), oneliners, findings });

/**
 * The kinds the week's `oneliner-count` rule counts, so `oneliners` in the report is the
 * number the rule judged; null for a week whose rubric does not count one-liners.
 */
function oneLinerKinds(rubric: Rubric): string[] | null {
  const setting = rubric.rules.get('oneliner-count');
  if (!setting || setting.severity === 'off') return null;
  return (setting.options as { kinds?: string[] }).kinds ?? ['bpftrace'];
}

/**
 * The file a misplaced or unknown file would collide with if the member followed the
 * suggestion: the suggested path itself, or that week's notes of the same member under
 * another spelling (`study/week1/김철수.md` for `project/kcs/week1.md`, kcs's alias).
 */
function existingTarget(path: string, where: PathClass, tree: RepoTree, submissions: ReadonlyMap<string, string[]>): string | null {
  const self = pathKey(path);
  if (where.suggestion && pathKey(where.suggestion) !== self && (tree.has(where.suggestion) || tree.has(nfc(where.suggestion)))) {
    return where.suggestion;
  }
  if (where.kind !== 'misplaced' || where.week === null || where.member === null) return null;
  return submissions.get(weekMemberKey(where.week, where.member))?.find((p) => pathKey(p) !== self) ?? null;
}

/**
 * A week's notes the bot cannot count fail (the severity policy: wrong place, or a name
 * a few letters off the roster's); moving them is the member's next step, and the message
 * says where. A file under a name nobody has (often the organizers' own material) is a
 * warning that says how to ignore it. When the place the notes should go is already taken,
 * moving is not the fix: the member has two copies and must pick one, so the message says
 * that instead of suggesting an overwrite, as a warning (the counted copy exists).
 */
function pathFinding(where: PathClass, existing: string | null, lang: Language): Finding {
  const reason = where.reason ? pick(lang, where.reason) : '';
  if (existing) {
    // Path reasons read "problem — fix"; the fix (move/rename there) is what no longer applies.
    // An unknown name keeps its "did you mean", which is still the useful part.
    const problem = where.kind === 'unknown' ? reason : reason.split(' — ')[0]!;
    const message = pick(lang, {
      ko: `${problem} — 이미 ${code(existing, '이/가')} 있습니다 — 둘 중 하나를 정리하세요`,
      en: `${problem} — \`${existing}\` already exists: keep one of the two`,
    });
    return { rule: PATH_RULE, severity: 'warning', message, line: null };
  }
  const fix = where.suggestion && !reason.includes(where.suggestion)
    ? pick(lang, { ko: ` → \`${where.suggestion}\``, en: ` → \`${where.suggestion}\`` })
    : '';
  const uncounted = where.kind === 'misplaced' || where.suggestion !== undefined;
  return { rule: PATH_RULE, severity: uncounted ? 'error' : 'warning', message: `${reason}${fix}`, line: null };
}

/** `Promise.all` over `items` with at most `limit` in flight, results in input order. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
