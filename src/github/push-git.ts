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
  /** GitHub stops at 100,000 entries / 7 MB; a study repository never gets there, but say so if it does */
  truncated: boolean;
}

const statusOf = (error: unknown): number | undefined => (error as { status?: number }).status;

/** 404 (and 422 for a sha GitHub cannot resolve) mean "that commit is gone", not an outage. */
export const isMissingCommit = (error: unknown): boolean => statusOf(error) === 404 || statusOf(error) === 422;

/** The whole tree at `sha` in one request (`recursive=1`). */
export async function readTree(octokit: Octokit, ref: RepoRef, sha: string): Promise<GitTree> {
  const { data } = await octokit.rest.git.getTree({ ...ref, tree_sha: sha, recursive: '1' });
  const entries = new Map<string, TreeEntry>();
  for (const item of data.tree) {
    if (!item.path || !item.sha) continue;
    const type = item.type === 'tree' || item.type === 'commit' ? item.type : 'blob';
    entries.set(item.path, { path: item.path, type, mode: item.mode ?? '100644', sha: item.sha, size: item.size ?? null });
  }
  return { sha: data.sha, entries, truncated: data.truncated };
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
