import type { LedgerSeal } from '../attendance/ledger-seal.js';
import type { RecentComment } from '../github/recent-comments.js';
import { staleAt as staleAtOf, STALE_MARGIN_MS, VerifyGate, type GateSeed } from './access.js';
import { turnKeeper } from '../worker/turns.js';
import { decodeVerifyRecord, recordSitsIn, type VerifyRecord } from './verify-record.js';

/**
 * What GitHub remembers of the `/verify` requests of one repository: the signed records in the
 * bot's own comments, one per request. A request's start is when its first comment was made
 * (GitHub's time, which no edit changes); copies of a block in later comments add nothing,
 * and a request any copy of which says `done` is done.
 */
export interface RecordedRequest extends VerifyRecord {
  startedAt: number;
  /** the comment the request's record was first written in (its ⏳, later its result) */
  comment: { kind: 'issue' | 'commit'; id: number };
}

/** How far back a request can still matter: the longest deadline (24 h) and its margin. */
export const HISTORY_MS = 24 * 60 * 60_000 + STALE_MARGIN_MS;

/**
 * Records of `comments` written by a bot (and, where GitHub names the app, by this app), that
 * verify under `seal` and were written for the comment they stand in (recordSitsIn). Checked in
 * turns (worker/turns.ts): a record of a 50-one-liner job costs ~1.5 ms to verify and unpack,
 * and a week of one member's requests (1,152 at the default rate) held the digest's event loop
 * 1.2-1.4 s in one loop (the seventeenth attack review's High).
 */
export async function recordedRequests(comments: readonly RecentComment[], seal: LedgerSeal | null, appId: number | null): Promise<RecordedRequest[]> {
  const byId = new Map<string, RecordedRequest>();
  const sorted = [...comments].sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
  const pause = turnKeeper();
  for (const c of sorted) {
    await pause();
    if (c.userType !== 'Bot' || (appId !== null && c.appId !== null && c.appId !== appId)) continue;
    const record = decodeVerifyRecord(c.body, seal);
    if (!record || !recordSitsIn(record, c)) continue;
    const first = byId.get(record.requestId);
    if (!first) {
      byId.set(record.requestId, { ...record, startedAt: c.createdAt, comment: { kind: c.kind, id: c.id } });
      continue;
    }
    if (record.state === 'done') first.state = 'done';
  }
  return [...byId.values()];
}

/**
 * The gate's state per member, from the records. What was started counts toward the hour;
 * what is still pending counts as running only when `pendingRuns` says it can still finish:
 * in this process alone (no Redis), a local run that was pending when the process stopped
 * died with it, while a dispatched actions run goes on and is waited for again.
 */
export function gateSeeds(repo: { owner: string; repo: string }, records: readonly RecordedRequest[], now: number, canStillFinish: (r: RecordedRequest) => boolean): GateSeed[] {
  const seeds = new Map<string, GateSeed>();
  for (const r of records) {
    const key = VerifyGate.key(repo, r.requester);
    let seed = seeds.get(key);
    if (!seed) seeds.set(key, (seed = { key, starts: [], running: null }));
    seed.starts.push({ requestId: r.requestId, startedAt: r.startedAt });
    if (r.state !== 'pending' || !canStillFinish(r)) continue;
    const stale = r.deadline !== undefined ? r.deadline + STALE_MARGIN_MS : staleAtOf(r.startedAt, 24 * 60);
    if (stale > now && (!seed.running || seed.running.startedAt < r.startedAt)) seed.running = { requestId: r.requestId, startedAt: r.startedAt, staleAt: stale };
  }
  return [...seeds.values()];
}

/** A pending request that a restarted process can still finish: an actions run whose record names the run. */
export const waitsForActionsRun = (r: RecordedRequest): boolean => r.driver === 'actions' && r.job !== undefined && r.run !== undefined;
