import { KEY_PREFIX, type RedisClient, type SharedState } from '../shared-state/shared-state.js';
import type { PendingRun } from './pending-runs.js';

/**
 * Where dispatched actions runs wait for their `workflow_run.completed`: this process, or
 * Redis when the app has it, so the replica that receives the completion finds the run another
 * replica dispatched. `take` is atomic: of two replicas handed the same completion (or a
 * completion racing the deadline), one gets the run.
 */
export interface PendingStore {
  readonly shared: boolean;
  put(run: PendingRun): Promise<void>;
  get(requestId: string): Promise<PendingRun | null>;
  take(requestId: string): Promise<PendingRun | null>;
  all(): Promise<PendingRun[]>;
}

export function memoryPendingStore(): PendingStore {
  const runs = new Map<string, PendingRun>();
  return {
    shared: false,
    async put(run) {
      runs.set(run.job.requestId, run);
    },
    async get(id) {
      return runs.get(id) ?? null;
    },
    async take(id) {
      const run = runs.get(id) ?? null;
      runs.delete(id);
      return run;
    },
    async all() {
      return [...runs.values()];
    },
  };
}

const HASH = `${KEY_PREFIX}verify:pending`;
const TAKE = `local v = redis.call('HGET', KEYS[1], ARGV[1])
if v then redis.call('HDEL', KEYS[1], ARGV[1]) end
return v`;

export function redisPendingStore(redis: () => Promise<RedisClient>): PendingStore {
  const parse = (json: string | null): PendingRun | null => {
    if (!json) return null;
    try {
      return JSON.parse(json) as PendingRun;
    } catch {
      return null;
    }
  };
  return {
    shared: true,
    async put(run) {
      await (await redis()).hset(HASH, run.job.requestId, JSON.stringify(run));
    },
    async get(id) {
      return parse(await (await redis()).hget(HASH, id));
    },
    async take(id) {
      return parse((await (await redis()).eval(TAKE, 1, HASH, id)) as string | null);
    },
    async all() {
      return (await (await redis()).hvals(HASH)).map(parse).filter((r): r is PendingRun => r !== null);
    },
  };
}

export const pendingStoreOf = (state: SharedState): PendingStore => (state.redis ? redisPendingStore(state.redis) : memoryPendingStore());
