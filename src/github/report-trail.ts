import { ourAppId, type Octokit, type RepoRef } from './octokit.js';

/**
 * Where the study's report issue went when the study repository has none: the trail this app
 * leaves that no member can touch, and GitHub's answer for a moved issue.
 *
 * Anyone with write access to two repositories of the same owner can TRANSFER an issue, its
 * comments with it (the nineteenth attack review): the report issue is then gone from the
 * study's listing, and a study whose report cannot be found would be taken for a new one
 * (a member's pending config adopted "(first use)", the report written anew from the tree).
 * Labels, issues and comments are all within a member's reach; a Check Run is not: only the
 * app that created it can write it, nobody can delete it. So the push check writes the report
 * issue's number into its check run (a hidden line, `reportTrailLine`), and when no report
 * issue is found the trail is read: our app's check runs on the push's `before` and on the
 * default branch's newest commits. A number there means the study HAS a report: it is looked
 * up by number, and GitHub answers (GET /repos/{o}/{r}/issues/{n}, documented): 301 to the new
 * place when the issue was transferred where we can read (Octokit follows it), 404 when it was
 * transferred where we cannot read, 410 when it was deleted (only admins can delete an issue:
 * the organizers' documented way to start over).
 */

/**
 * The hidden line a push check run carries, the report issue's number or `none` (not known yet),
 * always second to last: the last is the verdicts' block (check-result-block.ts). The summary
 * above quotes paths and headings a member wrote, so only that position is read.
 */
export const reportTrailLine = (issueNumber: number | null): string => `<!-- study-bot:report-issue ${issueNumber ?? 'none'} -->`;

const TRAIL = /^<!-- study-bot:report-issue (\d{1,9}) -->$/;

/** The report issue a push check's summary records (see reportTrailLine), or null. */
export function parseReportTrail(summary: string | null | undefined): number | null {
  const lines = (summary ?? '').trimEnd().split('\n');
  const m = lines.length >= 2 ? TRAIL.exec(lines[lines.length - 2]) : null;
  return m ? Number(m[1]) : null;
}

/**
 * How many of the default branch's newest commits are looked at (one request for the list, one
 * per commit until a number is found). Only spent when no report issue is found: a new study,
 * or one whose report was taken away.
 */
export const TRAIL_COMMITS = 10;

/** A report issue found elsewhere: where, and the bodies of our app's comments there. */
export interface MovedReport {
  /** the number it had in the study repository */
  fromNumber: number;
  /** `owner/repo` where it is now */
  repository: string;
  number: number;
  htmlUrl: string | null;
  /** our app's comments on it (its `performed_via_github_app` is us), oldest first */
  comments: { id: number; body: string }[];
}

export type TrailOutcome =
  /** no check run of ours names a report issue: the study has none yet (or the trail is beyond reach) */
  | { kind: 'none' }
  /** the recorded issue is in the study repository after all (the listing missed it) */
  | { kind: 'here'; number: number }
  /** an organizer deleted it (410 Gone): a new report may start */
  | { kind: 'deleted'; number: number }
  | { kind: 'moved'; moved: MovedReport }
  /** it existed and cannot be read now: nothing may start over */
  | { kind: 'lost'; number: number; reason: string };

type RunListing = { app?: { id?: number } | null; external_id?: string | null; output?: { summary?: string | null } | null };

/** The report issue number the newest of `shas` (in order) records in one of our check runs, or null. */
export async function recordedReportIssue(octokit: Octokit, ref: RepoRef, shas: readonly string[]): Promise<number | null> {
  const appId = await ourAppId(octokit);
  for (const sha of [...new Set(shas)]) {
    if (!/^[0-9a-f]{40}$/.test(sha) || /^0+$/.test(sha)) continue;
    let runs: RunListing[];
    try {
      const { data } = await octokit.rest.checks.listForRef({ ...ref, ref: sha, filter: 'all', per_page: 100, ...(appId !== null ? { app_id: appId } : {}) });
      runs = data.check_runs as RunListing[];
    } catch (error) {
      // a commit a force push dropped (GitHub may have collected it): nothing on the trail there
      if ((error as { status?: number }).status === 404 || (error as { status?: number }).status === 422) continue;
      throw error;
    }
    for (const run of runs) {
      // Only our app writes our check runs; another app (a workflow) may copy the line into its own.
      if (appId !== null && run.app?.id !== appId) continue;
      // Only the push check writes the line (its runs' external id is `push:<before>:<login>`);
      // a /verify run's summary quotes a member's one-liners and their output.
      if (!run.external_id?.startsWith('push:')) continue;
      const recorded = parseReportTrail(run.output?.summary);
      if (recorded !== null) return recorded;
    }
  }
  return null;
}

/** The default branch's newest commits (one request); empty for an empty repository. */
export async function newestCommits(octokit: Octokit, ref: RepoRef, count = TRAIL_COMMITS): Promise<string[]> {
  try {
    const { data } = await octokit.rest.repos.listCommits({ ...ref, per_page: count });
    return data.map((c) => c.sha);
  } catch (error) {
    if ((error as { status?: number }).status === 409) return []; // "Git Repository is empty."
    throw error;
  }
}

const repositoryOf = (url: string | undefined): string | null => {
  const m = /\/repos\/([^/]+)\/([^/]+)\/?$/.exec(url ?? '');
  return m ? `${m[1]}/${m[2]}` : null;
};

/** Our app's comments on `issue` in `repository` (`owner/repo`), oldest first; null when we cannot read them. */
export async function ourCommentsOn(octokit: Octokit, repository: string, issueNumber: number): Promise<{ id: number; body: string }[] | null> {
  const [owner, repo] = repository.split('/');
  if (!owner || !repo) return null;
  const appId = await ourAppId(octokit);
  const found: { id: number; body: string }[] = [];
  try {
    for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 })) {
      for (const c of page.data) {
        // Only the app's own comments: in the other repository a member can post anything, and
        // the ledger's signature (bound to the study repository) is checked by the caller too.
        const byUs = appId === null ? c.user?.type === 'Bot' : c.performed_via_github_app?.id === appId;
        if (byUs && c.body) found.push({ id: c.id, body: c.body });
      }
    }
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 404 || status === 403 || status === 410) return null;
    throw error;
  }
  return found;
}

/** What became of the study's issue `issueNumber`, as GitHub answers for it. */
export async function followReportIssue(octokit: Octokit, ref: RepoRef, issueNumber: number): Promise<TrailOutcome> {
  let data: { number: number; repository_url?: string; html_url?: string; performed_via_github_app?: { id?: number } | null };
  try {
    data = (await octokit.rest.issues.get({ ...ref, issue_number: issueNumber })).data;
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 410) return { kind: 'deleted', number: issueNumber };
    if (status === 404) {
      return { kind: 'lost', number: issueNumber, reason: 'it was moved to a repository this app cannot read (GitHub answers 404)' };
    }
    throw error;
  }
  const repository = repositoryOf(data.repository_url);
  const study = `${ref.owner}/${ref.repo}`.toLowerCase();
  if (repository === null || (repository.toLowerCase() === study && data.number === issueNumber)) {
    // Ours, or the trail was misread: never taken for a new study, never someone's issue as the report.
    const appId = await ourAppId(octokit);
    if (appId !== null && data.performed_via_github_app?.id !== appId) return { kind: 'lost', number: issueNumber, reason: 'the issue with that number was not opened by this app' };
    return { kind: 'here', number: issueNumber };
  }
  const comments = await ourCommentsOn(octokit, repository, data.number);
  if (comments === null) return { kind: 'lost', number: issueNumber, reason: `its comments in ${repository}#${data.number} cannot be read` };
  return { kind: 'moved', moved: { fromNumber: issueNumber, repository, number: data.number, htmlUrl: data.html_url ?? null, comments } };
}

/**
 * The study's report issue when the listing has none: the number our check runs record on
 * `shas` (the push's `before`, `after`) or, failing that, on the default branch's newest
 * commits, followed as GitHub answers for it.
 */
export async function traceReportIssue(octokit: Octokit, ref: RepoRef, shas: readonly string[] = []): Promise<TrailOutcome> {
  let recorded = await recordedReportIssue(octokit, ref, shas);
  if (recorded === null) recorded = await recordedReportIssue(octokit, ref, (await newestCommits(octokit, ref)).filter((s) => !shas.includes(s)));
  if (recorded === null) return { kind: 'none' };
  return followReportIssue(octokit, ref, recorded);
}
