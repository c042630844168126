import type { ReportGitHub } from '../attendance/refresh-report.js';
import { parseConfig } from '../config/load-config.js';
import { CONFIG_PATH } from '../config/schema.js';
import { GitObjectCache } from './git-cache.js';
import { completeTree, coversPath, readBlob, readTree } from './push-git.js';
import { createMarkedComment, findMarkedComment, postCommentOnce } from './marker-comment.js';
import { GitHubError, type Octokit, type RepoRef } from './octokit.js';
import { readLastValidConfig } from './report-config.js';
import { findOrCreateReportIssue, oldestReportIssue } from './report-issue.js';
import { ourCommentsOn, traceReportIssue } from './report-trail.js';
import { REPORT_MARKER } from '../attendance/render-report.js';
import { CLASSIFY_READ_BYTES } from '../project/classify-source.js';
import { turnKeeper } from '../worker/turns.js';

const ISSUE_BODY = [
  '출석과 주차별 제출 현황입니다. 아래 댓글을 study-bot이 계속 갱신합니다.',
  '',
  'Attendance and weekly submissions. study-bot keeps the comment below up to date.',
].join('\n');

/**
 * The report's calls to GitHub, for one repository and one installation token. Trees and
 * blobs go through `cache`, the app's GitObjectCache that the push check reads through too:
 * a push's tree and config are read once for both.
 */
export function reportClient(octokit: Octokit, ref: RepoRef, cache: GitObjectCache = new GitObjectCache()): ReportGitHub {
  // The comment's own address, as GitHub gives it: github.com, or the Enterprise Server host.
  const commentUrls = new Map<number, string>();
  const tree = (sha: string) => cache.tree(ref, sha, () => readTree(octokit, ref, sha));
  return {
    label: `${ref.owner}/${ref.repo}`,
    // A broken config is shown on the push check; the report goes on with the last valid one.
    async readConfig(at) {
      if (at) {
        // The config of the push being recorded, from the tree and blob the push check read too.
        try {
          const entry = (await tree(at)).entries.get(CONFIG_PATH);
          if (entry?.type === 'blob') {
            const text = new TextDecoder().decode(await cache.blob(ref, entry.sha, entry.size, () => readBlob(octokit, ref, entry.sha)));
            const parsed = parseConfig(text);
            if (parsed.ok) return parsed.config;
          }
        } catch {
          // the default branch's config below says the same, or fails with a clear error
        }
      }
      return (await readLastValidConfig(octokit, ref)).config;
    },
    async treePaths(sha, studyFolder) {
      try {
        let listing = await tree(sha);
        // GitHub cut the listing (a huge repository): list the study's folder in full.
        listing = await completeTree(octokit, ref, listing, (folder) => folder === studyFolder);
        if (!coversPath(listing, `${studyFolder}/x`)) return null;
        // A slice a turn: a listing holds up to GitHub's 100,000 entries and a completion as many again.
        const paths: string[] = [];
        const pause = turnKeeper();
        for (const e of listing.entries.values()) {
          if (e.type === 'blob' && coversPath(listing, e.path)) paths.push(e.path);
          await pause();
        }
        return paths;
      } catch (error) {
        throw new GitHubError(`could not read the tree for the attendance report`, { ...ref, sha }, { cause: error });
      }
    },
    // Project work: a commit's line counts (GET /repos/{owner}/{repo}/commits/{ref}; its first
    // page of files is enough for a week's commit) and a source's first bytes.
    async commitLines(sha) {
      const { data } = await octokit.rest.repos.getCommit({ ...ref, ref: sha, per_page: 100 });
      return new Map((data.files ?? []).map((f) => [f.filename, f.additions + f.deletions]));
    },
    async filePrefix(sha, path) {
      const entry = (await tree(sha)).entries.get(path);
      // A source over the classifier's read limit is not fetched: its name decides.
      if (entry?.type !== 'blob' || entry.size === null || entry.size > CLASSIFY_READ_BYTES) return null;
      return cache.blob(ref, entry.sha, entry.size, () => readBlob(octokit, ref, entry.sha));
    },
    findOrCreateIssue: (title, beforeCreate) => findOrCreateReportIssue(octokit, ref, title, ISSUE_BODY, beforeCreate),
    async traceIssue(shas, moved) {
      // The transfer's webhook says where it went: read it there (our app's comments only).
      if (moved) {
        const comments = await ourCommentsOn(octokit, moved.repository, moved.number);
        if (comments === null) return { kind: 'lost', number: moved.fromNumber, reason: `it was moved to ${moved.repository}#${moved.number}, which this app cannot read` };
        return { kind: 'moved', moved: { ...moved, comments } };
      }
      return traceReportIssue(octokit, ref, shas);
    },
    async postNote(issueNumber, body) {
      await postCommentOnce(octokit, ref, { kind: 'issue', issueNumber }, body);
    },
    // Only the oldest is wanted: one issue per page (a labelled pull request just means one more page).
    findIssue: () => oldestReportIssue(octokit, ref, 1),
    // This app's comments only (a workflow can post an old signed body too): the first whose
    // ledger verifies is the report; failing that, the first marked one.
    findComment: (issueNumber, prefer) => findMarkedComment(octokit, { ...ref, issue_number: issueNumber }, REPORT_MARKER, prefer),
    async getComment(id) {
      try {
        const { data } = await octokit.rest.issues.getComment({ ...ref, comment_id: id });
        // A comment of an issue transferred away may be answered from its new place (GitHub
        // follows a moved issue with a redirect): the report is then not here any more.
        if (data.issue_url && !data.issue_url.toLowerCase().includes(`/repos/${ref.owner}/${ref.repo}/issues/`.toLowerCase())) return null;
        return { id: data.id, body: data.body ?? '' };
      } catch (error) {
        if ((error as { status?: number }).status === 404) return null;
        throw error;
      }
    },
    async createComment(issueNumber, body) {
      // Never twice, even when GitHub fails the request after storing the comment.
      const { id, htmlUrl } = await createMarkedComment(octokit, { ...ref, issue_number: issueNumber }, REPORT_MARKER, body);
      if (htmlUrl) commentUrls.set(id, htmlUrl);
      return { id };
    },
    async updateComment(id, body) {
      await octokit.rest.issues.updateComment({ ...ref, comment_id: id, body });
    },
    async pointIssueAt(issueNumber, commentId) {
      // An anchor alone also works: the link sits on the same issue page.
      const url = commentUrls.get(commentId) ?? `#issuecomment-${commentId}`;
      await octokit.rest.issues.update({ ...ref, issue_number: issueNumber, body: `${ISSUE_BODY}\n\n→ ${url}` });
    },
  };
}
