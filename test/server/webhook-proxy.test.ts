import { createServer, type Server } from 'node:http';
import nock from 'nock';
import type { Logger } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWebhookProxy, type WebhookProxy } from '../../src/app/webhook-proxy.js';

function recordingLog() {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (...args: unknown[]) => {
    lines.push({ level, message: args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ') });
  };
  const log = { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal') };
  return { log: log as unknown as Logger, lines };
}

async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('startWebhookProxy (smee-client, real HTTP on 127.0.0.1)', () => {
  let channel: Server;
  let proxy: WebhookProxy | undefined;
  let requests = 0;

  beforeEach(async () => {
    nock.enableNetConnect('127.0.0.1');
    requests = 0;
    // the channel is down for its first two requests, then serves an event stream
    channel = createServer((req, res) => {
      requests++;
      if (requests <= 2) {
        res.writeHead(503).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(': open\n\n');
    });
    await new Promise<void>((resolve) => channel.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    await proxy?.stop();
    channel.closeAllConnections();
    await new Promise((resolve) => channel.close(resolve));
    nock.disableNetConnect();
  });

  it('logs a failed channel, retries after the pause and connects once it is back', async () => {
    const { port } = channel.address() as { port: number };
    const { log, lines } = recordingLog();
    proxy = await startWebhookProxy({
      source: `http://127.0.0.1:${port}/channel`,
      target: 'http://127.0.0.1:1/api/github/webhooks',
      log,
      retryDelaysMs: [50, 100],
    });
    await until(() => lines.some((l) => l.level === 'info' && l.message.includes('Connected')));
    const warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(2);
    expect(warnings[0].message).toMatch(/webhook proxy http:\/\/127\.0\.0\.1:\d+\/channel unreachable \(.*503.*\).*retries in 0 s/);
    expect(requests).toBe(3);
  });

  it('without smee-client installed it says so and starts nothing', async () => {
    const { log, lines } = recordingLog();
    proxy = await startWebhookProxy({ source: 'https://smee.io/x', target: 'http://127.0.0.1:1/', log, createClient: async () => null });
    expect(lines).toEqual([{ level: 'warn', message: expect.stringContaining('smee-client is not installed') }]);
  });
});
