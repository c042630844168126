import type { Octokit } from './octokit.js';
import { SEND_ONCE } from './write-once.js';

/**
 * GitHub's log of the app's webhook deliveries (`GET /app/hook/deliveries`, kept 3 days) and
 * its documented way to deliver one again (`POST /app/hook/deliveries/{id}/attempts`). Both
 * need the app's own JWT, not an installation token: pass the Octokit of `app.auth()`.
 */
export interface HookDelivery {
  id: number;
  /** the same for a delivery and all its redeliveries */
  guid: string;
  deliveredAt: number;
  redelivery: boolean;
  /** the HTTP status the app answered with; 0 when GitHub could not connect */
  statusCode: number;
  status: string;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
}

export interface DeliveryPage {
  deliveries: HookDelivery[];
  /** requests spent listing (one per page of 100) */
  requests: number;
}

export interface DeliveryLog {
  /** deliveries since `since` (ms), newest first, at most `maxPages` pages of 100 */
  list(since: number, maxPages: number): Promise<DeliveryPage>;
  redeliver(id: number): Promise<void>;
}

/** One attempt as `GET /app/hook/deliveries` lists it (the fields read here). */
export type RawDelivery = {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  status: string;
  status_code: number;
  event: string;
  action: string | null;
  installation_id: number | null;
  repository_id: number | null;
};

const summary = (d: RawDelivery): HookDelivery => ({
  id: d.id,
  guid: d.guid,
  deliveredAt: Date.parse(d.delivered_at),
  redelivery: d.redelivery,
  statusCode: d.status_code,
  status: d.status,
  event: d.event,
  action: d.action ?? null,
  installationId: d.installation_id ?? null,
  repositoryId: d.repository_id ?? null,
});

export function deliveryLog(appOctokit: Octokit): DeliveryLog {
  return {
    async list(since, maxPages) {
      const deliveries: HookDelivery[] = [];
      let requests = 0;
      // Pages follow GitHub's `link` header (a cursor, not page numbers); newest first, so the
      // walk stops at the first page that reaches back past `since`.
      for await (const page of appOctokit.paginate.iterator('GET /app/hook/deliveries', { per_page: 100 })) {
        requests++;
        const items = (page.data as RawDelivery[]).map(summary);
        deliveries.push(...items.filter((d) => d.deliveredAt >= since));
        if (items.length === 0 || items.some((d) => d.deliveredAt < since) || requests >= maxPages) break;
      }
      return { deliveries, requests };
    },
    async redeliver(id) {
      // Sent once: after a 5xx GitHub may be delivering it already; the next pass sees the log.
      await appOctokit.request('POST /app/hook/deliveries/{delivery_id}/attempts', { delivery_id: id, ...SEND_ONCE });
    },
  };
}
