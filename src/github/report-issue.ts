import type { Octokit, RepoRef } from './octokit.js';
import { createOnce, mayHaveLanded, SEND_ONCE } from './write-once.js';

/** The label that marks the report issue; the bot finds its issue by it, not by the title. */
export const REPORT_LABEL = 'study-report';

const listOldestFirst = (octokit: Octokit, ref: RepoRef, perPage: number) =>
  octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
    ...ref,
    labels: REPORT_LABEL,
    state: 'all',
    sort: 'created',
    direction: 'asc',
    per_page: perPage,
  });

/** The report issue: the oldest issue with the label, or null when there is none. */
export async function oldestReportIssue(octokit: Octokit, ref: RepoRef, perPage = 100): Promise<number | null> {
  for await (const page of listOldestFirst(octokit, ref, perPage)) {
    const found = page.data.find((issue) => !issue.pull_request);
    if (found) return found.number;
  }
  return null;
}

/**
 * The report issue: the oldest issue carrying the label (open or closed: an organizer
 * closing it must not make the bot open a second one), searched page by page; created with
 * the label when there is none. Pull requests, which the issues API also lists, never count.
 *
 * Two processes that both find nothing both create one. Each then lists again and keeps the
 * oldest: the one that made a newer issue closes it as a duplicate pointing at the oldest, so
 * both write to the same issue. One more request on creation; two more for the loser.
 */
export async function findOrCreateReportIssue(octokit: Octokit, ref: RepoRef, title: string, body: string): Promise<number> {
  const existing = await oldestReportIssue(octokit, ref);
  if (existing !== null) return existing;
  // GitHub creates a label that does not exist yet when an issue is opened with it.
  // Sent once: after a 5xx the labelled issue may exist already, and then it is the one.
  const created = await createOnce(
    async () => (await octokit.rest.issues.create({ ...ref, title, body, labels: [REPORT_LABEL], ...SEND_ONCE })).data.number,
    () => oldestReportIssue(octokit, ref),
  );
  const oldest = await oldestReportIssue(octokit, ref);
  if (oldest === null || oldest === created) return created;
  // Sent once: a 5xx may come back after GitHub stored the note, and a second note helps no one.
  // Without the note, the duplicate is still closed as one.
  await octokit.rest.issues
    .createComment({
      ...ref,
      issue_number: created,
      body: `출석·제출 현황은 #${oldest}에 있습니다 (동시에 만들어진 중복 이슈).\n\nThe attendance report lives in #${oldest}; this duplicate was opened at the same moment.`,
      ...SEND_ONCE,
    })
    .catch((error: unknown) => {
      if (!mayHaveLanded(error)) throw error;
    });
  await octokit.rest.issues.update({ ...ref, issue_number: created, state: 'closed', state_reason: 'duplicate' });
  return oldest;
}
