import { closeSync, lstatSync, openSync, readSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ProjectFiles } from './collect-sources.js';

/** A listing stops here: a project folder of thousands of files is still read in bounded time. */
const MAX_LISTED = 5_000;
const MAX_DEPTH = 12;
const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.venv', '__pycache__']);

/**
 * A folder on disk as ProjectFiles (the member's CLI): regular files only, symlinks never
 * followed (a link to /etc/shadow is not the member's file), each read up to a byte cap.
 * Paths are `/`-separated and relative to `base`.
 */
export function diskProjectFiles(base: string, folder: string): ProjectFiles {
  const listed: { path: string; size: number }[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > MAX_DEPTH || listed.length >= MAX_LISTED) return;
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (listed.length >= MAX_LISTED) return;
      const full = path.join(dir, name);
      const stat = lstatSync(full, { throwIfNoEntry: false });
      if (!stat) continue;
      if (stat.isDirectory() && !SKIPPED_DIRS.has(name)) walk(full, depth + 1);
      else if (stat.isFile()) listed.push({ path: path.relative(base, full).split(path.sep).join('/'), size: stat.size });
    }
  };
  walk(folder, 0);
  return {
    list: () => listed,
    read(rel, maxBytes) {
      const full = path.join(base, ...rel.split('/'));
      const stat = lstatSync(full, { throwIfNoEntry: false });
      if (!stat?.isFile()) return null;
      const fd = openSync(full, 'r');
      try {
        const buffer = Buffer.alloc(Math.min(maxBytes, stat.size));
        const n = readSync(fd, buffer, 0, buffer.length, 0);
        return buffer.subarray(0, n);
      } finally {
        closeSync(fd);
      }
    },
  };
}
