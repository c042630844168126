import type { Probot } from 'probot';
import { systemTimer, type AppDeps } from '../app/deps.js';
import { deliveryLog } from '../github/app-deliveries.js';
import type { Octokit } from '../github/octokit.js';
import type { PushCheckState } from '../push-check/handle-push.js';
import { reconcilePushes } from './reconcile.js';
import { recoveryPass, type RecoveryOptions, type RecoveryResult } from './recovery-pass.js';
import { memoryClaims, redisClaims, type SharedClaims } from './shared-claims.js';

/** The events study-bot listens to: a failed delivery of any other is not worth a request. */
export const RECOVERED_EVENTS: ReadonlySet<string> = new Set([
  'push',
  'issue_comment',
  'commit_comment',
  'check_run',
  'check_suite',
  'workflow_run',
  'installation',
  'installation_repositories',
]);

export interface RecoverySettings extends RecoveryOptions {
  /** first pass this long after start: the server must be listening when GitHub redelivers */
  startDelayMs: number;
  intervalMs: number;
  redisUrl: string | null;
}

const MINUTE = 60_000;

/**
 * From the environment. On unless `STUDY_BOT_RECOVERY=off` or the app has no `APP_ID` (the
 * delivery log needs the app's own credentials); every `STUDY_BOT_RECOVERY_INTERVAL_MINUTES`
 * (default 5, at least 1), looking back 24 hours.
 */
export function recoverySettingsFromEnv(env: NodeJS.ProcessEnv = process.env): RecoverySettings | null {
  if (!env.APP_ID || env.STUDY_BOT_RECOVERY === 'off') return null;
  const minutes = Number.parseInt(env.STUDY_BOT_RECOVERY_INTERVAL_MINUTES ?? '', 10);
  return {
    events: RECOVERED_EVENTS,
    lookBackMs: 24 * 60 * MINUTE,
    maxPages: 20,
    maxAttempts: 3,
    settleMs: MINUTE,
    startDelayMs: 10_000,
    intervalMs: Math.max(1, Number.isFinite(minutes) ? minutes : 5) * MINUTE,
    redisUrl: env.REDIS_URL || null,
  };
}

export interface RecoveryHandle {
  /** runs one pass now (passes never overlap: a pass already running is awaited instead) */
  runOnce(): Promise<RecoveryResult | null>;
  stop(): void;
}

/**
 * On start and then periodically: find what was missed while the app was down (or failed)
 * and have GitHub deliver it again. `appOctokit` defaults to the app's JWT Octokit.
 */
export function registerRecovery(app: Probot, deps: AppDeps, settings: RecoverySettings, reconcile?: { push: PushCheckState }): RecoveryHandle {
  const appOctokit = () => app.auth() as Promise<Octokit>;
  const asInstallation = (id: number) => app.auth(id) as Promise<Octokit>;
  let firstPass = true;
  const timer = deps.timer ?? systemTimer;
  let claims: Promise<SharedClaims> | null = null;
  const claimsNow = () => (claims ??= settings.redisUrl ? redisClaims(settings.redisUrl) : Promise.resolve(memoryClaims(deps.clock)));
  let running: Promise<RecoveryResult | null> | null = null;
  let cancel: (() => void) | null = null;
  let stopped = false;

  const pass = async (): Promise<RecoveryResult | null> => {
    try {
      const now = deps.clock.now().getTime();
      const result = await recoveryPass(deliveryLog(await appOctokit()), await claimsNow(), now, settings);
      // Once, at start: pushes answered but never checked (the process died in between).
      if (firstPass && reconcile) {
        firstPass = false;
        const claimed = await (await claimsNow()).claim(`reconcile:${Math.floor(now / settings.intervalMs)}`, settings.intervalMs / 1000);
        if (claimed) {
          const found = await reconcilePushes({ appOctokit: await appOctokit(), asInstallation }, reconcile.push, { since: now - settings.lookBackMs, until: now - settings.settleMs }, app.log);
          result.reconciled = found;
          result.requests += found.requests;
          result.errors.push(...found.errors);
        }
      }
      const log = result.redelivered.length > 0 || (result.reconciled?.checked.length ?? 0) > 0 || result.gaveUp.length > 0 || result.errors.length > 0 ? app.log.info.bind(app.log) : app.log.debug.bind(app.log);
      log(
        {
          listed: result.listed,
          redelivered: result.redelivered.map((d) => `${d.event}${d.action ? `.${d.action}` : ''} ${d.guid}`),
          gaveUp: result.gaveUp.map((d) => d.guid),
          reconciled: result.reconciled?.checked,
          requests: result.requests,
          errors: result.errors.length,
        },
        'recovery: delivery log checked',
      );
      return result;
    } catch (error) {
      // GitHub down, or no right to read the log: the next pass tries again.
      app.log.warn({ err: error }, 'recovery: could not read the delivery log');
      return null;
    }
  };
  const runOnce = () => (running ??= pass().finally(() => (running = null)));
  const schedule = (delay: number) => {
    if (stopped) return;
    cancel = timer.schedule(delay, () => {
      void runOnce().finally(() => schedule(settings.intervalMs));
    });
  };
  schedule(settings.startDelayMs);
  return {
    runOnce,
    stop() {
      stopped = true;
      cancel?.();
      void claims?.then((c) => c.close()).catch(() => undefined);
    },
  };
}
