import {
  completeCheckRun,
  findCheckRuns,
  publishCheckRun,
  type CheckConclusion,
  type CheckOutput,
  type CheckRunDraft,
  type ExistingCheckRun,
} from './check-runs.js';
import type { Octokit, RepoRef } from './octokit.js';
import { repoRole, type RepoRole } from './permissions.js';
import { GitObjectCache } from './git-cache.js';
import { compareCommits, completeTree, readBlob, readTree, type Comparison, type GitTree } from './push-git.js';
import { readTextFile } from './read-config.js';

/**
 * Everything the push check asks of GitHub, as a small interface: the handler is written
 * against this, production passes `pushGitHub(octokit, repo)`, and a benchmark or unit test
 * can pass a fake that records calls.
 */
export interface PushGitHub {
  readonly repo: RepoRef;
  /** the recursive listing at a commit (maybe cut: see completeTree) */
  tree(sha: string): Promise<GitTree>;
  /** a cut listing completed under the top-level folders `wanted` accepts (a whole one as it is) */
  completeTree(tree: GitTree, wanted: (topLevelFolder: string) => boolean): Promise<GitTree>;
  /** a blob's bytes; `size` (from the tree) lets small ones be shared through the cache */
  blob(sha: string, size?: number | null): Promise<Uint8Array>;
  compare(base: string, head: string): Promise<Comparison>;
  /** a file's text at a revision (the config at `before`), null when absent */
  textAt(path: string, ref: string): Promise<string | null>;
  role(login: string): Promise<RepoRole>;
  findRuns(sha: string, names: readonly string[]): Promise<ExistingCheckRun[]>;
  publish(draft: CheckRunDraft): Promise<number>;
  complete(checkRunId: number, conclusion: CheckConclusion, output: CheckOutput): Promise<void>;
}

/**
 * `cache` is shared with the attendance report (the app's one GitObjectCache), so a push's
 * tree and blobs are read once for both; without one, nothing is shared.
 */
export function pushGitHub(octokit: Octokit, repo: RepoRef, cache: GitObjectCache = new GitObjectCache()): PushGitHub {
  return {
    repo,
    tree: (sha) => cache.tree(repo, sha, () => readTree(octokit, repo, sha)),
    completeTree: (tree, wanted) => completeTree(octokit, repo, tree, wanted),
    blob: (sha, size = null) => cache.blob(repo, sha, size, () => readBlob(octokit, repo, sha)),
    compare: (base, head) => compareCommits(octokit, repo, base, head),
    textAt: (path, ref) => readTextFile(octokit, repo, path, ref),
    role: (login) => repoRole(octokit, repo, login),
    findRuns: (sha, names) => findCheckRuns(octokit, repo, sha, names),
    publish: (draft) => publishCheckRun(octokit, repo, draft),
    complete: (id, conclusion, output) => completeCheckRun(octokit, repo, id, conclusion, output),
  };
}
