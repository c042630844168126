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
}

export type AttendanceDeps = AppDeps & { attendance?: AttendanceOptions };

/** 3 s, 15 s, 60 s: a GitHub hiccup passes; an outage ends in one clear reply about a minute later. */
export const DEFAULT_RETRY_DELAYS_MS = [3_000, 15_000, 60_000] as const;

export function attendanceOptions(deps: AppDeps): Required<AttendanceOptions> {
  const own = (deps as AttendanceDeps).attendance ?? {};
  return {
    ledgerSecrets: own.ledgerSecrets ?? ledgerSecretsFromEnv(),
    retryDelaysMs: own.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
  };
}
