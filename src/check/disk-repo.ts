import { lstat, open, readdir, readFile, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { nfc } from '../paths/study-paths.js';
import { gitOutput } from './git-output.js';
import { MAX_MARKDOWN_BYTES } from './decode-text.js';
import type { RepoFile, RepoTree } from './types.js';

/**
 * A study repository checked out on disk, as the CLI sees it. Paths are repo-relative with
 * `/` separators, exactly as they are on disk (a macOS checkout may hold NFD names); the
 * tree answers `has()` for either normalization, because a link written in a note is NFC
 * while the file it points at may not be.
 */
export interface DiskRepo {
  root: string;
  /** every file, repo-relative, as on disk */
  paths: string[];
  tree: RepoTree;
  /** whether the listing came from git (tracked + untracked, minus .gitignore) */
  fromGit: boolean;
  read(path: string): Promise<RepoFile | null>;
}

const SKIP_DIRS = new Set(['.git', 'node_modules']);

export async function openDiskRepo(root: string): Promise<DiskRepo> {
  const listed = await listWithGit(root);
  const paths = listed ?? (await walk(root));
  paths.sort();
  return { root, paths, tree: treeOf(paths), fromGit: listed !== null, read: (path) => readRepoFile(root, path) };
}

/**
 * `git ls-files -co --exclude-standard`: tracked files and new ones, without what
 * .gitignore hides. Null when `root` is not in a git checkout or git is missing.
 */
async function listWithGit(root: string): Promise<string[] | null> {
  try {
    const stdout = await gitOutput(['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      timeoutMs: 30_000,
      env: { GIT_OPTIONAL_LOCKS: '0' },
    });
    const seen = new Set<string>();
    for (const p of stdout.split('\0')) if (p) seen.add(p); // a conflicted file is listed once per stage
    return [...seen];
  } catch {
    return null;
  }
}

async function walk(root: string, dir = ''): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(join(root, dir), { withFileTypes: true });
  } catch {
    return out;
  }
  // A folder with its own `.git` (a clone, a submodule, a worktree) is another repository:
  // its files are not this study's, and walking clones from a home or /tmp folder never ends.
  if (dir && entries.some((e) => e.name === '.git')) return out;
  for (const entry of entries) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...(await walk(root, rel)));
    } else if (entry.isFile()) {
      out.push(rel);
    }
    // symlinks are not followed: a link to a parent folder would never end
  }
  return out;
}

export function treeOf(paths: string[]): RepoTree {
  const known = new Set<string>();
  for (const p of paths) {
    const n = nfc(p);
    known.add(n);
    // folders too: `[my project](../../project/hgd/)` links to one
    for (let i = n.indexOf('/'); i !== -1; i = n.indexOf('/', i + 1)) known.add(n.slice(0, i));
  }
  return {
    has: (path) => known.has(nfc(path).replace(/(?<!\/)\/+$/, '')),
    paths: () => paths.values(),
  };
}

/**
 * One file's bytes, or null when it is not a regular file any more (deleted since git
 * listed it, or a submodule's folder). A file far over the markdown limit is read only up
 * to it: the checker reports it as too big without holding all of it.
 */
async function readRepoFile(root: string, path: string): Promise<RepoFile | null> {
  const full = join(root, ...path.split('/'));
  try {
    const info = await stat(full);
    if (!info.isFile()) return null;
    if (info.size > 16 * MAX_MARKDOWN_BYTES) {
      const handle = await open(full, 'r');
      try {
        const buffer = new Uint8Array(MAX_MARKDOWN_BYTES + 1);
        await handle.read(buffer, 0, buffer.length, 0);
        return { path, content: buffer };
      } finally {
        await handle.close();
      }
    }
    return { path, content: new Uint8Array(await readFile(full)) };
  } catch {
    return null;
  }
}

/** Whether `path` (relative to the repo) is a folder on disk, for the CLI's PATH arguments. */
export async function isDirectory(root: string, path: string): Promise<boolean> {
  try {
    return (await lstat(join(root, ...path.split(sep).join('/').split('/')))).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The first `max` bytes of a file and its whole size, for project files (a 10 MB vmlinux.h is
 * sized, never read: `max` 0). A folder is a submodule's checkout (git lists a gitlink as a path).
 */
export async function readHead(root: string, path: string, max: number): Promise<{ content: Uint8Array; size: number; folder: boolean } | null> {
  const full = join(root, ...path.split('/'));
  try {
    const info = await stat(full);
    if (info.isDirectory()) return { content: new Uint8Array(), size: 0, folder: true };
    if (!info.isFile()) return null;
    const length = Math.min(info.size, max);
    if (length === 0) return { content: new Uint8Array(), size: info.size, folder: false };
    const handle = await open(full, 'r');
    try {
      const buffer = new Uint8Array(length);
      const { bytesRead } = await handle.read(buffer, 0, length, 0);
      return { content: buffer.subarray(0, bytesRead), size: info.size, folder: false };
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}
