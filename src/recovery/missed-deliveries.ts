import type { HookDelivery } from '../github/app-deliveries.js';

/**
 * Which deliveries to ask GitHub for again. Pure: the delivery log is the state, so a
 * restarted process (or another replica) decides the same. A delivery (one `guid`) is done
 * once any attempt got a 2xx or 3xx answer (GitHub's own "success" range); otherwise its
 * newest attempt is redelivered, until `maxAttempts` attempts have failed: an event that makes
 * the app fail every time must not be replayed forever.
 */
export interface MissedOptions {
  /** the events the app listens to; others are not worth a request */
  events: ReadonlySet<string>;
  maxAttempts: number;
  now: number;
  /**
   * A failed attempt younger than this may be followed by one still in flight (a redelivery
   * ours or another replica's asked for, not logged yet), except when GitHub could not connect.
   */
  settleMs: number;
}

export interface MissedDeliveries {
  /** newest failed attempt of each delivery to redeliver, oldest delivery first (pushes in order) */
  redeliver: HookDelivery[];
  /** deliveries that failed `maxAttempts` times: left alone, logged */
  gaveUp: HookDelivery[];
  /** when the youngest failed attempt left for later becomes due (ms), null when none was */
  nextDueAt: number | null;
}

export const succeeded = (d: HookDelivery): boolean => d.statusCode >= 200 && d.statusCode < 400;

/**
 * GitHub could not reach the app at all (the log says `status_code` 0 and "failed to connect",
 * as for an app that is down). That attempt is over and no answer of the app is on its way, so
 * it is final at once; a timeout (the app got it and did not answer in 10 s) is not: its
 * handler may still be at work.
 */
export const couldNotConnect = (d: HookDelivery): boolean => d.statusCode === 0 && /connect/i.test(d.status);

export function missedDeliveries(deliveries: readonly HookDelivery[], options: MissedOptions): MissedDeliveries {
  const byGuid = new Map<string, HookDelivery[]>();
  for (const d of deliveries) byGuid.set(d.guid, [...(byGuid.get(d.guid) ?? []), d]);
  const redeliver: HookDelivery[] = [];
  const gaveUp: HookDelivery[] = [];
  let nextDueAt: number | null = null;
  for (const attempts of byGuid.values()) {
    if (attempts.some(succeeded)) continue;
    const newest = attempts.reduce((a, b) => (b.deliveredAt > a.deliveredAt || (b.deliveredAt === a.deliveredAt && b.id > a.id) ? b : a));
    if (!options.events.has(newest.event)) continue;
    if (!couldNotConnect(newest) && options.now - newest.deliveredAt < options.settleMs) {
      const due = newest.deliveredAt + options.settleMs;
      nextDueAt = nextDueAt === null ? due : Math.min(nextDueAt, due);
      continue;
    }
    if (attempts.length >= options.maxAttempts) gaveUp.push(newest);
    else redeliver.push(newest);
  }
  const firstSeen = (d: HookDelivery) => Math.min(...byGuid.get(d.guid)!.map((a) => a.deliveredAt));
  redeliver.sort((a, b) => firstSeen(a) - firstSeen(b));
  return { redeliver, gaveUp, nextDueAt };
}
