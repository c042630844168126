import type { AppDeps } from '../app/deps.js';
import { ledgerSecretsFromEnv } from './ledger-seal.js';

/**
 * Settings of the attendance capability that are not the study's config: how the ledger is
 * signed and how a failed refresh is retried. `AppDeps` stays as it is; an app (or a test)
 * that wants other values passes `{ ...deps, attendance: {...} }`.
 */
export interface AttendanceOptions {
  /** secrets to sign and verify the ledger with (the first signs); default: from the environment */
  ledgerSecrets?: readonly string[];
  /** waits before the 2nd, 3rd… attempt of a refresh that failed; its length bounds the retries */
  retryDelaysMs?: readonly number[];
  /**
   * after those, for a check-in: waits before each later attempt (the member has been told it
   * is not recorded yet); a restart in between is covered by the recovery pass, which reads the
   * `/출석` comment itself back (reconcile-check-ins.ts)
   */
  followUpDelaysMs?: readonly number[];
}

export type AttendanceDeps = AppDeps & { attendance?: AttendanceOptions };

/** 3 s, 15 s, 60 s: a GitHub hiccup passes; an outage ends in one clear reply about a minute later. */
export const DEFAULT_RETRY_DELAYS_MS = [3_000, 15_000, 60_000] as const;

/** Every 5 minutes for an hour: an outage of GitHub's API rarely lasts longer. */
export const DEFAULT_FOLLOW_UP_DELAYS_MS: readonly number[] = Array.from({ length: 12 }, () => 5 * 60_000);

export function attendanceOptions(deps: AppDeps): Required<AttendanceOptions> {
  const own = (deps as AttendanceDeps).attendance ?? {};
  return {
    ledgerSecrets: own.ledgerSecrets ?? ledgerSecretsFromEnv(),
    retryDelaysMs: own.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    followUpDelaysMs: own.followUpDelaysMs ?? DEFAULT_FOLLOW_UP_DELAYS_MS,
  };
}
