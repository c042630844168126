/**
 * The app as a real server process, over real HTTP, pointed at a local GitHub stand-in
 * (bench/fake-github.ts as a GitHub Enterprise Server: GHE_HOST=127.0.0.1:PORT, GHE_PROTOCOL=http).
 * `npm start` builds first (minutes on a busy machine); `tsx` runs the same entry
 * (src/server.ts) from source, as `npm run dev` does. Either way: its own process group, so
 * stopping it ends every process it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort } from '../test/helpers/free-port.js';

export const CHECKOUT = fileURLToPath(new URL('..', import.meta.url));

export const testKey = (): string => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

export interface AppProcess {
  child: ChildProcess;
  port: number;
  /** the process's output so far (the last 20,000 characters) */
  output(): string;
  /** ms from spawn until its webhook endpoint answered */
  bootMs: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  how: 'npm-start' | 'tsx';
  /** the checkout to run (default: this one) */
  dir?: string;
  /** with `tsx`: the entry to run, relative to `dir` (default: src/server.ts, what `npm run dev` runs) */
  entry?: string;
  apiPort: number;
  secret: string;
  privateKey: string;
  env?: NodeJS.ProcessEnv;
  bootTimeoutMs?: number;
}

/** Starts the app and resolves once its webhook endpoint answers. */
export async function startApp(options: StartOptions): Promise<AppProcess> {
  const dir = options.dir ?? CHECKOUT;
  const port = await freePort();
  // An empty working folder for the tsx run: no developer's .env is read.
  const cwd = options.how === 'tsx' ? mkdtempSync(join(tmpdir(), 'study-bot-app-')) : dir;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    APP_ID: '1',
    PRIVATE_KEY: options.privateKey,
    WEBHOOK_SECRET: options.secret,
    PORT: String(port),
    HOST: '127.0.0.1',
    GHE_HOST: `127.0.0.1:${options.apiPort}`,
    GHE_PROTOCOL: 'http',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    NODE_ENV: 'production',
    ...options.env,
  };
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child =
    options.how === 'tsx'
      ? spawn(process.execPath, ['--import', loader, join(dir, options.entry ?? 'src/server.ts')], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('npm', ['start', '--silent'], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const gone = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const stop = async () => {
    if (!exited && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const killed = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 10_000);
      await gone;
      clearTimeout(killed);
    }
    if (cwd !== dir) rmSync(cwd, { recursive: true, force: true });
  };
  const started = performance.now();
  const deadline = started + (options.bootTimeoutMs ?? 300_000);
  for (;;) {
    const answered = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, { method: 'POST', body: '{}' }).catch(() => null);
    if (answered) {
      await answered.text();
      break;
    }
    if (exited || performance.now() > deadline) {
      await stop();
      throw new Error(`the app did not start (${exited ? 'it exited' : 'timeout'}):\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port, output: () => output, bootMs: performance.now() - started, stop };
}

/** A webhook as GitHub sends it: signed with the app's secret. */
export async function deliver(port: number, secret: string, event: string, payload: unknown, guid: string = crypto.randomUUID(), timeoutMs = 180_000): Promise<{ ms: number; status: number }> {
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': guid, 'x-hub-signature-256': signature },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  }).catch((error: Error) => ({ status: -1, text: async () => error.message }));
  await response.text();
  return { ms: performance.now() - started, status: response.status };
}

/** Polls `probe` every 100 ms until it gives a value or `timeoutMs` passes. */
export async function until<T>(probe: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined || performance.now() > end) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}
