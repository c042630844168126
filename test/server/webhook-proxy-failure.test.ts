import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** Resolves when `test` matches the output so far; rejects if the process exits first. */
function waitForOutput(child: ChildProcess, output: () => string, test: RegExp, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${test} within ${ms} ms; output:\n${output()}`)), ms);
    const poll = setInterval(() => {
      if (test.test(output())) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve();
      }
    }, 50);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      if (test.test(output())) resolve();
      else reject(new Error(`server exited (${code ?? signal}) before ${test}; output:\n${output()}`));
    });
  });
}

describe('npm start with an unreachable webhook proxy (WEBHOOK_PROXY_URL)', () => {
  let child: ChildProcess | undefined;
  let cwd: string;

  beforeEach(() => {
    // an empty working folder: no .env of the developer's is read
    cwd = mkdtempSync(join(tmpdir(), 'study-bot-server-'));
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => {
    // tsx runs the server in a child of its own: end the whole process group, not just tsx.
    if (child?.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    child = undefined;
    rmSync(cwd, { recursive: true, force: true });
    nock.disableNetConnect();
  });

  it('logs the failure and keeps serving webhooks instead of crashing (ENOTFOUND)', async () => {
    const port = await freePort();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    let output = '';
    child = spawn(join(repo, 'node_modules/.bin/tsx'), [join(repo, 'src/server.ts')], {
      cwd,
      env: {
        PATH: process.env.PATH,
        APP_ID: '1',
        PRIVATE_KEY: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
        WEBHOOK_SECRET: 'a-real-secret-for-this-test',
        // `.invalid` never resolves (RFC 2606): the same getaddrinfo ENOTFOUND as smee.io offline
        WEBHOOK_PROXY_URL: 'https://smee.invalid/study-bot-test',
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

    await waitForOutput(child, () => output, /webhook proxy[^\n]*unreachable[^\n]*ENOTFOUND/i, 20_000);
    // still alive after the failure, and the webhook server answers
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(child.exitCode).toBeNull();
    const ping = await fetch(`http://127.0.0.1:${port}/ping`);
    expect(ping.status).toBe(200);
    expect(await ping.text()).toBe('PONG');
  }, 40_000);
});
