import { createHmac } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeMiddleware, Webhooks } from '@octokit/webhooks';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { webhookGuard } from '../../src/app/webhook-guard.js';
import { webhookExample } from '../helpers/github-examples.js';

/**
 * The guard in front of the real @octokit/webhooks middleware (what Probot serves), over real
 * HTTP: a genuine delivery of GitHub's example payload reaches the handler unchanged; a forged,
 * oversized, length-less or surplus body is answered by the guard and never reaches it.
 */
const SECRET = 'guard-test-secret-0123456789';
const PATH = '/api/github/webhooks';

let server: Server;
let port: number;
const received: { name: string; id: string }[] = [];
const warnings: string[] = [];

function start(maxBytesInFlight?: number): Promise<void> {
  const webhooks = new Webhooks({ secret: SECRET });
  webhooks.onAny(({ id, name }) => void received.push({ id, name }));
  const middleware = createNodeMiddleware(webhooks, { path: PATH });
  const guard = webhookGuard({ path: PATH, secrets: [SECRET], log: { warn: (m) => warnings.push(m) }, maxBytes: 2 * 1024 * 1024, maxBytesInFlight });
  server = createServer((req, res) => void guard(req, res).then((handled) => handled || middleware(req, res, () => res.writeHead(404).end())));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => ((port = (server.address() as AddressInfo).port), resolve())));
}

function post(body: Buffer | string, headers: Record<string, string>, declared?: string | null): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const length = declared === undefined ? String(Buffer.byteLength(body)) : declared;
    const req = request(
      { host: '127.0.0.1', port, path: PATH, method: 'POST', headers: { 'content-type': 'application/json', ...(length === null ? {} : { 'content-length': length }), ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const sign = (body: string | Buffer) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
const headersFor = (event: string, signature: string) => ({ 'x-github-event': event, 'x-github-delivery': crypto.randomUUID(), 'x-hub-signature-256': signature });

beforeAll(() => void nock.enableNetConnect('127.0.0.1'));
afterAll(() => void nock.disableNetConnect());
afterEach(async () => {
  await new Promise((r) => server.close(r));
  received.length = 0;
  warnings.length = 0;
});

describe('the webhook guard in front of Probot', () => {
  it('hands a genuine delivery on, its body intact', async () => {
    await start();
    const body = JSON.stringify(webhookExample('issue_comment', 'created'));
    const headers = headersFor('issue_comment', sign(body));
    expect(await post(body, headers)).toMatchObject({ status: 200 });
    expect(received).toEqual([{ id: headers['x-github-delivery'], name: 'issue_comment' }]);
  });

  it('refuses a forged body with 400 and one short log line, not the payload', async () => {
    await start();
    const body = JSON.stringify({ ...webhookExample('issue_comment', 'created'), padding: 'x'.repeat(1024 * 1024) });
    expect(await post(body, headersFor('issue_comment', `sha256=${'0'.repeat(64)}`))).toMatchObject({ status: 400, body: expect.stringContaining('signature does not match') });
    expect(received).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.length).toBeLessThan(200);
  });

  it('refuses a body over the cap by its declared length, before reading it', async () => {
    await start();
    // 26 MiB declared, a few bytes sent: the answer comes at once, nothing waits for the rest.
    const answer = await post('{}', headersFor('push', sign('{}')), String(26 * 1024 * 1024)).catch((e: Error) => ({ status: -1, body: e.message }));
    expect(answer).toMatchObject({ status: 413 });
    expect(received).toEqual([]);
  });

  it('refuses a body without a declared length (GitHub always sends one)', async () => {
    await start();
    expect(await post('{}', { ...headersFor('push', sign('{}')), 'transfer-encoding': 'chunked' }, null)).toMatchObject({ status: 411 });
    expect(received).toEqual([]);
  });

  it('refuses deliveries past the bytes it may read at once with 503 (GitHub redelivers)', async () => {
    await start(1024);
    const body = JSON.stringify(webhookExample('issue_comment', 'created'));
    expect(Buffer.byteLength(body)).toBeGreaterThan(1024);
    expect(await post(body, headersFor('issue_comment', sign(body)))).toMatchObject({ status: 503 });
    expect(received).toEqual([]);
  });

  it('leaves other routes alone', async () => {
    await start();
    // a chunked POST elsewhere: the guard's length rule is for the webhook path only
    const status = await new Promise<number>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/elsewhere', method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (r) => (r.resume(), resolve(r.statusCode ?? 0)));
      req.end('{}');
    });
    expect(status).toBe(404);
  });
});
