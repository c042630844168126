import type { Clock } from '../app/deps.js';
import { KEY_PREFIX, type RedisClient, type SharedState } from './shared-state.js';

/**
 * "I take this one": a claim that only one process wins for `ttlSeconds`. With `REDIS_URL`
 * (the variable Probot itself reads to share its rate limiting between replicas) claims live
 * in Redis, so two replicas never redeliver the same failed delivery twice; without it they
 * live in this process (one replica runs recovery; see docs/running-the-app.md, "Two replicas").
 */
export interface SharedClaims {
  readonly shared: boolean;
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  close(): Promise<void>;
}

export function memoryClaims(clock: Clock): SharedClaims {
  const until = new Map<string, number>();
  return {
    shared: false,
    async claim(key, ttlSeconds) {
      const now = clock.now().getTime();
      for (const [k, t] of until) if (t <= now) until.delete(k);
      if (until.has(key)) return false;
      until.set(key, now + ttlSeconds * 1000);
      return true;
    },
    async close() {},
  };
}

const PREFIX = `${KEY_PREFIX}claim:`;

/** Claims in Redis (`SET key 1 EX ttl NX`): one replica wins each key. */
export function redisClaims(redis: () => Promise<Pick<RedisClient, 'set'>>): SharedClaims {
  return {
    shared: true,
    claim: async (key, ttlSeconds) => (await (await redis()).set(PREFIX + key, '1', 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX')) === 'OK',
    // the connection belongs to the app's SharedState, which closes it
    close: async () => {},
  };
}

/** The claims of `state`: in Redis when the app has it, else in this process. */
export const claimsOf = (state: SharedState, clock: Clock): SharedClaims => (state.redis ? redisClaims(state.redis) : memoryClaims(clock));
