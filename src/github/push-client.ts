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
import { compareCommits, readBlob, readTree, type Comparison, type GitTree } from './push-git.js';
import { readTextFile } from './read-config.js';

/**
 * Everything the push check asks of GitHub, as a small interface: the handler is written
 * against this, production passes `pushGitHub(octokit, repo)`, and a benchmark or unit test
 * can pass a fake that records calls.
 */
export interface PushGitHub {
  readonly repo: RepoRef;
  tree(sha: string): Promise<GitTree>;
  blob(sha: string): Promise<Uint8Array>;
  compare(base: string, head: string): Promise<Comparison>;
  /** a file's text at a revision (the config at `before`), null when absent */
  textAt(path: string, ref: string): Promise<string | null>;
  role(login: string): Promise<RepoRole>;
  findRuns(sha: string, names: readonly string[]): Promise<ExistingCheckRun[]>;
  publish(draft: CheckRunDraft): Promise<number>;
  complete(checkRunId: number, conclusion: CheckConclusion, output: CheckOutput): Promise<void>;
}

export function pushGitHub(octokit: Octokit, repo: RepoRef): PushGitHub {
  return {
    repo,
    tree: (sha) => readTree(octokit, repo, sha),
    blob: (sha) => readBlob(octokit, repo, sha),
    compare: (base, head) => compareCommits(octokit, repo, base, head),
    textAt: (path, ref) => readTextFile(octokit, repo, path, ref),
    role: (login) => repoRole(octokit, repo, login),
    findRuns: (sha, names) => findCheckRuns(octokit, repo, sha, names),
    publish: (draft) => publishCheckRun(octokit, repo, draft),
    complete: (id, conclusion, output) => completeCheckRun(octokit, repo, id, conclusion, output),
  };
}
