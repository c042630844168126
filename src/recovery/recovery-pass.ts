import type { DeliveryLog, HookDelivery } from '../github/app-deliveries.js';
import { missedDeliveries } from './missed-deliveries.js';
import type { ReconcileResult } from './reconcile.js';
import type { SharedClaims } from '../shared-state/claims.js';

/**
 * One pass of "nothing lost while down": read GitHub's delivery log back to `since`, and ask
 * GitHub to deliver again every delivery the app did not answer with success. The webhook
 * handlers then do the work as if it had just happened, and they are idempotent: a push that
 * already has a study-bot check run gets no second one (a push older than the process looks
 * for its run first), ledger changes apply once however often they arrive.
 */
export interface RecoveryOptions {
  events: ReadonlySet<string>;
  /** how far back a pass looks, ms (GitHub keeps 3 days of deliveries) */
  lookBackMs: number;
  maxPages: number;
  maxAttempts: number;
  settleMs: number;
}

export interface RecoveryResult {
  listed: number;
  redelivered: HookDelivery[];
  gaveUp: HookDelivery[];
  /** when a failed delivery this pass left for later becomes due (ms), null when none */
  nextDueAt: number | null;
  /** requests this pass made to GitHub: pages of the log plus redeliveries */
  requests: number;
  errors: unknown[];
  /** the start-time reconcile of pushes against check runs (first pass only) */
  reconciled?: ReconcileResult;
  /** what the every-pass work did, by name */
  everyPass?: Record<string, number>;
}

export async function recoveryPass(log: DeliveryLog, claims: SharedClaims, now: number, options: RecoveryOptions): Promise<RecoveryResult> {
  const { deliveries, requests } = await log.list(now - options.lookBackMs, options.maxPages);
  const { redeliver, gaveUp, nextDueAt } = missedDeliveries(deliveries, { ...options, now });
  const result: RecoveryResult = { listed: deliveries.length, redelivered: [], gaveUp, nextDueAt, requests, errors: [] };
  for (const delivery of redeliver) {
    // One replica per failed attempt: the key names the attempt, so a later failure is tried again.
    if (!(await claims.claim(`redeliver:${delivery.guid}:${delivery.id}`, 3600))) continue;
    try {
      result.requests++;
      await log.redeliver(delivery.id);
      result.redelivered.push(delivery);
    } catch (error) {
      result.errors.push(error);
    }
  }
  return result;
}
