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
 * A cut listing made whole where it matters: the top level is listed (one request), then
 * every top-level folder `wanted` accepts is read recursively (one request each; a study or
 * project folder is far below GitHub's limit), or, should that be cut too, level by level
 * within WALK_REQUEST_BUDGET. The folders read in full are added to `covered`. A whole
 * listing comes back as it is, at no cost.
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
  let budget = WALK_REQUEST_BUDGET;
  const level = async (sha: string): Promise<{ tree: TreeItem[]; truncated: boolean }> => {
    budget--;
    const { data } = await octokit.rest.git.getTree({ ...ref, tree_sha: sha });
    return data;
  };
  // The top level once per listing: a second completion reuses it.
  let top: TreeItem[] = [...entries.values()].filter((e) => !e.path.includes('/'));
  if (!covered.has('')) {
    const root = await level(tree.sha);
    addItems(entries, root.tree, '');
    if (!root.truncated) covered.add('');
    top = root.tree;
  }
  for (const item of top) {
    if (item.type !== 'tree' || !item.path || !item.sha || covered.has(item.path) || !wanted(item.path)) continue;
    // A member can make many folders that look like week folders: the budget bounds the requests.
    if (budget <= 0) break;
    budget--;
    const { data } = await octokit.rest.git.getTree({ ...ref, tree_sha: item.sha, recursive: '1' });
    addItems(entries, data.tree, item.path);
    if (!data.truncated || (await walk(item.path, item.sha))) covered.add(item.path);
  }
  return { sha: tree.sha, entries, truncated: true, covered: [...covered] };

  /** Level by level below `folder`; false when the budget ran out before the end. */
  async function walk(folder: string, sha: string): Promise<boolean> {
    const queue: { path: string; sha: string }[] = [{ path: folder, sha }];
    while (queue.length > 0) {
      if (budget <= 0) return false;
      const next = queue.shift()!;
      const listing = await level(next.sha);
      if (listing.truncated) return false;
      addItems(entries, listing.tree, next.path);
      for (const item of listing.tree) {
        if (item.type === 'tree' && item.path && item.sha) queue.push({ path: `${next.path}/${item.path}`, sha: item.sha });
      }
    }
    return true;
  }
}

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
