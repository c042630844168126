import type { ApplicationFunction, Probot } from 'probot';
import { registerAttendance } from '../attendance/register.js';
import { configApprovals } from '../config/config-approvals.js';
import { registerConfigTrust } from '../config/register.js';
import { registerCommandDispatch, type CommandHandler } from '../commands/dispatch.js';
import { recoverySettingsFromEnv, registerRecovery, type RecoverySettings } from '../recovery/register.js';
import { registerPushCheck } from '../push-check/register.js';
import { registerNudgeCapability } from '../nudges/register.js';
import { nudgeSettingsFromEnv, type NudgeHandle, type NudgeSettings } from '../nudges/scheduler.js';
import { registerVerify } from '../verify/register.js';
import { sharedStateFromEnv } from '../shared-state/shared-state.js';
import type { RecoverVerifyResult } from '../verify/recover-verify.js';
import { systemClock, type AppDeps } from './deps.js';

const describeVerify = (r: RecoverVerifyResult | null): string[] =>
  r ? [...r.restored.map((id) => `waiting again for ${id}`), ...r.closed.map((id) => `closed out ${id}`)] : [];

const detached: AppDeps['background'] = (task) => {
  void task().catch((error: unknown) => {
    // A background failure must never take the server down; each task reports to GitHub itself.
    console.error('study-bot: background task failed', error);
  });
};

/** The Probot application function, with its dependencies injected. */
export function createApp(
  overrides: Partial<AppDeps> & { recovery?: RecoverySettings | null; nudges?: NudgeSettings | null; onNudges?: (handle: NudgeHandle) => void } = {},
): ApplicationFunction {
  const deps: AppDeps = { clock: systemClock, background: detached, ...overrides, shared: overrides.shared ?? sharedStateFromEnv() };
  return (app: Probot) => {
    const commands: CommandHandler[] = [];
    // Capabilities register their webhook listeners and add their slash commands, then one
    // dispatcher routes comment commands to them.
    const push = registerPushCheck(app, deps, commands, undefined, (octokit, repo) => configApprovals(deps, octokit, repo));
    const attendance = registerAttendance(app, deps, commands);
    const verify = registerVerify(app, deps, commands);
    registerConfigTrust(app, deps, commands);
    // Reminders and digests run on a timer; needs APP_ID to list installations, like recovery.
    const nudges = registerNudgeCapability(app, deps, commands, overrides.nudges === undefined ? nudgeSettingsFromEnv() : overrides.nudges);
    if (nudges) overrides.onNudges?.(nudges);
    registerCommandDispatch(app, deps, commands);
    // Missed deliveries are asked for again (on start, then every few minutes); needs APP_ID.
    const recovery = overrides.recovery === undefined ? recoverySettingsFromEnv() : overrides.recovery;
    if (recovery) {
      registerRecovery(app, deps, recovery, {
        push,
        repositories: [
          { name: 'verify', run: async (r, octokit) => describeVerify(await verify.recoverRepository(octokit, r)) },
          { name: 'check-ins', run: (r, octokit) => attendance.checkInsSince(octokit, r, deps.clock.now().getTime() - recovery.lookBackMs) },
        ],
        everyPass: [{ name: 'verify-expired', run: () => verify.sweep() }],
      });
    }
  };
}
