import type { ConfigProblem } from '../config/load-config.js';
import { CONFIG_PATH, defaultConfig, type StudyConfig } from '../config/schema.js';
import { GitHubError, type Octokit, type RepoRef } from './octokit.js';
import { readConfig } from './read-config.js';

/** How many earlier versions of `.github/study.yml` the fallback looks at (one request each). */
export const CONFIG_HISTORY_DEPTH = 5;

export type LastValidConfig =
  | { source: 'head'; config: StudyConfig }
  /** the file on the default branch is broken; `sha` is the commit whose version is used */
  | { source: 'history'; config: StudyConfig; sha: string; problems: ConfigProblem[] }
  /** broken, and no valid version in the last few changes of the file */
  | { source: 'defaults'; config: StudyConfig; problems: ConfigProblem[] };

/**
 * The study config for attendance: the file on the default branch, or, while a push has
 * left it broken, the newest earlier version of it that is valid. Every member can push, so
 * a typo in the config must not stop check-ins or blank the roster of the report: the study
 * runs on its last valid config until the file is fixed (the push check shows the problems
 * on the push). Costs one request when the file is valid; when it is broken, one more for
 * the file's history and one per earlier version read (at most CONFIG_HISTORY_DEPTH).
 */
export async function readLastValidConfig(octokit: Octokit, ref: RepoRef): Promise<LastValidConfig> {
  const head = await readConfig(octokit, ref);
  if (head.ok) return { source: 'head', config: head.config };
  let commits: { sha: string }[];
  try {
    // Newest first; the first commit is the one whose version is on the default branch now.
    ({ data: commits } = await octokit.rest.repos.listCommits({ ...ref, path: CONFIG_PATH, per_page: CONFIG_HISTORY_DEPTH + 1 }));
  } catch (error) {
    throw new GitHubError(`could not read the history of ${CONFIG_PATH}`, ref, { cause: error });
  }
  for (const commit of commits.slice(1)) {
    const older = await readConfig(octokit, ref, commit.sha);
    if (older.ok) return { source: 'history', config: older.config, sha: commit.sha, problems: head.problems };
  }
  return { source: 'defaults', config: defaultConfig(), problems: head.problems };
}
