import { createRequire } from 'node:module';

/**
 * Where state that must outlive this process and be seen by a second replica is kept, besides
 * GitHub itself: Redis when `REDIS_URL` is set (the variable Probot reads to share its rate
 * limiting between replicas), else nowhere but this process. Each capability builds its own
 * small store on top (recovery claims, the `/verify` gate, pending actions runs); GitHub stays
 * the durable record those stores are rebuilt from after a restart.
 */
export interface SharedState {
  /** the Redis connection, opened on first use; null: this process only */
  readonly redis: (() => Promise<RedisClient>) | null;
  close(): Promise<void>;
}

/**
 * The ioredis calls study-bot makes (declared here, so that building and type-checking do not
 * need the optional package).
 */
export interface RedisClient {
  set(key: string, value: string, ...options: (string | number)[]): Promise<string | null>;
  get(key: string): Promise<string | null>;
  eval(script: string, keys: number, ...args: (string | number)[]): Promise<unknown>;
  zadd(key: string, ...args: (string | number)[]): Promise<number | string | null>;
  pexpire(key: string, ms: number): Promise<number>;
  hset(key: string, field: string, value: string): Promise<number>;
  hget(key: string, field: string): Promise<string | null>;
  hvals(key: string): Promise<string[]>;
  quit(): Promise<unknown>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

const require = createRequire(import.meta.url);

export const processOnly: SharedState = { redis: null, close: async () => {} };

/**
 * A lazily opened connection to `url`. ioredis is an optional dependency (installed with the
 * server, left out of a member's CLI install), so it is loaded only here.
 */
export function redisState(url: string): SharedState {
  let client: Promise<RedisClient> | null = null;
  const open = async (): Promise<RedisClient> => {
    let Ctor: new (url: string, options: object) => RedisClient;
    try {
      // ioredis is CommonJS; required by name so a checkout without it still builds.
      ({ Redis: Ctor } = require('ioredis') as { Redis: typeof Ctor });
    } catch {
      throw new Error(
        'REDIS_URL이 설정됐지만 ioredis 패키지가 없습니다: 서버를 lock 파일로 설치하세요 (npm ci --omit=dev). ' +
          '(REDIS_URL is set but the ioredis package is missing: install the server from the lock file, npm ci --omit=dev.)',
      );
    }
    const redis = new Ctor(url, { maxRetriesPerRequest: 2 });
    // A lost connection is retried by ioredis; each command that fails meanwhile says so itself.
    redis.on('error', () => {});
    return redis;
  };
  return {
    redis: () => (client ??= open()),
    async close() {
      const opened = client;
      client = null;
      if (opened) await (await opened).quit().catch(() => undefined);
    },
  };
}

export function sharedStateFromEnv(env: NodeJS.ProcessEnv = process.env): SharedState {
  return env.REDIS_URL ? redisState(env.REDIS_URL) : processOnly;
}

/** Every key study-bot writes starts with this, so one Redis can serve other apps too. */
export const KEY_PREFIX = 'study-bot:';
