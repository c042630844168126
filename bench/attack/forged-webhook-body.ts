/**
 * Attack review: forged webhooks (no valid WEBHOOK_SECRET signature) of a large body, sent to the
 * app as a server process over real HTTP while /ping is asked every 20 ms. Anyone who can reach
 * the webhook URL can send them. Prints, per body size, the answer status, how long it took,
 * the app's RSS after (from /proc), and /ping's p99 and max meanwhile.
 * Run: node --import tsx bench/attack/forged-webhook-body.ts [MiB...]
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { startApp, testKey } from '../app-over-http.js';
import { FakeGitHub } from '../fake-github.js';

export interface ForgedBodyFigure {
  mib: number;
  status: number | string;
  ms: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  p99Ms: number;
  maxMs: number;
  pings: number;
}

export async function forgedWebhookBodies(sizes: number[]): Promise<ForgedBodyFigure[]> {
const figures: ForgedBodyFigure[] = [];
const fake = new FakeGitHub({ owner: 'Codertocat', repo: 'Hello-World', commits: new Map([['c'.repeat(40), new Map([['.github/study.yml', 'language: ko\n']])]]), roles: new Map() });
const apiPort = await fake.start();
const app = await startApp({ how: 'tsx', apiPort, secret: 'forged-webhook-secret-0123456789', privateKey: testKey(), bootTimeoutMs: 300_000, env: { LOG_LEVEL: 'warn', STUDY_BOT_RECOVERY: 'off' } });
const rss = () => {
  try {
    // the app's process group leader is tsx's node; its RSS is what we read
    const status = readFileSync(`/proc/${app.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return NaN;
  }
};
try {
  for (const mib of sizes) {
    const latencies: number[] = [];
    const ticker = setInterval(() => {
      const t = performance.now();
      void fetch(`http://127.0.0.1:${app.port}/ping`).then((r) => r.text()).then(() => latencies.push(performance.now() - t), () => latencies.push(performance.now() - t));
    }, 20);
    const before = rss();
    const t0 = performance.now();
    const status = await new Promise<number | string>((resolve) => {
      const req = request({ host: '127.0.0.1', port: app.port, path: '/api/github/webhooks', method: 'POST', headers: {
        'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': crypto.randomUUID(),
        'x-hub-signature-256': `sha256=${'0'.repeat(64)}`, 'content-length': String(mib * 1024 * 1024),
      } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      // A refused body is not read to its end: the app may close the connection while this
      // side is still writing (EPIPE, ECONNRESET) before its answer is parsed here.
      req.on('error', (e) => resolve(`error ${e.message}`));
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const write = () => {
        while (sent < mib) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', write);
        }
        req.end();
      };
      write();
    });
    const ms = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 1_000));
    clearInterval(ticker);
    const sorted = latencies.sort((a, b) => a - b);
    const p99 = sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] ?? NaN;
    figures.push({ mib, status, ms, rssBeforeMiB: before, rssAfterMiB: rss(), p99Ms: p99, maxMs: sorted.at(-1) ?? NaN, pings: sorted.length });
    console.log(`${mib} MiB forged body: answer ${status} after ${(ms / 1000).toFixed(1)} s; app RSS ${before.toFixed(0)} → ${rss().toFixed(0)} MiB; /ping p99 ${p99.toFixed(0)} ms, max ${(sorted.at(-1) ?? NaN).toFixed(0)} ms (${sorted.length} pings)`);
  }
} finally {
  await app.stop();
  await fake.stop();
}
return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await forgedWebhookBodies((process.argv.slice(2).length ? process.argv.slice(2) : ['10', '100']).map(Number));
}
