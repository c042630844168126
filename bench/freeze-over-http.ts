/**
 * Issue 17's freezes, over real HTTP: the app as a server process (src/server.ts; `npm start`
 * runs the same entry once built) against bench/fake-github.ts, and a member's `/verify` whose
 * note holds one attack. While the request runs, `/ping` (Probot's own route) is asked every
 * 25 ms (open loop); its latencies are what a webhook would have waited for the event loop.
 *
 * - `heading`: one one-liner under `### a<99,000 spaces>b` (item 1: the reply's and the
 *   Check Run's rendering ran a regex over the whole heading, 20 s of /ping before).
 * - `message`: a one-liner whose program is `eyJ-` repeated; bpftrace's error quotes the
 *   line, so the runner's message is tens of KiB of `eyJ-` (item 5: the JWT pattern of the
 *   redaction was quadratic over it).
 *
 * The runner is the host driver (STUDY_BOT_VERIFY_DRIVER=host with its unsafe switch): it needs
 * bpftrace and root, not a VM, and the text takes the same way to the renderers as from a VM.
 */
import { webhookExample } from '../test/helpers/github-examples.js';
import { deliver, startApp, testKey, until, type AppProcess } from './app-over-http.js';
import { FakeGitHub } from './fake-github.js';

const OWNER = 'Codertocat';
const REPO = 'Hello-World';
const HEAD = 'c'.repeat(40);
const SECRET = 'freeze-over-http-secret-0123456789';
const MEMBER = 'hong-gildong';

export type FreezeAttack = 'heading' | 'message';

export function attackNote(attack: FreezeAttack): string {
  const benign = "sudo bpftrace -e 'BEGIN { printf(\"hello\\n\"); exit(); }'";
  if (attack === 'heading') return ['# week 1', '', `### a${' '.repeat(99_000)}b`, '', '```bash', benign, '```', ''].join('\n');
  return ['# week 1', '', '### 1. a long program', '', '```bash', `sudo bpftrace -e 'BEGIN { @x = ${'eyJ-'.repeat(16_000)}eyJ; exit(); }'`, '```', ''].join('\n');
}

export interface FreezeResult {
  attack: FreezeAttack;
  /** ms from the /verify delivery until the reply comment held the result (undefined: not within the wait) */
  answeredMs: number | undefined;
  pings: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  reply: string | undefined;
  output: string;
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);

export async function freezeOverHttp(attack: FreezeAttack, how: 'tsx' | 'npm-start' = 'tsx', waitMs = 300_000): Promise<FreezeResult> {
  const fake = new FakeGitHub({
    owner: OWNER,
    repo: REPO,
    commits: new Map([[HEAD, new Map([
      ['.github/study.yml', `language: ko\nmembers:\n  - login: ${MEMBER}\n    name: hgd\n`],
      ['study/week1/hgd.md', attackNote(attack)],
    ])]]),
    roles: new Map([[MEMBER, 'write']]),
  });
  let app: AppProcess | null = null;
  try {
    const apiPort = await fake.start();
    app = await startApp({
      how, apiPort, secret: SECRET, privateKey: testKey(), bootTimeoutMs: 400_000,
      env: { STUDY_BOT_VERIFY_DRIVER: 'host', STUDY_BOT_UNSAFE_HOST_RUNNER: '1' },
    });
    const port = app.port;
    const payload = webhookExample('issue_comment', 'created');
    Object.assign(payload.comment, { body: '/verify week1', author_association: 'COLLABORATOR', created_at: new Date().toISOString() });
    payload.comment.user.login = MEMBER;
    payload.sender.login = MEMBER;
    payload.installation = { id: 2, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMg==' };

    // Open loop: a ping every 25 ms whether or not the last one was answered, so a frozen
    // loop shows in every ping sent while it was frozen (a closed loop would count it once).
    const latencies: number[] = [];
    const inFlight = new Set<Promise<void>>();
    const ping = () => {
      const sent = performance.now();
      const p = fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(600_000) })
        .then((answer) => answer.text())
        .then(() => void latencies.push(performance.now() - sent), () => void latencies.push(performance.now() - sent));
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    };
    const ticker = setInterval(ping, 25);
    const started = performance.now();
    await deliver(port, SECRET, 'issue_comment', payload);
    const reply = await until(() => {
      const edits = fake.seen('PATCH', /\/issues\/comments\/\d+$/).map((r) => String(r.body?.body ?? ''));
      return edits.find((body) => body.includes('### 🔬'));
    }, waitMs);
    const answeredMs = reply === undefined ? undefined : performance.now() - started;
    // the Check Run is completed right after the reply: keep pinging through it
    await until(() => fake.checkRunsOn(HEAD).find((run) => run.status === 'completed') ?? undefined, reply === undefined ? 0 : 60_000);
    clearInterval(ticker);
    await Promise.all(inFlight);
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      attack, answeredMs, pings: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted.at(-1) ?? NaN,
      reply, output: app.output(),
    };
  } finally {
    await app?.stop();
    await fake.stop();
  }
}
