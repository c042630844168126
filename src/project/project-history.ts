import { execa } from 'execa';
import { readHeadFiles } from '../attendance/git-history.js';
import type { LedgerChange } from '../attendance/ledger.js';
import type { Schedule } from '../attendance/schedule.js';
import type { StudyConfig } from '../config/schema.js';
import { studyPaths } from '../paths/study-paths.js';
import { attributeCommits, commitKey, type ProjectCommit } from './project-work.js';

/**
 * Project commits from a checkout's history, for `study-bot report` offline. Offline only
 * commit dates exist (the committer's machine sets them); the bot dates work by the time
 * GitHub received the push instead.
 */

/** Parses `git log -z --numstat --format=%x1e%H%x1f%aI%x1f%cI%x1f%s` output. */
export function parseProjectLog(output: string): ProjectCommit[] {
  const commits: ProjectCommit[] = [];
  for (const record of output.split('\x1e')) {
    if (!record.trim()) continue;
    const headerEnd = record.indexOf('\0');
    const header = headerEnd === -1 ? record : record.slice(0, headerEnd);
    const [sha, authorDate, committerDate, subject = ''] = header.split('\x1f');
    const at = Date.parse(committerDate ?? '');
    if (!sha || !authorDate || !Number.isFinite(at)) continue;
    const tokens = headerEnd === -1 ? [] : record.slice(headerEnd + 1).replace(/^\n/, '').split('\0');
    const files: ProjectCommit['files'] = [];
    for (let i = 0; i < tokens.length; i++) {
      const fields = tokens[i].split('\t');
      if (fields.length < 3) continue;
      const [added, removed, path] = fields;
      // A rename: `N\tM\t` then the old and the new path as tokens of their own.
      const target = path === '' ? tokens[(i += 2)] : path;
      if (!target) continue;
      // `-` for a binary file: git counts no lines.
      const lines = added === '-' || removed === '-' ? 0 : Number(added) + Number(removed);
      files.push({ path: target, lines: Number.isFinite(lines) ? lines : null });
    }
    commits.push({ key: commitKey(authorDate, subject), message: subject, at, pusher: null, files });
  }
  return commits;
}

/** Every non-merge commit of HEAD's history with the files it touched under `roots`, oldest first. */
export async function readProjectCommits(repoDir: string, roots: readonly string[]): Promise<ProjectCommit[]> {
  const { stdout } = await execa(
    'git',
    ['-c', 'core.quotePath=false', 'log', '--reverse', '--no-merges', '-z', '--numstat', '-M', '--format=%x1e%H%x1f%aI%x1f%cI%x1f%s', 'HEAD', '--', ...roots],
    { cwd: repoDir, stripFinalNewline: false, maxBuffer: 256 << 20 },
  );
  return parseProjectLog(stdout);
}

/** The folders project work can be in: the config's project root, and its plural or singular twin. */
export function projectRoots(projectTemplateRoot: string): string[] {
  if (!projectTemplateRoot) return [];
  const twin = projectTemplateRoot.endsWith('s') ? projectTemplateRoot.slice(0, -1) : `${projectTemplateRoot}s`;
  return [projectTemplateRoot, twin].filter(Boolean);
}

/** Sources read to tell eBPF C/Python from other code, at most, per report. */
export const MAX_CLASSIFIED_FILES = 300;

/**
 * The ledger changes of the project work in a checkout's history: each commit's share per
 * member and week. C and Python files still at HEAD are read (in one `git cat-file`) to tell
 * eBPF from user-space code; other kinds are known from their names.
 */
export async function offlineProjectWork(repoDir: string, config: StudyConfig, schedule: Schedule): Promise<LedgerChange[]> {
  const roots = projectRoots(studyPaths(config).projectRoot);
  if (roots.length === 0) return [];
  const commits = await readProjectCommits(repoDir, roots);
  const candidates = [...new Set(commits.flatMap((c) => c.files.map((f) => f.path)).filter((p) => /\.(c|py)$/i.test(p)))].slice(0, MAX_CLASSIFIED_FILES);
  const contents = await readHeadFiles(repoDir, candidates);
  const work = attributeCommits(commits, config, schedule, { contentOf: (path) => contents.get(path) ?? null });
  return work.map((w) => ({ kind: 'work', work: w }));
}
