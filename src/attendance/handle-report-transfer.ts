import type { Context } from 'probot';
import type { AppDeps } from '../app/deps.js';
import { ourAppId } from '../github/octokit.js';
import { REPORT_LABEL } from '../github/report-issue.js';
import { reportService } from './report-service.js';

/**
 * `issues.transferred`: anyone with write access to two repositories of the owner can move the
 * report issue, with its comments, out of the study (the nineteenth attack review). The
 * payload says where it went (`changes.new_repository`, `changes.new_issue`), so the refresh
 * reads the signed ledger there (our app's comments only, its seal bound to the study
 * repository) and carries it into a new report issue in the study, saying what happened.
 * When the new place cannot be read, the refresh writes nothing and fails where it is logged;
 * the push check's approval read then fails on its check run, where the organizers see it.
 * Never a new report from nothing.
 *
 * Without this webhook (missed, or the app restarted) the same comes from the trail: the
 * report issue's number in our check runs, and GitHub's 301 for it (report-trail.ts).
 */
export async function handleReportIssueTransferred(context: Context<'issues.transferred'>, deps: AppDeps): Promise<void> {
  const { issue, changes, repository } = context.payload;
  if (!(await isOurs(context, issue))) return;
  const repo = { owner: repository.owner.login, repo: repository.name };
  const service = reportService(deps);
  // Where the comment was and what was approved are both gone with the issue: read them anew.
  service.forget(repo);
  service.refreshLater(context.octokit, repo, [
    {
      kind: 'moved',
      moved: {
        fromNumber: issue.number,
        repository: changes.new_repository.full_name,
        number: changes.new_issue.number,
        htmlUrl: changes.new_issue.html_url ?? null,
      },
    },
  ]);
}

type TransferredIssue = Context<'issues.transferred'>['payload']['issue'];

/**
 * An issue this app opened (report-issue.ts's rule): GitHub names the app. Which of ours it was
 * does not matter here: when the report is still in the study, the refresh finds it and the
 * transfer changes nothing.
 */
async function isOurs(context: Context<'issues.transferred'>, issue: TransferredIssue): Promise<boolean> {
  if (issue.user?.type !== 'Bot') return false;
  const appId = await ourAppId(context.octokit);
  const app = issue.performed_via_github_app?.id;
  if (appId !== null && app !== undefined && app !== null) return app === appId;
  // Not named: the label is the hint (anyone can put it on, but the refresh only carries a
  // ledger this app signed for this study, so a stranger's issue carries nothing).
  return (issue.labels ?? []).some((l) => l.name === REPORT_LABEL);
}
