import type { Probot } from 'probot';
import type { AppDeps } from '../app/deps.js';
import type { CommandHandler } from '../commands/dispatch.js';
import {
  createPushCheckState,
  handleCheckRunRerequested,
  handleCheckSuiteRerequested,
  handlePush,
  type PushCheckState,
} from './handle-push.js';

/**
 * Push checks: every push to the default branch gets a graded Check Run; "Re-run" redoes it.
 * No slash commands. Returns the state (memory of pushes) for tests and the benchmark.
 */
export function registerPushCheck(
  app: Probot,
  deps: AppDeps,
  _commands: CommandHandler[],
  appId: number | null = appIdFromEnv(),
  approvals?: PushCheckState['approvals'],
): PushCheckState {
  const state = createPushCheckState(deps, appId, approvals);
  app.on('push', async (context) => handlePush(context, deps, state));
  app.on('check_run.rerequested', async (context) => handleCheckRunRerequested(context, deps, state));
  app.on('check_suite.rerequested', async (context) => handleCheckSuiteRerequested(context, deps, state));
  return state;
}

// Probot reads the same variable; GitHub sends `rerequested` only to the app that owns the
// run anyway, so this is a second guard, skipped when the id is unknown.
function appIdFromEnv(): number | null {
  const id = Number.parseInt(process.env.APP_ID ?? '', 10);
  return Number.isFinite(id) ? id : null;
}
