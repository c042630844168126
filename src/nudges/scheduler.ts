import type { Probot } from 'probot';
import { systemTimer, type AppDeps } from '../app/deps.js';
import { attendanceOptions } from '../attendance/attendance-options.js';
import type { RefreshItem } from '../attendance/refresh-report.js';
import { reportService } from '../attendance/report-service.js';
import { configStanding } from '../config/config-standing.js';
import { gitCacheOf } from '../github/git-cache.js';
import { nudgeGitHub } from '../github/nudge-client.js';
import type { Octokit } from '../github/octokit.js';
import { installedRepositories } from '../github/reconcile-client.js';
import { claimsOf } from '../shared-state/claims.js';
import { processOnly } from '../shared-state/shared-state.js';
import { verifyRecordSeal } from '../verify/verify-record.js';
import { DEFAULT_MIRROR_TIMEOUT_MS, mirrorSettingsFromEnv, mirrorsOf, type MirrorSettings } from './mirrors.js';
import { nudgeRecordSeal } from './nudge-record.js';
import { repoPass, type RepoPassResult } from './nudge-pass.js';
import type { NoteCheck } from './owed.js';

export interface NudgeSettings {
  /** first pass this long after start (a reminder missed while down goes out then, if still before its deadline) */
  startDelayMs: number;
  /** the longest sleep between passes: config changes, new installations and digest updates are seen within it */
  maxSleepMs: number;
  mirrors: MirrorSettings;
}

const MINUTE = 60_000;

/**
 * From the environment: on unless `STUDY_BOT_NUDGES=off` or the app has no `APP_ID` (listing
 * installations needs the app's own credentials); a pass at least every
 * `STUDY_BOT_NUDGE_INTERVAL_MINUTES` (default 60); mirrors from `STUDY_BOT_DISCORD_WEBHOOK_URL`
 * and `STUDY_BOT_SLACK_WEBHOOK_URL`.
 */
export function nudgeSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): NudgeSettings | null {
  if (!env.APP_ID || env.STUDY_BOT_NUDGES === 'off') return null;
  const minutes = Number.parseInt(env.STUDY_BOT_NUDGE_INTERVAL_MINUTES ?? '', 10);
  return {
    startDelayMs: 15_000,
    maxSleepMs: Math.max(5, Number.isFinite(minutes) ? minutes : 60) * MINUTE,
    mirrors: { ...mirrorSettingsFromEnv(env), timeoutMs: DEFAULT_MIRROR_TIMEOUT_MS },
  };
}

export interface NudgeHandle {
  /** one pass now over every installed repository (passes never overlap) */
  runOnce(): Promise<NudgePassSummary>;
  /** resolves once no pass is running (a stop waits for it; tests step the timer with it) */
  settled(): Promise<void>;
  stop(): void;
}

export interface NudgePassSummary {
  repositories: Record<string, Omit<RepoPassResult, 'next'>>;
  errors: unknown[];
  /** when the next pass is due (ms) */
  next: number;
}

/**
 * The reminders' and digests' clock: one timer on the app's event loop (the injected `Timer`,
 * so tests drive it), set to the next moment any installed study needs something, at most
 * `maxSleepMs` away. Nothing runs on the webhook path; a pass only reads and writes GitHub.
 */
export function registerNudges(app: Probot, deps: AppDeps, settings: NudgeSettings): NudgeHandle {
  const timer = deps.timer ?? systemTimer;
  const claims = claimsOf(deps.shared ?? processOnly, deps.clock);
  const mirrors = mirrorsOf(settings.mirrors);
  const secrets = () => attendanceOptions(deps).ledgerSecrets;
  const checked = new Map<string, Map<string, NoteCheck>>();
  let running: Promise<NudgePassSummary> | null = null;
  let cancel: (() => void) | null = null;
  let stopped = false;

  const pass = async (): Promise<NudgePassSummary> => {
    const now = deps.clock.now();
    const summary: NudgePassSummary = { repositories: {}, errors: [], next: now.getTime() + settings.maxSleepMs };
    try {
      const appOctokit = (await app.auth()) as Octokit;
      const asInstallation = (id: number) => app.auth(id) as Promise<Octokit>;
      for await (const { repository, octokit } of installedRepositories(appOctokit, asInstallation, { requests: 0 })) {
        const repo = { owner: repository.owner, repo: repository.repo };
        const label = `${repo.owner}/${repo.repo}`;
        try {
          const config = (await configStanding(deps, octokit, repo)).config;
          const own = checked.get(label.toLowerCase()) ?? new Map<string, NoteCheck>();
          checked.set(label.toLowerCase(), own);
          const result = await repoPass({
            gh: nudgeGitHub(octokit, repo, gitCacheOf(deps)),
            config,
            ledger: () => reportService(deps).ledger(octokit, repo),
            defaultBranch: repository.defaultBranch,
            now,
            seal: nudgeRecordSeal(secrets(), repo),
            verifySeal: verifyRecordSeal(secrets(), repo),
            claims,
            mirrors,
            linkDigest: (week, commentId) => {
              const items: RefreshItem[] = [{ kind: 'change', change: { kind: 'digest', week, commentId } }];
              return reportService(deps).refreshDurably(octokit, repo, items);
            },
            checked: own,
            log: app.log,
          });
          const { next, ...done } = result;
          if (done.nudged.length > 0 || done.digests.length > 0) summary.repositories[label] = done;
          if (next !== null && next < summary.next) summary.next = next;
        } catch (error) {
          summary.errors.push(error);
          app.log.warn({ err: error, repo: label }, 'nudges: the pass failed for this repository; the next pass tries again');
        }
      }
    } catch (error) {
      // GitHub down, or the app cannot list its installations: the next pass tries again.
      summary.errors.push(error);
      app.log.warn({ err: error }, 'nudges: could not list the installations');
    }
    return summary;
  };
  const runOnce = () => (running ??= pass().finally(() => (running = null)));
  const schedule = (delay: number) => {
    if (stopped) return;
    cancel = timer.schedule(delay, () => {
      void runOnce().then(
        // A second past the moment: a timer that fires a hair early must not find it "not yet".
        (summary) => schedule(Math.min(settings.maxSleepMs, Math.max(1_000, summary.next - deps.clock.now().getTime() + 1_000))),
        () => schedule(settings.maxSleepMs),
      );
    });
  };
  schedule(settings.startDelayMs);
  return {
    runOnce,
    settled: async () => {
      while (running) await running.catch(() => undefined);
    },
    stop() {
      stopped = true;
      cancel?.();
    },
  };
}
