import { KEY_PREFIX, type RedisClient, type SharedState } from '../shared-state/shared-state.js';

/**
 * The `/verify` gate's state: per member (key `owner/repo#login`), the request running now and
 * the requests started in the last hour. In this process, or in Redis when the app has it, so
 * two replicas share one cap and one slot. Writes are idempotent by request id: recording what
 * GitHub says happened (after a restart) never counts a request twice.
 */
export interface RunningRequest {
  requestId: string;
  startedAt: number;
  /** when it stops counting as running although nobody finished it */
  staleAt: number;
}

export type StartResult = { ok: true } | { ok: false; reason: 'busy' } | { ok: false; reason: 'rate'; oldest: number } | { ok: false; reason: 'duplicate' };

/**
 * How long a request id is remembered as started: a redelivered comment (GitHub's, or the
 * app's own recovery redelivering a failed delivery) must not run `/verify` twice. As long as
 * the bot's records are read back after a restart (verify-history.ts, 24 h and a margin).
 */
export const SEEN_MS = 25 * 60 * 60 * 1000;

export interface GateStore {
  readonly shared: boolean;
  /**
   * One atomic step: refuse a request id already started (a redelivery), or when a request runs
   * or `perHour` started in the hour before `start.startedAt`; else record it.
   */
  tryStart(key: string, start: RunningRequest, perHour: number): Promise<StartResult>;
  /** The request is over; a newer request of the same member is left alone. */
  finish(key: string, requestId: string): Promise<void>;
  /** The request running for `key` now (not yet stale at `now`), if any. */
  running(key: string, now: number): Promise<RunningRequest | null>;
  /** Requests GitHub says were started (and, when `running`, still run): added once each. */
  seed(key: string, starts: readonly { requestId: string; startedAt: number }[], running: RunningRequest | null, now: number): Promise<void>;
}

export const HOUR_MS = 60 * 60 * 1000;

export function memoryGateStore(): GateStore {
  const members = new Map<string, { running: RunningRequest | null; starts: Map<string, number>; seen: Map<string, number> }>();
  const of = (key: string) => {
    let m = members.get(key);
    if (!m) members.set(key, (m = { running: null, starts: new Map(), seen: new Map() }));
    return m;
  };
  const prune = (m: { starts: Map<string, number>; seen: Map<string, number> }, now: number) => {
    for (const [id, at] of m.starts) if (now - at >= HOUR_MS) m.starts.delete(id);
    for (const [id, at] of m.seen) if (now - at >= SEEN_MS) m.seen.delete(id);
  };
  return {
    shared: false,
    async tryStart(key, start, perHour) {
      const m = of(key);
      const now = start.startedAt;
      prune(m, now);
      if (m.seen.has(start.requestId)) return { ok: false, reason: 'duplicate' };
      if (m.running && now < m.running.staleAt) return { ok: false, reason: 'busy' };
      if (m.starts.size >= perHour) return { ok: false, reason: 'rate', oldest: Math.min(...m.starts.values()) };
      m.starts.set(start.requestId, now);
      m.seen.set(start.requestId, now);
      m.running = { ...start };
      return { ok: true };
    },
    async finish(key, requestId) {
      const m = members.get(key);
      if (m?.running?.requestId === requestId) m.running = null;
    },
    async running(key, now) {
      const r = members.get(key)?.running ?? null;
      return r && now < r.staleAt ? { ...r } : null;
    },
    async seed(key, starts, running, now) {
      const m = of(key);
      for (const s of starts) {
        if (!m.starts.has(s.requestId)) m.starts.set(s.requestId, s.startedAt);
        if (!m.seen.has(s.requestId)) m.seen.set(s.requestId, s.startedAt);
      }
      prune(m, now);
      if (running && now < running.staleAt && !(m.running && now < m.running.staleAt)) m.running = { ...running };
    },
  };
}

// KEYS: running, starts, seen. ARGV: now, requestId, staleAt, perHour. Running: "id|startedAt|staleAt".
// Staleness is decided with the app's clock (ARGV now), like in this process; Redis's own
// expiry only cleans up, an hour after a request went stale.
const TRY_START = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - ${SEEN_MS})
if redis.call('ZSCORE', KEYS[3], ARGV[2]) then return {'duplicate'} end
local running = redis.call('GET', KEYS[1])
if running and tonumber(string.match(running, '|(%d+)$')) > now then return {'busy'} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - ${HOUR_MS})
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {'rate', oldest[2]}
end
redis.call('ZADD', KEYS[2], now, ARGV[2])
redis.call('PEXPIRE', KEYS[2], ${2 * HOUR_MS})
redis.call('ZADD', KEYS[3], now, ARGV[2])
redis.call('PEXPIRE', KEYS[3], ${SEEN_MS + HOUR_MS})
redis.call('SET', KEYS[1], ARGV[2] .. '|' .. ARGV[1] .. '|' .. ARGV[3], 'PX', math.max(1, tonumber(ARGV[3]) - now) + ${HOUR_MS})
return {'ok'}`;

// KEYS: running. ARGV: requestId. Deletes only the request's own slot.
const FINISH = `
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. '|' then redis.call('DEL', KEYS[1]) end
return 0`;

/** The gate in Redis: one Lua script per decision, so two replicas never both start a member's request. */
export function redisGateStore(redis: () => Promise<RedisClient>): GateStore {
  const keys = (key: string) => [`${KEY_PREFIX}verify:running:${key}`, `${KEY_PREFIX}verify:starts:${key}`, `${KEY_PREFIX}verify:seen:${key}`];
  const parse = (value: string | null): RunningRequest | null => {
    const m = value ? /^([^|]+)\|(\d+)\|(\d+)$/.exec(value) : null;
    return m ? { requestId: m[1], startedAt: Number(m[2]), staleAt: Number(m[3]) } : null;
  };
  const runningNow = async (key: string, now: number): Promise<RunningRequest | null> => {
    const r = parse(await (await redis()).get(keys(key)[0]));
    return r && now < r.staleAt ? r : null;
  };
  return {
    shared: true,
    async tryStart(key, start, perHour) {
      const [result, oldest] = (await (await redis()).eval(TRY_START, 3, ...keys(key), start.startedAt, start.requestId, start.staleAt, perHour)) as [string, string?];
      if (result === 'duplicate') return { ok: false, reason: 'duplicate' };
      if (result === 'busy') return { ok: false, reason: 'busy' };
      if (result === 'rate') return { ok: false, reason: 'rate', oldest: Number(oldest) };
      return { ok: true };
    },
    async finish(key, requestId) {
      await (await redis()).eval(FINISH, 1, keys(key)[0], requestId);
    },
    running: runningNow,
    async seed(key, starts, running, now) {
      const client = await redis();
      const [runningKey, startsKey, seenKey] = keys(key);
      const recent = starts.filter((s) => now - s.startedAt < HOUR_MS);
      if (recent.length > 0) {
        await client.zadd(startsKey, 'NX', ...recent.flatMap((s) => [s.startedAt, s.requestId]));
        await client.pexpire(startsKey, 2 * HOUR_MS);
      }
      const remembered = starts.filter((s) => now - s.startedAt < SEEN_MS);
      if (remembered.length > 0) {
        await client.zadd(seenKey, 'NX', ...remembered.flatMap((s) => [s.startedAt, s.requestId]));
        await client.pexpire(seenKey, SEEN_MS + HOUR_MS);
      }
      if (running && now < running.staleAt && !(await runningNow(key, now))) {
        await client.set(runningKey, `${running.requestId}|${running.startedAt}|${running.staleAt}`, 'PX', running.staleAt - now + HOUR_MS);
      }
    },
  };
}

export const gateStoreOf = (state: SharedState): GateStore => (state.redis ? redisGateStore(state.redis) : memoryGateStore());
