import { ourAppId, type Octokit, type RepoRef } from './octokit.js';
import { writtenByUs, type Authored } from './our-app.js';
import { createOnce, SEND_ONCE, type CreateOnceOptions } from './write-once.js';

/**
 * One bot comment kept up to date in place: found by a hidden HTML marker, paginating
 * through every comment of the issue, so it is never posted twice.
 */
export const markerFor = (name: string): string => `<!-- study-bot:${name} -->`;

export interface MarkedComment {
  id: number;
  body: string;
}

/**
 * The first comment of this app carrying `marker`; with `prefer`, the first one it accepts
 * (e.g. whose hidden data verifies), falling back to the first marked one. Only this app's:
 * every body the bot ever wrote can be read (the comment, its edit history), and a member's
 * workflow posting an old signed report as github-actions[bot] must not become the record
 * (the nineteenth attack review).
 */
export async function findMarkedComment(
  octokit: Octokit,
  ref: RepoRef & { issue_number: number },
  marker: string,
  prefer?: (body: string) => boolean,
): Promise<MarkedComment | null> {
  let first: MarkedComment | null = null;
  const appId = await ourAppId(octokit);
  const params = { owner: ref.owner, repo: ref.repo, issue_number: ref.issue_number, per_page: 100 };
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, params)) {
    for (const c of page.data) {
      if (!c.body?.includes(marker) || !(await writtenByUs(octokit, c, appId))) continue;
      const found = { id: c.id, body: c.body };
      if (!prefer || prefer(c.body)) return found;
      first ??= found;
    }
  }
  return first;
}

/**
 * Posts `body` (which carries `marker`) on the issue at most once: sent without Octokit's
 * retries, and after a 5xx or a lost answer the issue is searched for the marked comment
 * (this very body first) before posting again.
 */
export async function createMarkedComment(
  octokit: Octokit,
  ref: RepoRef & { issue_number: number },
  marker: string,
  body: string,
  options?: CreateOnceOptions,
): Promise<{ id: number; htmlUrl: string | null }> {
  return createOnce<{ id: number; htmlUrl: string | null }>(
    async () => {
      const { data } = await octokit.rest.issues.createComment({ owner: ref.owner, repo: ref.repo, issue_number: ref.issue_number, body, ...SEND_ONCE });
      return { id: data.id, htmlUrl: data.html_url ?? null };
    },
    async () => {
      const found = await findMarkedComment(octokit, ref, marker, (b) => b === body);
      return found ? { id: found.id, htmlUrl: null } : null;
    },
    options,
  );
}

/** Where a reply goes: an issue (or pull request) thread, or a commit's comments. */
export type CommentThread = { kind: 'issue'; issueNumber: number } | { kind: 'commit'; sha: string };

/**
 * A reply posted at most once. A reply has no marker of its own, so after an unknown outcome
 * the thread is searched for a bot comment with exactly this body made since the first attempt
 * (GitHub's clock may differ from ours: a minute of slack).
 */
export async function postCommentOnce(
  octokit: Octokit,
  ref: RepoRef,
  thread: CommentThread,
  body: string,
  options?: CreateOnceOptions,
): Promise<number> {
  const since = new Date(Date.now() - 60_000).toISOString();
  return createOnce<number>(
    async () => {
      if (thread.kind === 'issue') {
        const { data } = await octokit.rest.issues.createComment({ ...ref, issue_number: thread.issueNumber, body, ...SEND_ONCE });
        return data.id;
      }
      const { data } = await octokit.rest.repos.createCommitComment({ ...ref, commit_sha: thread.sha, body, ...SEND_ONCE });
      return data.id;
    },
    async () => {
      // Ours only: a workflow posting the same text must not stand for a reply never sent.
      const appId = await ourAppId(octokit);
      const findSame = async (comments: readonly (Authored & { id: number; body?: string | null })[]) => {
        for (const c of comments) if (c.body === body && (await writtenByUs(octokit, c, appId))) return c.id;
        return null;
      };
      if (thread.kind === 'issue') {
        const params = { ...ref, issue_number: thread.issueNumber, since, per_page: 100 };
        for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, params)) {
          const found = await findSame(page.data);
          if (found !== null) return found;
        }
        return null;
      }
      for await (const page of octokit.paginate.iterator(octokit.rest.repos.listCommentsForCommit, { ...ref, commit_sha: thread.sha, per_page: 100 })) {
        const found = await findSame(page.data);
        if (found !== null) return found;
      }
      return null;
    },
    options,
  );
}
