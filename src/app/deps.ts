import type { SharedState } from '../shared-state/shared-state.js';
import type { ProjectVerifier, Verifier } from '../verify/drivers/types.js';
import type { DeploymentRead } from '../verify/verify-deployment.js';

/**
 * What the app needs from the outside world besides GitHub (which arrives per event as
 * `context.octokit`). Tests build the app with their own clock and runner.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * Schedules work for later (a /verify deadline). Returns a cancel function. Tests pass one
 * they advance together with their clock, so nothing really waits.
 */
export interface Timer {
  schedule(delayMs: number, task: () => void): () => void;
}

export const systemTimer: Timer = {
  schedule(delayMs, task) {
    // unref: a pending deadline must not keep a CLI or test process alive.
    const handle = setTimeout(task, Math.min(Math.max(0, delayMs), 2 ** 31 - 1));
    handle.unref?.();
    return () => clearTimeout(handle);
  },
};

export interface AppDeps {
  clock: Clock;
  /**
   * Runs slow work (a /verify run, a report refresh) after the webhook has been answered:
   * GitHub gives up on a delivery after 10 s. Tests pass one that they can await.
   */
  background: (task: () => Promise<void>) => void;
  /**
   * /verify's local driver runs this (default: src/runner's verifyOneLiners, loaded lazily).
   * Tests pass the real one for an eBPF run, or a labelled fake for the GitHub-side tests.
   */
  verifier?: Verifier;
  /** `/verify project`'s verifier (default: the project in the throwaway VM, verify-project.ts). */
  projectVerifier?: ProjectVerifier;
  /** Where /verify runs (default: read from the environment, verify-deployment.ts). */
  verifyDeployment?: DeploymentRead;
  /** /verify's deadlines (default: setTimeout). */
  timer?: Timer;
  /**
   * State shared by replicas and kept across restarts besides GitHub: Redis with `REDIS_URL`
   * (default: from the environment; none: this process only).
   */
  shared?: SharedState;
}
