import type { Clock } from '../app/deps.js';

/**
 * "I take this one": a claim that only one process wins for `ttlSeconds`. With `REDIS_URL`
 * (the variable Probot itself reads to share its rate limiting between replicas) claims live
 * in Redis, so two replicas never redeliver the same failed delivery twice; without it they
 * live in this process (one replica runs recovery; see README "Two replicas").
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

/** The few ioredis calls used here (SET key value EX ttl NX). */
interface RedisLike {
  set(key: string, value: string, ex: 'EX', ttl: number, nx: 'NX'): Promise<'OK' | null>;
  quit(): Promise<unknown>;
}

const PREFIX = 'study-bot:claim:';

export function redisClaimsFrom(redis: RedisLike): SharedClaims {
  return {
    shared: true,
    claim: async (key, ttlSeconds) => (await redis.set(PREFIX + key, '1', 'EX', Math.max(1, Math.ceil(ttlSeconds)), 'NX')) === 'OK',
    close: async () => void (await redis.quit()),
  };
}

/**
 * Claims in Redis at `url`. ioredis is what Probot loads for the same variable; it is not a
 * dependency of study-bot's own (most studies run one process): install it next to the app
 * (`npm install ioredis@5`) when you set REDIS_URL.
 */
export async function redisClaims(url: string): Promise<SharedClaims> {
  let Redis: new (url: string, options: object) => RedisLike;
  try {
    const name = 'ioredis';
    ({ default: Redis } = (await import(name)) as { default: typeof Redis });
  } catch {
    throw new Error('REDIS_URL is set but the ioredis package is not installed: run `npm install ioredis@5` next to study-bot');
  }
  return redisClaimsFrom(new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: false }));
}
