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
  /** an attempt younger than this may still be in flight (ours, or another replica's) */
  settleMs: number;
}

export interface MissedDeliveries {
  /** newest failed attempt of each delivery to redeliver, oldest delivery first (pushes in order) */
  redeliver: HookDelivery[];
  /** deliveries that failed `maxAttempts` times: left alone, logged */
  gaveUp: HookDelivery[];
}

export const succeeded = (d: HookDelivery): boolean => d.statusCode >= 200 && d.statusCode < 400;

export function missedDeliveries(deliveries: readonly HookDelivery[], options: MissedOptions): MissedDeliveries {
  const byGuid = new Map<string, HookDelivery[]>();
  for (const d of deliveries) byGuid.set(d.guid, [...(byGuid.get(d.guid) ?? []), d]);
  const redeliver: HookDelivery[] = [];
  const gaveUp: HookDelivery[] = [];
  for (const attempts of byGuid.values()) {
    if (attempts.some(succeeded)) continue;
    const newest = attempts.reduce((a, b) => (b.deliveredAt > a.deliveredAt || (b.deliveredAt === a.deliveredAt && b.id > a.id) ? b : a));
    if (!options.events.has(newest.event)) continue;
    if (options.now - newest.deliveredAt < options.settleMs) continue;
    if (attempts.length >= options.maxAttempts) gaveUp.push(newest);
    else redeliver.push(newest);
  }
  const firstSeen = (d: HookDelivery) => Math.min(...byGuid.get(d.guid)!.map((a) => a.deliveredAt));
  redeliver.sort((a, b) => firstSeen(a) - firstSeen(b));
  return { redeliver, gaveUp };
}
