import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { describeNeeding } from './prerequisites.js';
import type { RedisClient } from '../../src/shared-state/shared-state.js';

/**
 * The Redis tests start a real `redis-server` on a loopback port of their own (no persistence,
 * a throwaway folder) and talk to it with ioredis, as the app does with `REDIS_URL`. On a
 * laptop without redis-server they are skipped; in CI (`STUDY_BOT_REQUIRE_EBPF=1`, which
 * `.ci/run` sets for every required prerequisite) a missing one fails instead.
 */
export function missingRedisPrerequisite(): string | null {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore', timeout: 5000 });
  } catch {
    return 'redis-server is not installed (apt-get install redis-server)';
  }
  try {
    createRequire(import.meta.url).resolve('ioredis');
  } catch {
    return 'the ioredis package is not installed (npm ci)';
  }
  return null;
}

const missing = missingRedisPrerequisite();
const required = process.env.STUDY_BOT_REQUIRE_EBPF === '1';

export function describeRedis(name: string, body: () => void): void {
  describeNeeding({ missing, required, variable: 'STUDY_BOT_REQUIRE_EBPF', tests: 'Redis' }, name, body);
}

export interface TestRedis {
  url: string;
  /** a client of the test's own, for looking and for emptying the server between tests */
  client: RedisClient & { flushall(): Promise<unknown>; keys(pattern: string): Promise<string[]> };
  stop(): Promise<void>;
}

/** A redis-server of this test file's own, ready to accept connections. */
export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'study-bot-redis-'));
  const server: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout?.on('data', (d: Buffer) => void (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 20_000);
    const poll = setInterval(() => {
      if (/Ready to accept connections/.test(output)) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve();
      }
    }, 20);
    server.once('exit', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`redis-server exited (${code}):\n${output}`));
    });
  });
  const url = `redis://127.0.0.1:${port}`;
  const { Redis } = createRequire(import.meta.url)('ioredis') as { Redis: new (url: string) => TestRedis['client'] };
  const client = new Redis(url);
  return {
    url,
    client,
    async stop() {
      await client.quit().catch(() => undefined);
      const gone = new Promise<void>((resolve) => server.once('exit', () => resolve()));
      server.kill('SIGTERM');
      await gone;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
