import { checkFiles, isLookalike, LOOKALIKE_RULE, mapConcurrent } from '../check/check-files.js';
import type { CheckedFile } from '../check/check-result-block.js';
import { MAX_MARKDOWN_BYTES } from '../check/decode-text.js';
import { statusOf, type FileReport, type RepoFile, type RepoTree } from '../check/types.js';
import { CONFIG_PATH, defaultConfig, type Language, type StudyConfig } from '../config/schema.js';
import { PartialCheckRunError, type CheckConclusion } from '../github/check-runs.js';
import { GitHubError, type RepoRef } from '../github/octokit.js';
import { isOrganizerRole } from '../github/permissions.js';
import type { PushGitHub } from '../github/push-client.js';
import { coversPath, isMissingCommit, WALK_ENTRY_BUDGET, WALK_REQUEST_BUDGET, type GitTree, type TreeEntry } from '../github/push-git.js';
import { pick, type Bilingual } from '../i18n/pick.js';
import { memberByLogin, nfc, pathKey, studyPaths, weekToken } from '../paths/study-paths.js';
import { projectBytesWanted } from '../project/review-project-file.js';
import { shownName, shownNames } from '../text/shown-text.js';
import {
  changesFromCommits,
  changesFromCompare,
  changesFromFullTree,
  changesFromTrees,
  type PathChange,
} from './changed-paths.js';
import type { ConfigApprovals } from '../config/approval.js';
import { trustConfig } from './config-trust.js';
import { findWipedRecords, type WipedRecord } from './record-guard.js';
import { CHECK_NAMES, checkName, renderBotFailure, renderCheckRun } from './render-check-run.js';
import { ZERO_SHA, type ChangeSource, type PayloadCommit } from './select-push.js';

/** One push to check, whether it came from a `push` webhook or a re-run. */
export interface PushCheckRequest {
  repo: RepoRef;
  repoHtmlUrl: string;
  before: string;
  after: string;
  source: ChangeSource;
  /** the payload's commits (used by `payload`, and as the fallback when `before` is gone) */
  commits: PayloadCommit[];
  /** who pushed: the GitHub login of the sender (a commit's author may be `Ubuntu <ubuntu@ip-…>`) */
  pusherLogin: string;
  /** look for an existing check run on `after` for this same push before doing anything */
  lookForExisting: boolean;
  /** a re-run: the earlier runs of this push it replaces (same key; never taken for the new run) */
  supersedes?: readonly number[];
}

export interface PushCheckResult {
  outcome: 'published' | 'skipped-existing' | 'skipped-no-study-files';
  checkRunId?: number;
  conclusion?: CheckConclusion;
  /** what was checked, for logs and benchmarks */
  files: number;
  /** each submission's verdict, as the check run's results block carries it (for the report) */
  checked?: CheckedFile[];
  wiped: WipedRecord[];
}

export interface PushCheckOptions {
  /** config texts by blob sha: a config rarely changes, so a warm process skips that request */
  configCache?: Map<string, string | null>;
  /** blobs fetched at once */
  concurrency?: number;
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** the approved config and how to record one (see config-trust.ts); without it the file rules */
  approvals?: ConfigApprovals;
}

/**
 * The check run's external id carries what a re-run needs and the webhook does not:
 * the push's `before` and the pusher. `push:<before>:<login>`.
 */
export const externalIdOf = (before: string, pusherLogin: string): string => `push:${before}:${pusherLogin}`;

/** "Details" of a push check: the pushed commit on the repository's own host (GHES too: the payload's html_url). */
const detailsUrlOf = (req: PushCheckRequest): string => `${req.repoHtmlUrl.endsWith('/') ? req.repoHtmlUrl.slice(0, -1) : req.repoHtmlUrl}/commit/${req.after}`;

export function parseExternalId(externalId: string | null | undefined): { before: string; pusherLogin: string } | null {
  const m = /^push:([0-9a-f]{40}):([A-Za-z0-9-]+(?:\[bot\])?)$/.exec(externalId ?? '');
  return m ? { before: m[1], pusherLogin: m[2] } : null;
}

const CONFIG_CACHE_LIMIT = 200;

/**
 * Checks one push and publishes its Check Run. Requests, for a push of one study file:
 * the tree at `after`, the config blob (skipped when this process has seen that blob), the
 * file's blob, the check run: at most 4. More only when needed: the compare API or the
 * tree at `before` (long or forced pushes), the config at `before` and the pusher's
 * permission (only when the config changed or another member's file was touched), the
 * check runs on `after` (only for a push older than this process), annotation updates
 * (past 50).
 *
 * A member's content never throws; any other error leaves a completed check run that
 * says the bot failed and why, and is rethrown with owner/repo/sha.
 */
export async function runPushCheck(github: PushGitHub, req: PushCheckRequest, options: PushCheckOptions = {}): Promise<PushCheckResult> {
  let lang: Language = 'ko';
  let failureConclusion: CheckConclusion = 'failure';
  try {
    if (req.lookForExisting) {
      const existing = await github.findRuns(req.after, Object.values(CHECK_NAMES));
      const same = existing.find((run) => parseExternalId(run.externalId)?.before === req.before);
      if (same) {
        options.log?.info({ checkRunId: same.id, after: req.after }, 'push check: this push already has a check run');
        return { outcome: 'skipped-existing', checkRunId: same.id, files: 0, wiped: [] };
      }
    }

    let afterTree = await github.tree(req.after);
    const configCache = options.configCache ?? new Map<string, string | null>();
    const configTextAt = async (tree: GitTree): Promise<string | null> => {
      const entry = tree.entries.get(CONFIG_PATH);
      if (!entry || entry.type !== 'blob') return null;
      if (configCache.has(entry.sha)) return configCache.get(entry.sha) ?? null;
      const text = new TextDecoder().decode(await github.blob(entry.sha, entry.size));
      configCache.set(entry.sha, text);
      if (configCache.size > CONFIG_CACHE_LIMIT) configCache.delete(configCache.keys().next().value as string);
      return text;
    };
    // A listing GitHub cut (a huge repository) is made whole where the check looks: the
    // config's folder first, then the study's folders once the config names them.
    if (!coversPath(afterTree, CONFIG_PATH)) afterTree = await github.completeTree(afterTree, (folder) => folder === CONFIG_FOLDER);
    const afterText = await configTextAt(afterTree);
    // The language and conclusion to fail with, should anything below go wrong.
    const early = trustConfig({ afterText, changed: false, pusherIsOrganizer: null });
    lang = early.config.language;
    failureConclusion = early.config.checks.failureConclusion;
    const wanted = foldersThatMatter([early.config]);
    afterTree = await github.completeTree(afterTree, wanted);

    const { changes, beforeTree, notes } = await collectChanges(github, req, afterTree, wanted);

    const configChanged = changes.some((c) => c.path === CONFIG_PATH);
    let beforeText: string | null | undefined;
    if (configChanged && req.before !== ZERO_SHA) {
      beforeText = beforeTree ? await configTextAt(beforeTree) : await github.textAt(CONFIG_PATH, req.before).catch(missingAsUndefined);
    }

    // The approved config (one read of the report's ledger, cached per process).
    const approval = options.approvals ? await options.approvals.read({ shas: [req.before, req.after] }) : undefined;
    const trustInput = {
      afterText,
      beforeText,
      changed: configChanged,
      approval,
      push: { before: req.before, after: req.after, pusherLogin: req.pusherLogin, at: options.approvals?.now() ?? 0 },
    };
    // The guard first, with the rosters from before and after the push.
    let verdict = trustConfig({ ...trustInput, pusherIsOrganizer: null });
    const candidates = findWipedRecords({
      changes,
      pusherLogin: req.pusherLogin,
      pusherMember: pusherMemberOf(req.pusherLogin, verdict.rosterConfigs),
      ownersOf: (path) => unique(verdict.rosterConfigs.map((c) => studyPaths(c).ownerOf(path))),
      rosterIsEmpty: verdict.rosterConfigs.every((c) => c.members.length === 0),
    });
    // The permission lookup is spent only when its answer changes the verdict.
    let wiped = candidates;
    if (candidates.length > 0 || configChanged) {
      const organizer = isOrganizerRole(await github.role(req.pusherLogin));
      if (organizer) wiped = [];
      if (configChanged) verdict = trustConfig({ ...trustInput, pusherIsOrganizer: organizer });
    }
    if (verdict.record) options.approvals?.record(verdict.record);
    // Who can approve, named on the check run of the push that proposed the change.
    const approvers = verdict.untrustedChange && options.approvals ? await options.approvals.organizers() : [];
    lang = verdict.config.language;
    failureConclusion = verdict.config.checks.failureConclusion;

    const reports = await checkChangedFiles(github, changes, req.after, afterTree, verdict.config, options.concurrency ?? 8, hostOf(req.repoHtmlUrl));
    const foreign = await foreignLookalikes(reports, {
      pusherLogin: req.pusherLogin,
      pusherMember: pusherMemberOf(req.pusherLogin, verdict.rosterConfigs),
      rosterIsEmpty: verdict.rosterConfigs.every((c) => c.members.length === 0),
      isOrganizer: async () => isOrganizerRole(await github.role(req.pusherLogin)),
      lang,
    });
    if (afterTree.truncated) {
      notes.push({
        ko: '저장소 파일이 너무 많아 GitHub가 목록을 잘랐습니다. 링크 검사가 일부 틀릴 수 있습니다.',
        en: 'GitHub cut the file list (the repository is very large); link checks may be partly wrong.',
      });
    }
    const cut = [...new Set([...(afterTree.cut ?? []), ...(beforeTree?.cut ?? [])])];
    if (cut.length > 0) notes.push(walkCutNote(cut));

    const rendered = renderCheckRun({
      lang,
      repoHtmlUrl: req.repoHtmlUrl,
      before: req.before,
      after: req.after,
      pusherLogin: req.pusherLogin,
      configPath: CONFIG_PATH,
      reports,
      wiped,
      config: verdict,
      approvers,
      configExists: afterTree.entries.has(CONFIG_PATH),
      notes,
      checks: verdict.config.checks,
      reportIssue: options.approvals?.reportIssue?.() ?? null,
    });
    if (!rendered) return { outcome: 'skipped-no-study-files', files: 0, wiped };
    const checkRunId = await github.publish({
      name: checkName(lang),
      headSha: req.after,
      externalId: externalIdOf(req.before, req.pusherLogin),
      supersedes: req.supersedes ?? [],
      detailsUrl: detailsUrlOf(req),
      ...rendered,
    });
    // A look-alike pushed by someone else is nobody's record (check-files.ts flagDuplicates).
    const checked = reports.flatMap((r) => (r.kind === 'submission' && r.status && !foreign.has(r.path) ? [{ path: r.path, status: r.status }] : []));
    return { outcome: 'published', checkRunId, conclusion: rendered.conclusion, files: reports.length, wiped, checked };
  } catch (error) {
    await reportBotFailure(github, req, lang, failureConclusion, error, options);
    throw new GitHubError(`push check failed: ${error instanceof Error ? error.message : String(error)}`, { ...req.repo, sha: req.after }, { cause: error });
  }
}

/** The web host the repository lives on (github.com or an Enterprise Server), from GitHub's own URL of it. */
const hostOf = (htmlUrl: string): string | null => {
  try {
    return new URL(htmlUrl).host;
  } catch {
    return null;
  }
};

const missingAsUndefined = (error: unknown): undefined => {
  if (isMissingCommit(error)) return undefined;
  throw error;
};

const unique = (names: (string | null)[]): string[] => [...new Set(names.filter((n): n is string => n !== null).map(nfc))];

/**
 * Look-alike notes (check-files.ts flagDuplicates: a name that reads as another file's, or
 * hides characters; paths/name-key.ts) this push changed whose name is not the pusher's: which
 * file is the member's cannot be told from the names, so only the owner's push (or an
 * organizer's) is recorded; anyone else's is an error on the check naming both files and never
 * reaches the member's row. The permission lookup is spent only when such a note is there.
 */
async function foreignLookalikes(
  reports: FileReport[],
  who: { pusherLogin: string; pusherMember: string | null; rosterIsEmpty: boolean; isOrganizer: () => Promise<boolean>; lang: Language },
): Promise<Set<string>> {
  const owns = (member: string | null) =>
    member !== null && (who.pusherMember !== null ? nfc(member) === nfc(who.pusherMember) : who.rosterIsEmpty && nfc(member).toLowerCase() === who.pusherLogin.toLowerCase());
  const others = reports.filter((r) => r.kind === 'submission' && isLookalike(r) && !owns(r.member));
  if (others.length === 0 || (await who.isOrganizer())) return new Set();
  for (const report of others) {
    // the other files of the group, or the name a lone hidden spelling reads as
    const twins = report.lookalikes?.length ? report.lookalikes : [pathKey(report.path)];
    const names = shownNames(twins.slice(0, 5));
    report.findings.push({
      rule: LOOKALIKE_RULE,
      severity: 'error',
      message: pick(who.lang, {
        ko: `${shownName(report.path)}은(는) ${report.member}의 노트 ${names}와(과) 이름이 같게 보이는 파일인데, ${report.member}이(가) 아닌 @${who.pusherLogin} 님이 push했습니다: 기록하지 않습니다 (노트의 주인이나 운영진이 push한 것만 기록합니다). 내 것이 아니면 지우세요`,
        en: `${shownName(report.path)} reads as ${report.member}'s note ${names}, and @${who.pusherLogin}, not ${report.member}, pushed it: it is not recorded (only the note's owner's or an organizer's push is). Remove it if it is not yours`,
      }),
      line: null,
    });
    report.status = statusOf(report.findings);
  }
  return new Set(others.map((r) => r.path));
}

function pusherMemberOf(login: string, configs: StudyConfig[]): string | null {
  for (const config of configs) {
    const member = memberByLogin(login, config);
    if (member) return member.name;
  }
  return null;
}

interface CollectedChanges {
  changes: PathChange[];
  beforeTree: GitTree | null;
  notes: Bilingual[];
}

const BEFORE_GONE: Bilingual = {
  ko: 'push 직전 커밋(`before`)을 GitHub에서 찾을 수 없어 이번 push의 새 커밋만 검사했습니다. 지워진 기록이 있는지는 확인하지 못했습니다.',
  en: "The commit before this push (`before`) is gone from GitHub, so only the push's new commits were checked; wiped records could not be looked for.",
};

async function collectChanges(
  github: PushGitHub,
  req: PushCheckRequest,
  afterTree: GitTree,
  wanted: (topLevelFolder: string) => boolean,
): Promise<CollectedChanges> {
  const notes: Bilingual[] = [];
  const viaTrees = async (): Promise<CollectedChanges> => {
    try {
      const beforeTree = await github.completeTree(await github.tree(req.before), wanted);
      return { changes: changesFromTrees(...comparableEntries(beforeTree, afterTree)), beforeTree, notes };
    } catch (error) {
      if (!isMissingCommit(error)) throw error;
      // A force push's `before` can be garbage-collected (rarely, and only long after the push,
      // i.e. on a late re-run). The new commits are all that is left to go on.
      notes.push(BEFORE_GONE);
      return { changes: changesFromCommits(req.commits), beforeTree: null, notes };
    }
  };
  switch (req.source) {
    case 'payload':
      return { changes: changesFromCommits(req.commits), beforeTree: null, notes };
    case 'full-tree':
      return { changes: changesFromFullTree(afterTree.entries), beforeTree: null, notes };
    case 'tree-diff':
      return viaTrees();
    case 'compare': {
      try {
        const comparison = await github.compare(req.before, req.after);
        // GitHub lists at most 300 files for a comparison; past that, the trees are exact.
        if (!comparison.filesMayBeTruncated) return { changes: changesFromCompare(comparison.files), beforeTree: null, notes };
      } catch (error) {
        if (!isMissingCommit(error)) throw error;
      }
      return viaTrees();
    }
  }
}

/**
 * Folders the bot listed only in part (a walk's budget ran out in them: one member can make a
 * folder of millions of paths by having many folders name one tree): what was not read.
 */
export function walkCutNote(folders: readonly string[]): Bilingual {
  const shown = folders.slice(0, 5).map((f) => `\`${f.replace(/`/g, "'")}/\``).join(', ') + (folders.length > 5 ? ` …(+${folders.length - 5})` : '');
  return {
    ko: `${shown} 폴더는 항목이 너무 많아 (한 번에 최대 ${WALK_ENTRY_BUDGET.toLocaleString('en-US')}개, GitHub 요청 ${WALK_REQUEST_BUDGET}번) 목록을 끝까지 읽지 못했습니다. 읽지 못한 부분은 링크 검사와 지워진 기록 확인에서 빠질 수 있습니다. 같은 내용의 폴더가 여러 개 있는지 확인하세요.`,
    en: `${shown}: too many entries to list in full (at most ${WALK_ENTRY_BUDGET.toLocaleString('en-US')} entries and ${WALK_REQUEST_BUDGET} GitHub requests at a time); link checks and the wiped-record check may miss what was not read. Look for many folders with the same content.`,
  };
}

/** The folder of the config file, listed first when a cut listing misses the config. */
const CONFIG_FOLDER = CONFIG_PATH.split('/')[0]!;

/**
 * The top-level folders a push check must see whole: the config's, the study's and the
 * projects' (their templates' first segment, under any config that matters), and the near
 * misses members make of them (`Study`, `projects`, `week1`), where misplaced notes turn up.
 */
export function foldersThatMatter(configs: readonly StudyConfig[]): (topLevelFolder: string) => boolean {
  const loose = (name: string) => name.normalize('NFC').toLowerCase().replace(/s$/u, '');
  const roots = new Set<string>([loose(CONFIG_FOLDER)]);
  for (const config of [...configs, defaultConfig()]) {
    for (const template of [config.paths.study, config.paths.project]) {
      const first = template.split('/')[0] ?? '';
      if (first && !first.includes('{')) roots.add(loose(first));
    }
  }
  return (folder) => roots.has(loose(folder)) || weekToken(folder) !== null;
}

/**
 * The two trees' entries as far as both are known: where a listing was cut, only the folders
 * both list in full are compared, so a path the cut left out is never taken for a removal
 * (which the record guard would report as a wiped record) or an addition.
 */
function comparableEntries(before: GitTree, after: GitTree): [Map<string, TreeEntry>, Map<string, TreeEntry>] {
  if (!before.truncated && !after.truncated) return [before.entries, after.entries];
  const known = (path: string) => coversPath(before, path) && coversPath(after, path);
  const keep = (tree: GitTree) => new Map([...tree.entries].filter(([path]) => known(path)));
  return [keep(before), keep(after)];
}

const REPORTED_KINDS = new Set(['submission', 'misplaced', 'unknown', 'project']);

/**
 * Project sources read per push at most: a first push of a project that vendors libbpf or a
 * kernel tree would otherwise fetch thousands of blobs. Past it, files are listed unread.
 */
export const MAX_PROJECT_READS = 100;

async function checkChangedFiles(
  github: PushGitHub,
  changes: readonly PathChange[],
  after: string,
  afterTree: GitTree,
  config: StudyConfig,
  concurrency: number,
  githubHost: string | null,
): Promise<FileReport[]> {
  await studyPaths(config).prime(changes.map((c) => c.path));
  const candidates = changes
    .filter((c) => c.status !== 'removed')
    .map((c) => ({ change: c, entry: afterTree.entries.get(c.path), where: studyPaths(config).classify(c.path) }))
    // A path the cut listing does not cover is taken as the file the push says it is.
    // A submodule (a gitlink) counts in a project folder: the member's project lives elsewhere.
    .filter((c) => (c.entry ? c.entry.type === 'blob' || (c.entry.type === 'commit' && c.where.kind === 'project') : !coversPath(afterTree, c.change.path)))
    .filter((c) => REPORTED_KINDS.has(c.where.kind));
  // Which project files are read: sources by their path and the tree's size, the likeliest eBPF first.
  const projectReads = new Set(
    candidates
      .filter((c) => c.where.kind === 'project' && c.entry?.type === 'blob' && projectBytesWanted(c.change.path, c.entry.size))
      .map((c) => c.change.path)
      .sort((a, b) => readPriority(a) - readPriority(b) || a.localeCompare(b))
      .slice(0, MAX_PROJECT_READS),
  );
  const files: RepoFile[] = await mapConcurrent(candidates, concurrency, async ({ change, entry, where }) => {
    if (where.kind === 'project') return projectFile(github, change.path, entry, projectReads.has(change.path));
    if (where.kind !== 'submission') return { path: change.path, content: new Uint8Array(0) };
    if (!entry) {
      // Notes outside every folder read in full (a config whose study folder is not at the top):
      // read by path at `after`.
      const text = await github.textAt(change.path, after);
      return { path: change.path, content: new TextEncoder().encode(text ?? '') };
    }
    // The checker turns notes over its size limit into one finding from their length alone,
    // so their bytes are never downloaded (a zero-filled buffer is allocated lazily by the OS).
    if ((entry.size ?? 0) > MAX_MARKDOWN_BYTES) return { path: change.path, content: new Uint8Array(entry.size ?? 0) };
    return { path: change.path, content: await github.blob(entry.sha, entry.size) };
  });
  if (files.length === 0) return [];
  return checkFiles({ files, tree: repoTreeOf(afterTree), config, githubHost, unreadBudget: MAX_PROJECT_READS });
}

/**
 * A project file as the checker gets it: its size from the tree listing, its bytes only when
 * chosen to be read (an eBPF source candidate under the read bound, within the push's budget).
 */
async function projectFile(github: PushGitHub, path: string, entry: TreeEntry | undefined, read: boolean): Promise<RepoFile> {
  if (entry?.type === 'commit') return { path, content: new Uint8Array(0), gitlink: true };
  const size = entry?.size ?? undefined;
  const sized = size !== undefined ? { size } : {};
  if (!entry || !read) {
    const unread = entry !== undefined && projectBytesWanted(path, entry.size);
    return { path, content: new Uint8Array(0), ...sized, ...(unread ? { unread: true } : {}) };
  }
  return { path, content: await github.blob(entry.sha, entry.size), ...sized };
}

/** `.bpf.c` and `.bt` before other C, Python and Go; a file without extension (maybe a binary) last. */
function readPriority(path: string): number {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (base.endsWith('.bpf.c') || base.endsWith('.bt')) return 0;
  if (base.endsWith('.c') || base.endsWith('.py') || base.endsWith('.go')) return 1;
  return 2;
}

/**
 * The tree at `after` as the checker's link lookups see it: exact paths, and NFC for Hangul
 * names committed from macOS. Where a cut listing does not reach, a path is given the benefit
 * of the doubt (never a broken-link error for a file the bot could not see).
 */
export function repoTreeOf(tree: GitTree): RepoTree {
  const normalized = new Set<string>();
  for (const path of tree.entries.keys()) normalized.add(nfc(path));
  return {
    has: (path) => tree.entries.has(path) || normalized.has(nfc(path)) || !coversPath(tree, path),
    paths: () => tree.entries.keys(),
  };
}

async function reportBotFailure(
  github: PushGitHub,
  req: PushCheckRequest,
  lang: Language,
  conclusion: CheckConclusion,
  error: unknown,
  options: PushCheckOptions,
): Promise<void> {
  const failure = renderBotFailure(lang, error, conclusion);
  try {
    if (error instanceof PartialCheckRunError) await github.complete(error.checkRunId, failure.conclusion, failure.output);
    else {
      await github.publish({
        name: checkName(lang),
        headSha: req.after,
        externalId: externalIdOf(req.before, req.pusherLogin),
        supersedes: req.supersedes ?? [],
        detailsUrl: detailsUrlOf(req),
        conclusion: failure.conclusion,
        output: failure.output,
        annotations: [],
      });
    }
  } catch (reportError) {
    // GitHub itself is failing; the original error is the one worth rethrowing.
    options.log?.warn({ err: reportError }, 'push check: could not report the failure on a check run');
  }
}
