import { createHash } from 'node:crypto';
import type { Schedule } from '../attendance/schedule.js';
import type { StudyConfig } from '../config/schema.js';
import { memberByLogin, studyPaths } from '../paths/study-paths.js';
import { weekOfCommit } from './commit-week.js';
import { classifySource, isEbpfKind, kindFromPath, type ProjectFileKind } from './classify-source.js';

/**
 * From week 3 on, a member's weekly work is commits under their project folder. This turns
 * commits into "project work of week N by member M": attributed the way notes are (the
 * folder's owner; the pusher when the folder is not a roster name), dated by the commit
 * message when it names a week and by the schedule's windows otherwise.
 */
export interface ProjectCommit {
  /** stable across rebases, amends and force pushes (see `commitKey`) */
  key: string;
  message: string;
  /** when it reached the default branch: the push's time for the bot, the commit's offline */
  at: number;
  /** GitHub login of the pusher (the bot); null offline, where there is none */
  pusher: string | null;
  /** the files it touched; `lines` added + removed, null where the source does not say */
  files: { path: string; lines: number | null }[];
}

/** One commit's share of one member's week: what the ledger records (see `ProjectWorkRecord`). */
export interface WorkContribution {
  week: number;
  owner: string;
  /** how the week was chosen */
  by: 'message' | 'window';
  at: number;
  commit: { key: string; lines: number | null; files: string[] };
  /** the touched files that are eBPF sources */
  ebpf: string[];
}

/**
 * A commit's identity that a rebase, an amend of another commit or a force push does not
 * change: its author date and its message (both kept by `git rebase`). Counting by SHA would
 * count a member's week twice after every rewrite of history. 32 bits: the keys are compared
 * among one member's commits only (a few hundred: a collision about once in a million
 * studies), and they are most of the ledger's size, which one comment holds.
 */
export const COMMIT_KEY_LENGTH = 8;
export function commitKey(authorDate: string, message: string): string {
  return createHash('sha256').update(`${authorDate}\n${message.trim()}`).digest('hex').slice(0, COMMIT_KEY_LENGTH);
}

/** Files a commit's record lists at most (a commit that vendors a library touches thousands). */
export const MAX_FILES_PER_COMMIT = 40;

/** What kind of eBPF source a path is, when the path alone says (no content at hand). */
export function ebpfKindFromPath(path: string): ProjectFileKind | null {
  const kind = kindFromPath(path);
  if (kind === 'bpftrace') return kind;
  if (/\.bpf\.c$/i.test(path) || /_kern\.c$/i.test(path)) return 'libbpf-c';
  return null;
}

export interface AttributeOptions {
  /** reads a bounded prefix of a file's content to tell eBPF C/Python from other code; absent: path only */
  contentOf?: (path: string) => string | Uint8Array | null | undefined;
}

/**
 * `studyPaths(config).projectOwnerOf`, remembered per (pusher, path) for one pass over a push:
 * 2,048 commits may touch the same few hundred files (the eleventh attack review).
 */
export function projectOwners(config: StudyConfig): (path: string, pusher: string | null) => string | null {
  const owners = new Map<string, string | null>();
  return (path, pusher) => {
    const key = `${pusher ?? ''}\0${path}`;
    if (!owners.has(key)) owners.set(key, studyPaths(config).projectOwnerOf(path, pusher));
    return owners.get(key)!;
  };
}

/** The week work of a list of commits. A commit outside every project folder gives none. */
export function attributeCommits(
  commits: readonly ProjectCommit[],
  config: StudyConfig,
  schedule: Schedule,
  options: AttributeOptions = {},
): WorkContribution[] {
  const out: WorkContribution[] = [];
  // Asked once per (pusher, path) and per path: the same few hundred files recur in many commits.
  const ownerOf = projectOwners(config);
  const ebpfPaths = new Map<string, boolean>();
  const isEbpf = (path: string) => {
    if (!ebpfPaths.has(path)) ebpfPaths.set(path, isEbpfSource(path, options));
    return ebpfPaths.get(path)!;
  };
  for (const commit of commits) {
    const byOwner = new Map<string, { path: string; lines: number | null }[]>();
    const vouched = new Map<string, boolean>();
    for (const file of commit.files) {
      const owner = ownerOf(file.path, commit.pusher);
      if (!owner) continue;
      if (!vouched.has(owner)) vouched.set(owner, vouchedFor(commit, owner, config));
      if (!vouched.get(owner)) continue;
      const list = byOwner.get(owner) ?? byOwner.set(owner, []).get(owner)!;
      list.push(file);
    }
    if (byOwner.size === 0) continue;
    const choice = weekOfCommit(commit.message, commit.at, schedule);
    if (!choice) continue;
    for (const [owner, files] of byOwner) {
      const known = files.every((f) => f.lines !== null);
      const lines = known ? files.reduce((sum, f) => sum + (f.lines ?? 0), 0) : null;
      const paths = files.map((f) => f.path.normalize('NFC'));
      out.push({
        week: choice.week,
        owner,
        by: choice.by,
        at: commit.at,
        commit: { key: commit.key, lines, files: paths.slice(0, MAX_FILES_PER_COMMIT) },
        ebpf: paths.filter(isEbpf).slice(0, MAX_FILES_PER_COMMIT),
      });
    }
  }
  return out;
}

/**
 * Whether a commit in `owner`'s folder is `owner`'s work: they pushed it. Anyone can push into
 * anyone's folder; credited to the folder's owner, one member's commits named a week made the
 * signed ledger say another member did that week's work, and 60 of them filled the week's cap so
 * the owner's own commit was not counted (the sixth attack review's High). The pusher is the one
 * name GitHub vouches for: a commit's author and committer are what the commit claims (an e-mail
 * anyone may write, a noreply address GitHub then links to that account: the seventh review).
 * Offline (`study-bot report` from git history) there is no pusher, and the folder decides.
 */
function vouchedFor(commit: ProjectCommit, owner: string, config: StudyConfig): boolean {
  if (commit.pusher === null) return true;
  return memberByLogin(commit.pusher, config)?.name.normalize('NFC') === owner.normalize('NFC');
}

function isEbpfSource(path: string, options: AttributeOptions): boolean {
  if (ebpfKindFromPath(path)) return true;
  if (!/\.(c|py)$/i.test(path) || !options.contentOf) return false;
  const content = options.contentOf(path);
  if (content === null || content === undefined) return false;
  return isEbpfKind(classifySource({ path, content }).kind);
}
