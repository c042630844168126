import { turnKeeper } from '../worker/turns.js';
import { GitHubError, type Octokit, type RepoRef } from './octokit.js';

/**
 * The git data a push check reads at a commit: the recursive tree (paths, blob shas and
 * sizes: one request for the whole repository), single blobs by sha, and the compare API.
 */

export interface TreeEntry {
  path: string;
  /** blob, tree (a folder) or commit (a submodule) */
  type: 'blob' | 'tree' | 'commit';
  mode: string;
  sha: string;
  /** bytes; blobs only */
  size: number | null;
}

export interface GitTree {
  sha: string;
  entries: Map<string, TreeEntry>;
  /**
   * GitHub cut the recursive listing: it stops at 100,000 entries or 7 MB ("If `truncated`
   * is `true` … use the non-recursive method of fetching trees, and fetch one sub-tree at a
   * time": GET /repos/{owner}/{repo}/git/trees/{tree_sha} in GitHub's OpenAPI description).
   * `entries` then holds only part of the repository, except under `covered`.
   */
  truncated: boolean;
  /**
   * For a cut listing, the folders listed in full since (see `completeTree`); `''` stands for
   * the files at the top of the repository.
   */
  covered?: readonly string[];
  /**
   * Top-level folders a completion could not list in full: a budget of the walk
   * (WALK_REQUEST_BUDGET requests, WALK_ENTRY_BUDGET entries) ran out in them, so `entries`
   * holds only part of them. Callers say so.
   */
  cut?: readonly string[];
}

/** Whether `tree` knows for certain whether `path` exists (a whole listing, or a folder listed in full). */
export function coversPath(tree: GitTree, path: string): boolean {
  if (!tree.truncated) return true;
  const covered = tree.covered ?? [];
  const slash = path.indexOf('/');
  if (slash < 0) return covered.includes('');
  return covered.some((folder) => folder !== '' && path.startsWith(`${folder}/`));
}

const statusOf = (error: unknown): number | undefined => (error as { status?: number }).status;

/** 404 (and 422 for a sha GitHub cannot resolve) mean "that commit is gone", not an outage. */
export const isMissingCommit = (error: unknown): boolean => statusOf(error) === 404 || statusOf(error) === 422;

type TreeItem = { path?: string; type?: string; mode?: string; sha?: string; size?: number | null };

function addItems(entries: Map<string, TreeEntry>, items: readonly TreeItem[], prefix: string): void {
  for (const item of items) {
    if (!item.path || !item.sha) continue;
    const type = item.type === 'tree' || item.type === 'commit' ? item.type : 'blob';
    const path = prefix ? `${prefix}/${item.path}` : item.path;
    entries.set(path, { path, type, mode: item.mode ?? '100644', sha: item.sha, size: item.size ?? null });
  }
}

/** The whole tree at `sha` in one request (`recursive=1`); see `completeTree` when it comes back cut. */
export async function readTree(octokit: Octokit, ref: RepoRef, sha: string): Promise<GitTree> {
  const { data } = await octokit.rest.git.getTree({ ...ref, tree_sha: sha, recursive: '1' });
  const entries = new Map<string, TreeEntry>();
  addItems(entries, data.tree, '');
  return { sha: data.sha, entries, truncated: data.truncated };
}

/** Requests one completion may spend walking folders level by level (a folder itself too big for one listing). */
export const WALK_REQUEST_BUDGET = 200;

/**
 * Entries one completion may add: GitHub's own bound on one recursive listing (100,000 entries,
 * 7 MB). Git lets many folders name one tree, so 200 requests could list 190 copies of one
 * tree of 5,000 files (950,000 paths, a GB of heap; at 30,000 files the process died: attack
 * review 20). Callers already hold a whole listing of this size (an uncut `readTree`), so a
 * completion never holds more than twice that; a study's or a project's folder is far below it.
 */
export const WALK_ENTRY_BUDGET = 100_000;

/** How a listing's entries go into the walk's map: a slice at a time, letting go of the event loop between slices. */
const pause = turnKeeper();

/**
 * A cut listing made whole where it matters: the top level is listed (one request), then
 * every top-level folder `wanted` accepts is read recursively (one request each; a study or
 * project folder is far below GitHub's limit), or, should that be cut too, level by level.
 * One walk spends at most WALK_REQUEST_BUDGET requests and adds at most WALK_ENTRY_BUDGET
 * entries, and lists each tree sha once (a sub-tree many folders share is read once; its
 * entries count against the budget under every folder naming it). The folders read in full are
 * added to `covered`; those a budget stopped are named in `cut`. A whole listing comes back as
 * it is, at no cost.
 */
export async function completeTree(
  octokit: Octokit,
  ref: RepoRef,
  tree: GitTree,
  wanted: (topLevelFolder: string) => boolean,
): Promise<GitTree> {
  if (!tree.truncated) return tree;
  const entries = new Map(tree.entries);
  const covered = new Set(tree.covered ?? []);
  const cut = new Set(tree.cut ?? []);
  let requests = WALK_REQUEST_BUDGET;
  let room = WALK_ENTRY_BUDGET;
  // Listings by tree sha, for this walk only: a shared tree is asked for once.
  const levels = new Map<string, TreeListing>();
  const recursives = new Map<string, TreeListing>();
  const listed = async (cache: Map<string, TreeListing>, sha: string, recursive: boolean): Promise<TreeListing | null> => {
    const known = cache.get(sha);
    if (known) return known;
    if (requests <= 0) return null;
    requests--;
    const { data } = await octokit.rest.git.getTree({ ...ref, tree_sha: sha, ...(recursive ? { recursive: '1' } : {}) });
    const listing = { tree: data.tree, truncated: data.truncated };
    cache.set(sha, listing);
    return listing;
  };
  /** Adds the items under `prefix` while the entry budget lasts; false when it ran out first. */
  const add = async (items: readonly TreeItem[], prefix: string): Promise<boolean> => {
    for (let i = 0; i < items.length; i += ADD_SLICE) {
      if (room <= 0) return false;
      const slice = items.slice(i, i + Math.min(ADD_SLICE, room));
      addItems(entries, slice, prefix);
      room -= slice.length;
      await pause();
    }
    return true;
  };
  // The top level once per listing: a second completion reuses it.
  let top: TreeItem[] = [];
  for (const e of entries.values()) if (!e.path.includes('/')) top.push(e);
  if (!covered.has('')) {
    const root = await listed(levels, tree.sha, false);
    if (root) {
      top = root.tree;
      if ((await add(root.tree, '')) && !root.truncated) covered.add('');
    }
  }
  for (const item of top) {
    if (item.type !== 'tree' || !item.path || !item.sha || covered.has(item.path) || !wanted(item.path)) continue;
    // A member can make many folders that look like week folders: the budgets bound the walk.
    const whole = await listed(recursives, item.sha, true);
    // A cut recursive listing is not kept: the walk lists the same entries level by level.
    const complete = whole !== null && (whole.truncated ? await walk(item.path, item.sha) : await add(whole.tree, item.path));
    if (complete) {
      covered.add(item.path);
      cut.delete(item.path);
    } else cut.add(item.path);
  }
  return { sha: tree.sha, entries, truncated: true, covered: [...covered], ...(cut.size > 0 ? { cut: [...cut] } : {}) };

  /** Level by level below `folder`; false when a budget ran out before the end. */
  async function walk(folder: string, sha: string): Promise<boolean> {
    const queue: { path: string; sha: string }[] = [{ path: folder, sha }];
    for (let head = 0; head < queue.length; head++) {
      if (room <= 0) return false;
      const next = queue[head]!;
      const listing = await listed(levels, next.sha, false);
      if (!listing || listing.truncated) return false;
      if (!(await add(listing.tree, next.path))) return false;
      for (const item of listing.tree) {
        if (item.type === 'tree' && item.path && item.sha) queue.push({ path: `${next.path}/${item.path}`, sha: item.sha });
      }
    }
    return true;
  }
}

type TreeListing = { tree: TreeItem[]; truncated: boolean };
/** Entries added between two looks at the clock (a few ms of work). */
const ADD_SLICE = 2_000;

/**
 * One folder's own entries (not recursive) at commit `sha`, found by its exact path one level
 * at a time: each level is `GET /git/trees/{tree_sha}` without `recursive` (GitHub's advice for
 * a cut listing: "fetch one sub-tree at a time"), and only the entry of the next segment's
 * exact name is followed. So `study/week1` costs three requests whatever else the repository
 * holds: a member's folders beside it (hong-gildong's `study/a000` … sorting before `week1`,
 * the nineteenth attack review) are never read and cannot spend a budget. null: there is no
 * such folder. `truncated`: GitHub cut a listing on the way (the folder may lie past the cut)
 * or the folder's own, so `entries` is not all of it.
 */
export async function readFolderAt(octokit: Octokit, ref: RepoRef, sha: string, folder: string): Promise<{ entries: TreeEntry[]; truncated: boolean } | null> {
  const segments = folder.split('/').filter((s) => s !== '');
  let treeSha = sha;
  for (const segment of segments) {
    const { data } = await octokit.rest.git.getTree({ ...ref, tree_sha: treeSha });
    // Names compared as GitHub stores them (bytes): the caller asks for each spelling it means.
    const next = data.tree.find((item) => item.path === segment);
    if (!next || next.type !== 'tree' || !next.sha) return !next && data.truncated ? { entries: [], truncated: true } : null;
    treeSha = next.sha;
  }
  const { data } = await octokit.rest.git.getTree({ ...ref, tree_sha: treeSha });
  const entries = new Map<string, TreeEntry>();
  addItems(entries, data.tree, segments.join('/'));
  return { entries: [...entries.values()], truncated: data.truncated };
}

/** A blob's raw bytes. The blob API serves files up to 100 MB (the contents API stops at 1 MB). */
export async function readBlob(octokit: Octokit, ref: RepoRef, sha: string): Promise<Uint8Array> {
  const { data } = await octokit.rest.git.getBlob({ ...ref, file_sha: sha });
  if (data.encoding === 'base64') return new Uint8Array(Buffer.from(data.content, 'base64'));
  if (data.encoding === 'utf-8' || data.encoding === 'utf8') return new TextEncoder().encode(data.content);
  throw new GitHubError(`blob ${sha} came back in an unknown encoding "${data.encoding}"`, ref);
}

export type ComparedStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';

export interface ComparedFile {
  path: string;
  status: ComparedStatus;
  previousPath?: string;
  /** blob sha at `head` (absent for removed files) */
  sha?: string;
  changes: number;
}

export interface Comparison {
  files: ComparedFile[];
  /** GitHub lists at most 300 files for a whole comparison; more than that and the list is cut */
  filesMayBeTruncated: boolean;
  totalCommits: number;
  status: string;
}

/** GitHub's cap on the files of one comparison, on the first page of a paginated compare. */
export const COMPARE_FILES_LIMIT = 300;

/**
 * `base...head`. Passing `per_page` switches GitHub to paginated mode, where the first page
 * carries the changed files of the *whole* comparison (up to 300); later pages carry only
 * more commits, which the push check does not need, so it reads exactly one page.
 */
export async function compareCommits(octokit: Octokit, ref: RepoRef, base: string, head: string): Promise<Comparison> {
  const { data } = await octokit.rest.repos.compareCommitsWithBasehead({ ...ref, basehead: `${base}...${head}`, per_page: 100, page: 1 });
  const files: ComparedFile[] = (data.files ?? []).map((f) => ({
    path: f.filename,
    status: f.status,
    ...(f.previous_filename ? { previousPath: f.previous_filename } : {}),
    ...(f.status !== 'removed' && f.sha ? { sha: f.sha } : {}),
    changes: f.changes,
  }));
  return {
    files,
    filesMayBeTruncated: files.length >= COMPARE_FILES_LIMIT,
    totalCommits: data.total_commits,
    status: data.status,
  };
}
