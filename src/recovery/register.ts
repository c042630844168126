import type { Probot } from 'probot';
import { systemTimer, type AppDeps } from '../app/deps.js';
import { deliveryLog } from '../github/app-deliveries.js';
import type { Octokit } from '../github/octokit.js';
import type { PushCheckState } from '../push-check/handle-push.js';
import { reconcilePushes } from './reconcile.js';
import { recoveryPass, type RecoveryOptions, type RecoveryResult } from './recovery-pass.js';
import { processOnly } from '../shared-state/shared-state.js';
import { claimsOf } from '../shared-state/claims.js';
import type { RepositoryReconciler } from './reconcile.js';

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
  /**
   * The pass after the first one, this long after it: a delivery GitHub attempted while the app
   * was down but logged only after the first pass read the log gets its turn within a minute of
   * the start, not an interval later.
   */
  followUpMs: number;
}

/** Passes never come closer together than this (a delivery due "now" waits this long). */
const MIN_GAP_MS = 5_000;

/**
 * When the next pass runs: an interval later, sooner for the follow-up of the first pass, and
 * sooner when this pass left a failed delivery for later (younger than the settle time): then
 * when it becomes due, so it waits a settle time and no more.
 */
export function nextPassIn(settings: RecoverySettings, passesDone: number, result: RecoveryResult | null, now: number): number {
  let delay = settings.intervalMs;
  if (passesDone === 1) delay = Math.min(delay, settings.followUpMs);
  if (result?.nextDueAt != null) delay = Math.min(delay, Math.max(MIN_GAP_MS, result.nextDueAt - now));
  return Math.max(MIN_GAP_MS, delay);
}

/** What the capabilities hand the recovery pass: pushes to reconcile, per-repository work at start, work for every pass. */
export interface RecoveryWork {
  push?: PushCheckState;
  /** run for every installed repository at the first pass */
  repositories?: RepositoryReconciler[];
  /** run at every pass (e.g. expire runs a process that is gone was waiting for) */
  everyPass?: { name: string; run(): Promise<number> }[];
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
    followUpMs: 30_000,
    intervalMs: Math.max(1, Number.isFinite(minutes) ? minutes : 5) * MINUTE,
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
export function registerRecovery(app: Probot, deps: AppDeps, settings: RecoverySettings, reconcile?: RecoveryWork): RecoveryHandle {
  const appOctokit = () => app.auth() as Promise<Octokit>;
  const asInstallation = (id: number) => app.auth(id) as Promise<Octokit>;
  let firstPass = true;
  const timer = deps.timer ?? systemTimer;
  const claims = claimsOf(deps.shared ?? processOnly, deps.clock);
  const claimsNow = async () => claims;
  let running: Promise<RecoveryResult | null> | null = null;
  let cancel: (() => void) | null = null;
  let stopped = false;

  const pass = async (): Promise<RecoveryResult | null> => {
    try {
      const now = deps.clock.now().getTime();
      const result = await recoveryPass(deliveryLog(await appOctokit()), await claimsNow(), now, settings);
      for (const work of reconcile?.everyPass ?? []) {
        try {
          const n = await work.run();
          if (n > 0) (result.everyPass ??= {})[work.name] = n;
        } catch (error) {
          result.errors.push(error);
        }
      }
      // Once, at start: pushes answered but never checked (the process died in between), and
      // each capability's requests from before the start.
      if (firstPass && (reconcile?.push || reconcile?.repositories?.length)) {
        firstPass = false;
        const claimed = await (await claimsNow()).claim(`reconcile:${Math.floor(now / settings.intervalMs)}`, settings.intervalMs / 1000);
        if (claimed) {
          const found = await reconcilePushes(
            { appOctokit: await appOctokit(), asInstallation },
            reconcile.push ?? null,
            { since: now - settings.lookBackMs, until: now - settings.settleMs },
            app.log,
            reconcile.repositories ?? [],
          );
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
          others: result.reconciled?.others,
          everyPass: result.everyPass,
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
  let passes = 0;
  const schedule = (delay: number) => {
    if (stopped) return;
    cancel = timer.schedule(delay, () => {
      void runOnce().then(
        (result) => schedule(nextPassIn(settings, ++passes, result, deps.clock.now().getTime())),
        () => schedule(settings.intervalMs),
      );
    });
  };
  schedule(settings.startDelayMs);
  return {
    runOnce,
    stop() {
      stopped = true;
      cancel?.();
      void claims.close().catch(() => undefined);
    },
  };
}
