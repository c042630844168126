import type { GitObjectCache } from './git-cache.js';
import { createMarkedComment } from './marker-comment.js';
import { ourAppId, type Octokit, type RepoRef } from './octokit.js';
import { pathKey } from '../paths/study-paths.js';
import { readBlob, readTree, type TreeEntry } from './push-git.js';
import { recentComments, type RecentComment } from './recent-comments.js';
import { oldestReportIssue } from './report-issue.js';

/**
 * The reminders' and digests' calls to GitHub, for one repository and one installation
 * token: the report issue and the bot's comments on it, the notes on the default branch (blobs
 * through the app's GitObjectCache, so an unchanged note is read once), recent comments (for
 * `/verify` records) and a Check Run's conclusion.
 */
export interface NudgeGitHub {
  readonly label: string;
  reportIssue(): Promise<number | null>;
  /**
   * every comment of the issue, paginated (the reminders' and digests' records are among them),
   * with the GitHub App that wrote it where GitHub names one (`performed_via_github_app`)
   */
  comments(issueNumber: number): Promise<NudgeComment[]>;
  /** this app's id (what GitHub names as the app of the comments it writes), null when the credentials do not say */
  appId(): Promise<number | null>;
  /** posted at most once, even when GitHub fails the request after storing the comment */
  createComment(issueNumber: number, marker: string, body: string): Promise<{ id: number; htmlUrl: string | null }>;
  updateComment(id: number, body: string): Promise<void>;
  /** the default branch's paths, and the bytes of those of `wanted` that exist */
  notes(branch: string, wanted: readonly string[]): Promise<{ paths: string[]; files: { path: string; content: Uint8Array }[] }>;
  recentComments(since: number): Promise<RecentComment[]>;
  /** the Check Run's conclusion, `pending` while it runs, null when it is gone */
  checkRunConclusion(id: number): Promise<string | null>;
}

export interface NudgeComment {
  id: number;
  body: string;
  /** `User` or `Bot` */
  userType: string;
  /** `performed_via_github_app.id`: null when GitHub names no app */
  appId: number | null;
  htmlUrl: string | null;
}

export function nudgeGitHub(octokit: Octokit, ref: RepoRef, cache: GitObjectCache): NudgeGitHub {
  return {
    label: `${ref.owner}/${ref.repo}`,
    reportIssue: () => oldestReportIssue(octokit, ref, 1),
    async comments(issueNumber) {
      const out: NudgeComment[] = [];
      for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, { ...ref, issue_number: issueNumber, per_page: 100 })) {
        for (const c of page.data) out.push({ id: c.id, body: c.body ?? '', userType: c.user?.type ?? 'User', appId: c.performed_via_github_app?.id ?? null, htmlUrl: c.html_url ?? null });
      }
      return out;
    },
    appId: () => ourAppId(octokit),
    createComment: (issueNumber, marker, body) => createMarkedComment(octokit, { ...ref, issue_number: issueNumber }, marker, body),
    async updateComment(id, body) {
      await octokit.rest.issues.updateComment({ ...ref, comment_id: id, body });
    },
    async notes(branch, wanted) {
      // A branch name is a tree-ish: one request for the whole tree, whatever the push history.
      const tree = await readTree(octokit, ref, branch);
      const paths = [...tree.entries.values()].filter((e) => e.type === 'blob').map((e) => e.path);
      const files: { path: string; content: Uint8Array }[] = [];
      // The report keys a note by the name it reads as (paths/name-key.ts): the one file that
      // reads so. Two (a look-alike pair: NFC and NFD, a hidden character) are not told apart
      // here; the report's verdict, recorded only from the owner's push, stands in.
      const byKey = new Map<string, TreeEntry[]>();
      for (const e of tree.entries.values()) if (e.type === 'blob') byKey.set(pathKey(e.path), [...(byKey.get(pathKey(e.path)) ?? []), e]);
      for (const path of wanted) {
        const same = byKey.get(pathKey(path)) ?? [];
        const entry = same.length === 1 ? same[0] : undefined;
        if (entry?.type !== 'blob') continue;
        files.push({ path: entry.path, content: await cache.blob(ref, entry.sha, entry.size, () => readBlob(octokit, ref, entry.sha)) });
      }
      return { paths, files };
    },
    recentComments: async (since) => (await recentComments(octokit, ref, since)).comments,
    async checkRunConclusion(id) {
      try {
        const { data } = await octokit.rest.checks.get({ ...ref, check_run_id: id });
        return data.status === 'completed' ? (data.conclusion ?? 'neutral') : 'pending';
      } catch (error) {
        if ((error as { status?: number }).status === 404) return null;
        throw error;
      }
    },
  };
}
