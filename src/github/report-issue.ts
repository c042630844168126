import type { Octokit, RepoRef } from './octokit.js';

/** The label that marks the report issue; the bot finds its issue by it, not by the title. */
export const REPORT_LABEL = 'study-report';

/**
 * The report issue: the oldest issue carrying the label (open or closed: an organizer
 * closing it must not make the bot open a second one), searched page by page; created with
 * the label when there is none. Pull requests, which the issues API also lists, never count.
 */
export async function findOrCreateReportIssue(octokit: Octokit, ref: RepoRef, title: string, body: string): Promise<number> {
  const pages = octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
    ...ref,
    labels: REPORT_LABEL,
    state: 'all',
    sort: 'created',
    direction: 'asc',
    per_page: 100,
  });
  for await (const page of pages) {
    const found = page.data.find((issue) => !issue.pull_request);
    if (found) return found.number;
  }
  // GitHub creates a label that does not exist yet when an issue is opened with it.
  const { data } = await octokit.rest.issues.create({ ...ref, title, body, labels: [REPORT_LABEL] });
  return data.number;
}
