import { execa } from 'execa';
import type { StudyConfig } from '../config/schema.js';
import type { LedgerChange } from './ledger.js';
import { renamesIn, studyFileOf } from './study-files.js';

/**
 * Submissions from a checkout's git history, for `study-bot report` offline: the first
 * commit that added each file (following renames inside one week folder), and the files at
 * HEAD. Offline only commit dates exist, which the committer's machine sets; the bot uses
 * the time GitHub received the push instead.
 */
export interface HistoryEntry {
  sha: string;
  /** committer date, ms */
  at: number;
  changes: ({ status: 'A'; path: string } | { status: 'R'; from: string; to: string })[];
}

/** Parses `git log -z --name-status --format=%x1e%H%x1f%cI` output. */
export function parseGitLog(output: string): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (const record of output.split('\x1e')) {
    if (!record.trim()) continue;
    const headerEnd = record.indexOf('\0');
    const header = headerEnd === -1 ? record : record.slice(0, headerEnd);
    const [sha, date] = header.trim().split('\x1f');
    const tokens = headerEnd === -1 ? [] : record.slice(headerEnd + 1).replace(/^\n/, '').split('\0');
    const changes: HistoryEntry['changes'] = [];
    for (let i = 0; i < tokens.length; i++) {
      const status = tokens[i].trim();
      if (!status) continue;
      if (status.startsWith('R') || status.startsWith('C')) {
        const [from, to] = [tokens[i + 1], tokens[i + 2]];
        i += 2;
        if (from && to) changes.push(status.startsWith('R') ? { status: 'R', from, to } : { status: 'A', path: to });
      } else {
        const path = tokens[++i];
        if (path && status === 'A') changes.push({ status: 'A', path });
      }
    }
    const at = Date.parse(date ?? '');
    if (sha && Number.isFinite(at)) entries.push({ sha, at, changes });
  }
  return entries;
}

/** Ledger changes that replay the history, oldest first, then the tree at HEAD. */
export function historyChanges(history: readonly HistoryEntry[], headPaths: readonly string[], headAt: number, config: StudyConfig): LedgerChange[] {
  const changes: LedgerChange[] = history.map((entry) => {
    const added = entry.changes.map((c) => (c.status === 'A' ? c.path : c.to));
    const removed = entry.changes.flatMap((c) => (c.status === 'R' ? [c.from] : []));
    // A rename is one change here: pair it directly rather than guessing across the commit.
    const renames = entry.changes.flatMap((c) => (c.status === 'R' ? renamesIn([{ removed: [c.from], added: [c.to] }], config) : []));
    return {
      kind: 'tree',
      files: added.map((p) => studyFileOf(p, config)).filter((f) => f !== null),
      renames,
      seenAt: entry.at,
      complete: false,
      removed,
    };
  });
  changes.push({ kind: 'tree', files: headPaths.map((p) => studyFileOf(p, config)).filter((f) => f !== null), renames: [], seenAt: headAt, complete: true });
  return changes;
}

export async function readGitHistory(repoDir: string): Promise<{ history: HistoryEntry[]; headPaths: string[]; headAt: number }> {
  const git = (args: string[]) => execa('git', ['-c', 'core.quotePath=false', ...args], { cwd: repoDir, stripFinalNewline: false });
  const log = await git(['log', '--reverse', '--diff-filter=AR', '-M', '--name-status', '-z', '--format=%x1e%H%x1f%cI', 'HEAD']);
  const tree = await git(['ls-tree', '-r', '-z', '--name-only', 'HEAD']);
  const head = await git(['log', '-1', '--format=%cI', 'HEAD']);
  return {
    history: parseGitLog(log.stdout),
    headPaths: tree.stdout.split('\0').filter(Boolean),
    headAt: Date.parse(head.stdout.trim()),
  };
}

/**
 * The bytes of files at HEAD, in one `git cat-file --batch` (one process, not one per file).
 * A path that is not a blob at HEAD is left out. The offline report checks these, so its
 * verdicts are those of the commit it reports on, not of uncommitted edits.
 */
export async function readHeadFiles(repoDir: string, paths: readonly string[]): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const wanted = paths.filter((p) => !/[\n\r]/.test(p));
  if (wanted.length === 0) return files;
  const { stdout } = await execa('git', ['cat-file', '--batch'], {
    cwd: repoDir,
    input: wanted.map((p) => `HEAD:${p}`).join('\n') + '\n',
    encoding: 'buffer',
    stripFinalNewline: false,
  });
  const out = Buffer.from(stdout);
  let at = 0;
  for (const path of wanted) {
    const eol = out.indexOf(0x0a, at);
    if (eol === -1) break;
    const header = out.subarray(at, eol).toString('utf8');
    at = eol + 1;
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!m) continue; // `HEAD:path missing`
    const size = Number(m[2]);
    if (m[1] === 'blob') files.set(path, new Uint8Array(out.subarray(at, at + size)));
    at += size + 1;
  }
  return files;
}
