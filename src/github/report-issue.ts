import { ourAppId, type Octokit, type RepoRef } from './octokit.js';
import { writtenByUs } from './our-app.js';
import { createOnce, mayHaveLanded, SEND_ONCE } from './write-once.js';

/** The label that marks the report issue; the bot finds its issue by it, not by the title. */
export const REPORT_LABEL = 'study-report';

/** Pages (of `perPage` issues) looked through in each pass: the issues opened before the report are few and cannot grow. */
const MAX_PAGES = 5;

type ListedIssue = {
  number: number;
  created_at?: string;
  pull_request?: unknown;
  user?: { type?: string; login?: string } | null;
  labels?: (string | { name?: string })[];
  performed_via_github_app?: { id?: number } | null;
};

const listOldestFirst = (octokit: Octokit, ref: RepoRef, perPage: number, labelled: boolean) =>
  octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
    ...ref,
    ...(labelled ? { labels: REPORT_LABEL } : {}),
    state: 'all',
    sort: 'created',
    direction: 'asc',
    per_page: perPage,
  });

/**
 * Whether this app opened `issue`. Anyone who can push can put the label on an issue or take
 * it off (the eighteenth attack review: a member labelled an older issue and, after a restart,
 * the report started over there from nothing), so the label only shows people where the report
 * is; what makes an issue the report is that this app opened it.
 */
async function openedByUs(octokit: Octokit, issue: ListedIssue, appId: number | null): Promise<boolean> {
  return !issue.pull_request && (await writtenByUs(octokit, issue, appId));
}

async function firstOfOurs(octokit: Octokit, ref: RepoRef, perPage: number, labelled: boolean, appId: number | null): Promise<ListedIssue | null> {
  let pages = 0;
  for await (const page of listOldestFirst(octokit, ref, perPage, labelled)) {
    for (const issue of page.data as ListedIssue[]) {
      // Not skipped when closed as a duplicate: anyone can close an issue so (the eighteenth
      // attack review). The app's own duplicate is newer than the report, so never the oldest.
      if (await openedByUs(octokit, issue, appId)) return issue;
    }
    if (++pages >= MAX_PAGES) break;
  }
  return null;
}

/**
 * The report issue: the oldest issue with the label that this app opened, or null when there
 * is none. When the label was taken off (anyone who can push can), the oldest issue this app
 * opened is the report still: it gets the label back.
 */
export async function oldestReportIssue(octokit: Octokit, ref: RepoRef, perPage = 100): Promise<number | null> {
  return (await oldestReportIssueEntry(octokit, ref, perPage))?.number ?? null;
}

/** The report issue (see oldestReportIssue) with when GitHub says it was opened, ms since epoch. */
async function oldestReportIssueEntry(octokit: Octokit, ref: RepoRef, perPage = 100): Promise<{ number: number; createdAt: number } | null> {
  const appId = await ourAppId(octokit);
  const entry = (issue: ListedIssue) => ({ number: issue.number, createdAt: Date.parse(issue.created_at ?? '') || 0 });
  const labelled = await firstOfOurs(octokit, ref, perPage, true, appId);
  if (labelled) return entry(labelled);
  const unlabelled = await firstOfOurs(octokit, ref, 100, false, appId);
  if (!unlabelled) return null;
  const named = (unlabelled.labels ?? []).some((l) => (typeof l === 'string' ? l : l.name) === REPORT_LABEL);
  if (!named) await octokit.rest.issues.addLabels({ ...ref, issue_number: unlabelled.number, labels: [REPORT_LABEL] });
  return entry(unlabelled);
}

/** The report issue found or made: `created` when this call opened it; `createdAt` when GitHub says it was opened. */
export interface ReportIssue {
  number: number;
  createdAt: number;
  created: boolean;
}

/**
 * The report issue: the oldest issue this app opened carrying the label (open or closed: an
 * organizer closing it must not make the bot open a second one), searched page by page;
 * created with the label when there is none. Pull requests, which the issues API also lists, never count.
 *
 * Two processes that both find nothing both create one. Each then lists again and keeps the
 * oldest: the one that made a newer issue closes it as a duplicate pointing at the oldest, so
 * both write to the same issue. One more request on creation; two more for the loser.
 * `beforeCreate` runs when the listing has no report issue, before one is opened.
 */
export async function findOrCreateReportIssue(
  octokit: Octokit,
  ref: RepoRef,
  title: string,
  body: string,
  beforeCreate?: () => Promise<number | null>,
): Promise<ReportIssue> {
  const existing = await oldestReportIssueEntry(octokit, ref);
  if (existing !== null) return { ...existing, created: false };
  // Asked only when there is none to be found: may throw (nothing may be opened) or name the
  // report issue the listing missed (report-trail.ts).
  const named = beforeCreate ? await beforeCreate() : null;
  if (named !== null) return { number: named, createdAt: 0, created: false };
  // GitHub creates a label that does not exist yet when an issue is opened with it.
  // Sent once: after a 5xx the labelled issue may exist already, and then it is the one.
  const created = await createOnce(
    async () => (await octokit.rest.issues.create({ ...ref, title, body, labels: [REPORT_LABEL], ...SEND_ONCE })).data.number,
    () => oldestReportIssue(octokit, ref),
  );
  const found = await oldestReportIssueEntry(octokit, ref);
  if (found === null || found.number === created) return { number: created, createdAt: found?.createdAt ?? Date.now(), created: true };
  const oldest = found.number;
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
  return { ...found, created: false };
}
