import type { Verifier } from '../verify/drivers/types.js';

/**
 * What the app needs from the outside world besides GitHub (which arrives per event as
 * `context.octokit`). Tests build the app with their own clock and runner.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

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
}
