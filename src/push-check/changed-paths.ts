import type { ComparedFile, TreeEntry } from '../github/push-git.js';
import type { PayloadCommit } from './select-push.js';

/**
 * What a push changed between `before` and `after`, net: a file added and removed again in
 * the same push did not change; a file removed and re-added was modified.
 */
export type ChangeStatus = 'added' | 'modified' | 'removed';

export interface PathChange {
  path: string;
  status: ChangeStatus;
  /** for a removal that is an exact move (same content at another path): where it went */
  movedTo?: string;
}

/** From the payload's commits, oldest first (GitHub's order). */
export function changesFromCommits(commits: readonly PayloadCommit[]): PathChange[] {
  const state = new Map<string, { before: boolean; now: boolean }>();
  const touch = (path: string, existsNow: boolean, existedIfNew: boolean) => {
    const known = state.get(path);
    if (known) known.now = existsNow;
    else state.set(path, { before: existedIfNew, now: existsNow });
  };
  for (const commit of commits) {
    for (const path of commit.removed ?? []) touch(path, false, true);
    for (const path of commit.added ?? []) touch(path, true, false);
    for (const path of commit.modified ?? []) touch(path, true, true);
  }
  const changes: PathChange[] = [];
  for (const [path, { before, now }] of state) {
    if (before && now) changes.push({ path, status: 'modified' });
    else if (!before && now) changes.push({ path, status: 'added' });
    else if (before && !now) changes.push({ path, status: 'removed' });
  }
  return sortChanges(changes);
}

/** From the compare API's file list (renames split into a removal and an addition). */
export function changesFromCompare(files: readonly ComparedFile[]): PathChange[] {
  const changes: PathChange[] = [];
  for (const f of files) {
    switch (f.status) {
      case 'added':
      case 'copied':
        changes.push({ path: f.path, status: 'added' });
        break;
      case 'removed':
        changes.push({ path: f.path, status: 'removed' });
        break;
      case 'renamed':
        if (f.previousPath) {
          changes.push({ path: f.previousPath, status: 'removed', ...(f.changes === 0 ? { movedTo: f.path } : {}) });
        }
        changes.push({ path: f.path, status: 'added' });
        break;
      case 'modified':
      case 'changed':
        changes.push({ path: f.path, status: 'modified' });
        break;
      case 'unchanged':
        break;
    }
  }
  return sortChanges(changes);
}

// Files and submodules (a member's project may be a gitlink); folders are implied by their files.
const isContent = (e: TreeEntry) => e.type !== 'tree';

/** From the trees at `before` and `after`: exact whatever history the push rewrote. */
export function changesFromTrees(before: ReadonlyMap<string, TreeEntry>, after: ReadonlyMap<string, TreeEntry>): PathChange[] {
  const changes: PathChange[] = [];
  const addedBySha = new Map<string, string[]>();
  for (const [path, entry] of after) {
    if (!isContent(entry)) continue;
    const old = before.get(path);
    if (!old || !isContent(old)) {
      changes.push({ path, status: 'added' });
      addedBySha.set(entry.sha, [...(addedBySha.get(entry.sha) ?? []), path]);
    } else if (old.sha !== entry.sha) {
      changes.push({ path, status: 'modified' });
    }
  }
  for (const [path, entry] of before) {
    if (!isContent(entry)) continue;
    const now = after.get(path);
    if (now && isContent(now)) continue;
    const movedTo = addedBySha.get(entry.sha)?.[0];
    changes.push({ path, status: 'removed', ...(movedTo ? { movedTo } : {}) });
  }
  return sortChanges(changes);
}

/** A new branch: everything at `after` is new on it. */
export function changesFromFullTree(after: ReadonlyMap<string, TreeEntry>): PathChange[] {
  return sortChanges([...after.values()].filter(isContent).map((e) => ({ path: e.path, status: 'added' as const })));
}

const sortChanges = (changes: PathChange[]): PathChange[] => changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
