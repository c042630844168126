import type { Probot } from 'probot';
import type { AppDeps } from '../app/deps.js';
import type { CommandHandler } from '../commands/dispatch.js';
import { nudgeHandler } from './handle-nudge-command.js';
import { registerNudges, type NudgeHandle, type NudgeSettings } from './scheduler.js';

/**
 * Reminders before each deadline and a digest after each session: `/nudge` through the
 * command dispatcher, and (with settings: the app's own credentials) the timer that sends them.
 */
export function registerNudgeCapability(app: Probot, deps: AppDeps, commands: CommandHandler[], settings: NudgeSettings | null): NudgeHandle | null {
  commands.push(nudgeHandler);
  return settings ? registerNudges(app, deps, settings) : null;
}
