import type { ApplicationFunction, Probot } from 'probot';
import { registerAttendance } from '../attendance/register.js';
import { configApprovals } from '../config/config-approvals.js';
import { registerConfigTrust } from '../config/register.js';
import { registerCommandDispatch, type CommandHandler } from '../commands/dispatch.js';
import { registerPushCheck } from '../push-check/register.js';
import { registerVerify } from '../verify/register.js';
import { systemClock, type AppDeps } from './deps.js';

const detached: AppDeps['background'] = (task) => {
  void task().catch((error: unknown) => {
    // A background failure must never take the server down; each task reports to GitHub itself.
    console.error('study-bot: background task failed', error);
  });
};

/** The Probot application function, with its dependencies injected. */
export function createApp(overrides: Partial<AppDeps> = {}): ApplicationFunction {
  const deps: AppDeps = { clock: systemClock, background: detached, ...overrides };
  return (app: Probot) => {
    const commands: CommandHandler[] = [];
    // Capabilities register their webhook listeners and add their slash commands, then one
    // dispatcher routes comment commands to them.
    registerPushCheck(app, deps, commands, undefined, (octokit, repo) => configApprovals(deps, octokit, repo));
    registerAttendance(app, deps, commands);
    registerVerify(app, deps, commands);
    registerConfigTrust(app, deps, commands);
    registerCommandDispatch(app, deps, commands);
  };
}
