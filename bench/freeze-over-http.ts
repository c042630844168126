/**
 * Issue 17's freezes, over real HTTP: the app as a server process (Probot's `run` with the whole
 * app, bench/app-with-fake-runner.ts) against bench/fake-github.ts, and `/ping` (Probot's own
 * route) asked every 20 ms by this process, open loop, from before the first request to after
 * the last answer. A ping's latency is what a webhook would have waited for the app's event loop.
 *
 * Phases, one after the other in the same process, each pinged throughout:
 * - `idle`: nothing asked (the floor on this machine, at this load);
 * - `benign`: `/verify week1` of an ordinary note (one one-liner);
 * - `headings` (item 1): a note of ten `### a<99,000 spaces>b` headings, each over a one-liner,
 *   under the 1 MiB cap; the reply's table and the Check Run's annotations render every heading;
 * - `guest` (item 5): a compromised guest (test/helpers/compromised-guest.ts) answers with a
 *   512 KiB message, 64 KiB hint and rule, 32 output lines of 64 KiB, all `eyJ-` repeated, in a
 *   4 MiB console: the host reads the console, redacts and caps, the app renders and posts.
 *
 * The runner is the fake verifier (no VM, no bpftrace): what is measured is the app's own work
 * on the member's note and the runner's answer, which is where the freezes were.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webhookExample } from '../test/helpers/github-examples.js';
import { deliver, startApp, testKey, until, type AppProcess } from './app-over-http.js';
import { FakeGitHub } from './fake-github.js';

const OWNER = 'Codertocat';
const REPO = 'Hello-World';
const HEAD = 'c'.repeat(40);
const SECRET = 'freeze-over-http-secret-0123456789';
const BENIGN = "sudo bpftrace -e 'BEGIN { printf(\"hello\\n\"); exit(); }'";

export type FreezePhase = 'idle' | 'benign' | 'headings' | 'guest';
export const PHASES: FreezePhase[] = ['idle', 'benign', 'headings', 'guest'];

/** Who asks in each phase, and their week 1 note. */
const MEMBERS: Record<Exclude<FreezePhase, 'idle'>, { login: string; name: string; note: () => string }> = {
  benign: { login: 'hong-gildong', name: 'hgd', note: () => ['# week 1', '', '### 1. hello', '', '```bash', BENIGN, '```', ''].join('\n') },
  headings: { login: 'jiwoo-kim', name: 'jiwoo', note: headingsNote },
  guest: { login: 'park-minsu', name: 'minsu', note: () => ['# week 1', '', '### 1. a program whose guest lies', '', '```bash', BENIGN, '```', ''].join('\n') },
};

/** Item 1's note: ten headings of 99,000 spaces, each over a one-liner, under the 1 MiB cap. */
export function headingsNote(): string {
  const parts = ['# week 1', ''];
  for (let i = 0; i < 10; i++) parts.push(`### a${' '.repeat(99_000)}b`, '', '```bash', BENIGN, '```', '');
  const note = parts.join('\n');
  if (Buffer.byteLength(note) >= 1024 * 1024) throw new Error('the headings note is over the 1 MiB cap');
  return note;
}

const pathOf = (name: string) => `study/week1/${name}.md`;

export interface PhaseFigures {
  phase: FreezePhase;
  /** ms from the /verify delivery until its reply held the result (undefined: not within the wait) */
  answeredMs?: number;
  pings: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** pings still unanswered when the phase's wait ended (counted with their wait so far) */
  unanswered: number;
}

export interface FreezeRun {
  phases: PhaseFigures[];
  replies: Partial<Record<FreezePhase, string>>;
  checkRuns: any[];
  output: string;
}

export const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);

export interface FreezeOptions {
  /** the longest a phase waits for its answer (a frozen app: the pings still in flight count) */
  waitMs?: number;
  /** the ping interval (open loop) */
  everyMs?: number;
  phases?: FreezePhase[];
}

export async function freezeOverHttp(options: FreezeOptions = {}): Promise<FreezeRun> {
  const waitMs = options.waitMs ?? 180_000;
  const everyMs = options.everyMs ?? 20;
  const phases = options.phases ?? PHASES;
  const roster = Object.values(MEMBERS).map((m) => `  - login: ${m.login}\n    name: ${m.name}\n`).join('');
  const files = new Map<string, string>([['.github/study.yml', `language: ko\nmembers:\n${roster}`]]);
  for (const m of Object.values(MEMBERS)) files.set(pathOf(m.name), m.note());
  const fake = new FakeGitHub({
    owner: OWNER,
    repo: REPO,
    commits: new Map([[HEAD, files]]),
    roles: new Map(Object.values(MEMBERS).map((m) => [m.login, 'write'])),
  });
  const scratch = mkdtempSync(join(tmpdir(), 'study-bot-freeze-'));
  const guestNote = join(scratch, 'guest.md');
  writeFileSync(guestNote, MEMBERS.guest.note());
  let app: AppProcess | null = null;
  const pings = new Map<FreezePhase, number[]>();
  const open = new Map<AbortController, { sent: number; phase: FreezePhase }>();
  let ticker: ReturnType<typeof setInterval> | undefined;
  try {
    const apiPort = await fake.start();
    app = await startApp({
      how: 'tsx',
      entry: 'bench/app-with-fake-runner.ts',
      apiPort,
      secret: SECRET,
      privateKey: testKey(),
      bootTimeoutMs: 300_000,
      env: { STUDY_BOT_BENCH_COMPROMISED: pathOf(MEMBERS.guest.name), STUDY_BOT_BENCH_COMPROMISED_NOTE: guestNote, LOG_LEVEL: 'warn' },
    });
    const port = app.port;
    let phase: FreezePhase = 'idle';
    // Open loop: a ping every `everyMs` whether or not the last one was answered, so a frozen
    // loop shows in every ping sent while it was frozen (a closed loop would count it once).
    const ping = () => {
      const entry = { sent: performance.now(), phase };
      const abort = new AbortController();
      open.set(abort, entry);
      void fetch(`http://127.0.0.1:${port}/ping`, { signal: abort.signal })
        .then((answer) => answer.text())
        .then(
          () => {
            if (!open.delete(abort)) return;
            const list = pings.get(entry.phase) ?? [];
            list.push(performance.now() - entry.sent);
            pings.set(entry.phase, list);
          },
          () => void 0,
        );
    };
    ticker = setInterval(ping, everyMs);
    const figures: PhaseFigures[] = [];
    const replies: FreezeRun['replies'] = {};
    const unansweredAt = new Map<FreezePhase, number>();
    /** Pings of a phase still unanswered now: counted with their wait so far (a lower bound), and dropped. */
    const closePhase = (which: FreezePhase) => {
      const now = performance.now();
      let count = 0;
      for (const [abort, entry] of open) {
        if (entry.phase !== which) continue;
        open.delete(abort);
        abort.abort();
        const list = pings.get(which) ?? [];
        list.push(now - entry.sent);
        pings.set(which, list);
        count++;
      }
      unansweredAt.set(which, count);
    };
    let comment = 0;
    for (const next of phases) {
      phase = next;
      let answeredMs: number | undefined;
      if (next === 'idle') {
        await new Promise((r) => setTimeout(r, 3_000));
      } else {
        const member = MEMBERS[next];
        const payload = webhookExample('issue_comment', 'created');
        Object.assign(payload.comment, { id: 700_000 + ++comment, body: '/verify week1', author_association: 'COLLABORATOR', created_at: new Date().toISOString() });
        payload.comment.user.login = member.login;
        payload.sender.login = member.login;
        payload.installation = { id: 2, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMg==' };
        const runsBefore = fake.checkRunsOn(HEAD).filter((r) => r.status === 'completed').length;
        const started = performance.now();
        await deliver(port, SECRET, 'issue_comment', payload);
        const reply = await until(() => {
          const edits = fake.seen('PATCH', /\/issues\/comments\/\d+$/).map((r) => String(r.body?.body ?? ''));
          return edits.find((body) => body.includes('### 🔬') && body.includes(pathOf(member.name)));
        }, waitMs);
        answeredMs = reply === undefined ? undefined : performance.now() - started;
        replies[next] = reply;
        // the Check Run is completed right after the reply: keep pinging through it
        if (reply !== undefined) await until(() => (fake.checkRunsOn(HEAD).filter((r) => r.status === 'completed').length > runsBefore ? true : undefined), 60_000);
        // and a second more: whatever the app does after posting is in the phase too
        await new Promise((r) => setTimeout(r, 1_000));
      }
      closePhase(next);
      const sorted = [...(pings.get(next) ?? [])].sort((a, b) => a - b);
      figures.push({
        phase: next,
        ...(next === 'idle' ? {} : { answeredMs }),
        pings: sorted.length,
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
        maxMs: sorted.at(-1) ?? NaN,
        unanswered: unansweredAt.get(next) ?? 0,
      });
    }
    clearInterval(ticker);
    ticker = undefined;
    return { phases: figures, replies, checkRuns: fake.checkRunsOn(HEAD), output: app.output() };
  } finally {
    if (ticker) clearInterval(ticker);
    for (const abort of open.keys()) abort.abort();
    await app?.stop();
    await fake.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}
