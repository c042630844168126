import type { ReportGitHub } from '../attendance/refresh-report.js';
import { findMarkedComment } from './marker-comment.js';
import { GitHubError, type Octokit, type RepoRef } from './octokit.js';
import { readConfig } from './read-config.js';
import { findOrCreateReportIssue } from './report-issue.js';
import { REPORT_MARKER } from '../attendance/render-report.js';

const ISSUE_BODY = [
  '출석과 주차별 제출 현황입니다. 아래 댓글을 study-bot이 계속 갱신합니다.',
  '',
  'Attendance and weekly submissions. study-bot keeps the comment below up to date.',
].join('\n');

/** The report's calls to GitHub, for one repository and one installation token. */
export function reportClient(octokit: Octokit, ref: RepoRef): ReportGitHub {
  return {
    label: `${ref.owner}/${ref.repo}`,
    async readConfig() {
      const result = await readConfig(octokit, ref);
      if (!result.ok) {
        // The report needs the roster to attribute files; a broken config is shown on the
        // push check, and the report waits for the fix rather than dropping everyone.
        throw new GitHubError(`${result.path} has ${result.problems.length} problem(s); the attendance report waits for a valid config`, ref);
      }
      return result.config;
    },
    async treePaths(sha) {
      try {
        const { data } = await octokit.rest.git.getTree({ ...ref, tree_sha: sha, recursive: 'true' });
        if (data.truncated) return null;
        return data.tree.filter((e) => e.type === 'blob' && e.path).map((e) => e.path as string);
      } catch (error) {
        throw new GitHubError(`could not read the tree for the attendance report`, { ...ref, sha }, { cause: error });
      }
    },
    findOrCreateIssue: (title) => findOrCreateReportIssue(octokit, ref, title, ISSUE_BODY),
    findComment: (issueNumber) => findMarkedComment(octokit, { ...ref, issue_number: issueNumber }, REPORT_MARKER),
    async getComment(id) {
      try {
        const { data } = await octokit.rest.issues.getComment({ ...ref, comment_id: id });
        return { id: data.id, body: data.body ?? '' };
      } catch (error) {
        if ((error as { status?: number }).status === 404) return null;
        throw error;
      }
    },
    async createComment(issueNumber, body) {
      const { data } = await octokit.rest.issues.createComment({ ...ref, issue_number: issueNumber, body });
      return { id: data.id };
    },
    async updateComment(id, body) {
      await octokit.rest.issues.updateComment({ ...ref, comment_id: id, body });
    },
  };
}
