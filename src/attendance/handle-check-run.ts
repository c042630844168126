import type { Context } from 'probot';
import type { AppDeps } from '../app/deps.js';
import { CHECK_NAMES } from '../push-check/render-check-run.js';
import { parseCheckResultBlock } from '../check/check-result-block.js';
import { pushOutcomesOf } from '../push-check/push-outcomes.js';
import { recordCheckResult } from './report-service.js';

const OUR_CHECKS = new Set<string>(Object.values(CHECK_NAMES));

/**
 * A completed push check: its hidden results block gives each file's ✅/⚠️/❌. Only our own
 * app's runs count: a workflow with `checks: write` can create a run with the same name.
 */
export async function handleCheckRunCompleted(context: Context<'check_run.completed'>, deps: AppDeps): Promise<void> {
  const run = context.payload.check_run;
  if (!OUR_CHECKS.has(run.name)) return;
  // The app's own id, from its credentials: no request is made for it.
  const { appId } = (await context.octokit.auth({ type: 'app' })) as { appId: number };
  if (run.app?.id !== appId) return;
  const files = parseCheckResultBlock(run.output.summary);
  if (!files) return;
  const repo = { owner: context.payload.repository.owner.login, repo: context.payload.repository.name };
  const octokit = context.octokit;
  deps.background(async () => {
    // This process handed the verdicts to the report with the push itself: nothing left to write.
    if (await pushOutcomesOf(deps).wasRecorded(run.id)) return;
    recordCheckResult(deps, octokit, repo, {
      files,
      completedAt: run.completed_at ? new Date(run.completed_at) : deps.clock.now(),
    });
  });
}
