/**
 * Which pushes get a check, and where their changed paths come from. Pure: decided from the
 * payload alone, before any request.
 */

export const ZERO_SHA = '0000000000000000000000000000000000000000';

/**
 * The payload's commit list is trusted below this many commits. Older GitHub payloads cut
 * the list at 20, so a list of exactly 20 may be a cut one: that also goes to the API.
 */
export const PAYLOAD_COMMIT_LIMIT = 20;

/**
 * "A maximum of 3000 changed files will be reported per commit" (the `added`, `removed` and
 * `modified` of a push payload's commit, in GitHub's webhook description): a commit that
 * lists this many may list only part of what it changed, and a file past the cut would go
 * unchecked, a removal past it unseen by the record guard.
 */
export const PAYLOAD_FILES_PER_COMMIT_LIMIT = 3000;

/** Whether a commit's file lists may have been cut by GitHub (see PAYLOAD_FILES_PER_COMMIT_LIMIT). */
export const commitListMayBeCut = (c: PayloadCommit): boolean =>
  (c.added?.length ?? 0) + (c.removed?.length ?? 0) + (c.modified?.length ?? 0) >= PAYLOAD_FILES_PER_COMMIT_LIMIT;

export interface PayloadCommit {
  id: string;
  added?: string[];
  removed?: string[];
  modified?: string[];
}

export interface PushFacts {
  ref: string;
  defaultBranch: string;
  before: string;
  after: string;
  created: boolean;
  deleted: boolean;
  forced: boolean;
  commits: PayloadCommit[];
}

/** The facts of a `push` webhook payload that decide whether and how it is checked. */
export function pushFactsOf(payload: {
  ref: string;
  before: string;
  after: string;
  created: boolean;
  deleted: boolean;
  forced: boolean;
  commits: unknown[];
  repository: { default_branch?: string };
}): PushFacts {
  return {
    ref: payload.ref,
    defaultBranch: payload.repository.default_branch ?? 'main',
    before: payload.before,
    after: payload.after,
    created: payload.created,
    deleted: payload.deleted,
    forced: payload.forced,
    commits: payload.commits as PayloadCommit[],
  };
}

/**
 * - `payload`: the commits in the payload are the whole push (fewer than 20, a fast-forward).
 * - `compare`: a fast-forward of 20 commits or more: `before...after` from the compare API.
 * - `tree-diff`: a force push, or a commit whose file lists GitHub may have cut at 3,000 (the
 *   compare API lists only 300 files, so the trees are the one exact source then).
 *   For a force push, the compare API diffs from the merge base, so files that only
 *   existed in the overwritten history (exactly the records a force push can wipe out) would
 *   not show up; comparing the trees at `before` and `after` shows every path that differs.
 * - `full-tree`: the branch is new (the first push into the repository, since a default
 *   branch cannot be deleted): every file at `after` is new on it.
 */
export type ChangeSource = 'payload' | 'compare' | 'tree-diff' | 'full-tree';

export type SkipReason = 'tag' | 'branch-deleted' | 'other-branch';

export type PushPlan = { kind: 'skip'; reason: SkipReason } | { kind: 'check'; source: ChangeSource };

export function selectPush(push: PushFacts): PushPlan {
  if (!push.ref.startsWith('refs/heads/')) return { kind: 'skip', reason: 'tag' };
  if (push.deleted || push.after === ZERO_SHA) return { kind: 'skip', reason: 'branch-deleted' };
  if (push.ref !== `refs/heads/${push.defaultBranch}`) return { kind: 'skip', reason: 'other-branch' };
  if (push.created || push.before === ZERO_SHA) return { kind: 'check', source: 'full-tree' };
  if (push.forced) return { kind: 'check', source: 'tree-diff' };
  if (push.commits.length >= PAYLOAD_COMMIT_LIMIT) return { kind: 'check', source: 'compare' };
  if (push.commits.some(commitListMayBeCut)) return { kind: 'check', source: 'tree-diff' };
  return { kind: 'check', source: 'payload' };
}
