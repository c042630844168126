import type { AppDeps } from '../app/deps.js';
import { reportService } from '../attendance/report-service.js';
import { ReportLedgerError } from '../attendance/refresh-report.js';
import type { Octokit, RepoRef } from '../github/octokit.js';
import { readTextFile } from '../github/read-config.js';
import { readLastValidConfig } from '../github/report-config.js';
import { standingOf, type ConfigStanding } from './approval.js';
import { CONFIG_PATH, defaultConfig } from './schema.js';

/**
 * The config a command is decided with: the approved one (see approval.ts), with what the
 * file on the default branch proposes beside it, so a refusal can say "you were added, but
 * that is not approved yet". Costs the file read (one request) and, at most once a minute per
 * repository, one read of the report comment.
 */
export async function configStanding(deps: AppDeps, octokit: Octokit, repo: RepoRef): Promise<ConfigStanding> {
  const text = await readTextFile(octokit, repo, CONFIG_PATH);
  let approval;
  try {
    approval = await reportService(deps).approval(octokit, repo);
  } catch (error) {
    if (!(error instanceof ReportLedgerError)) throw error;
    // The record is broken until the next refresh restores it: nothing counts as approved, and
    // the file (which a member may have changed) is not trusted either.
    return { state: 'unapproved', config: defaultConfig(), problems: [] };
  }
  const standing = standingOf(text, approval);
  if (standing.state === 'unapproved' && standing.problems.length > 0) {
    // Nothing approved yet and the file is broken: the last valid version, as before approvals.
    return { ...standing, config: (await readLastValidConfig(octokit, repo)).config };
  }
  return standing;
}
