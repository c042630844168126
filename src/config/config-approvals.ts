import type { AppDeps } from '../app/deps.js';
import { reportService } from '../attendance/report-service.js';
import type { Octokit, RepoRef } from '../github/octokit.js';
import { listOrganizers } from '../github/organizers.js';
import type { ConfigApproval, ConfigApprovals } from './approval.js';

/**
 * The approvals of one repository, kept where the ledger is: the report comment. Reading goes
 * through the report service's cache; recording is a durable ledger write (retried), in the
 * background so a webhook is never kept waiting.
 */
export function configApprovals(deps: AppDeps, octokit: Octokit, repo: RepoRef): ConfigApprovals {
  const reports = reportService(deps);
  return {
    read: (hint) => reports.approval(octokit, repo, hint),
    reportIssue: () => reports.knownIssue(repo),
    record: (approval: ConfigApproval) => reports.refreshLater(octokit, repo, [{ kind: 'change', change: { kind: 'config', approval } }]),
    organizers: () => listOrganizers(octokit, repo),
    now: () => deps.clock.now().getTime(),
  };
}
