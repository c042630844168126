/**
 * Issue 9's "done when", over real HTTP: the app runs as `npm start` runs it (Probot's own
 * server, APP_ID / PRIVATE_KEY / WEBHOOK_SECRET), pointed at a local GitHub Enterprise
 * Server stand-in (bench/fake-github.ts). A member pushes notes of every pathological shape;
 * at once another member comments `/출석` and an outsider comments fifty unknown commands on
 * top of 20 KB of list markers. The figures: how long GitHub would wait for each webhook's
 * answer, when the `/출석` got its answer, how many replies the outsider got, and when the
 * push's check run completed.
 *
 * `npm start` builds before it serves (dist/), so the app gets five minutes to come up.
 * `STUDY_BOT_APP_DIR=/path/to/other/checkout npm run bench webhooks` measures another
 * checkout (that is how the "before" figures were taken). Skipped unless
 * `STUDY_BOT_BENCH_HTTP=1`: it starts a server and waits on a real clock.
 */
import nock from 'nock';
import { webhookExample } from '../test/helpers/github-examples.js';
import { CHECKOUT, deliver as deliverSigned, startApp, testKey, until as untilWithin } from './app-over-http.js';
import { FakeGitHub } from './fake-github.js';
import { PATHOLOGICAL_SHAPES } from './pathological-shapes.js';
import { pushesWhileDown, WITHIN_MS } from './pushes-while-down.js';

const OWNER = 'Codertocat';
const REPO = 'Hello-World';
const BASE = 'a'.repeat(40);
const AFTER = 'b'.repeat(40);
const SECRET = 'bench-webhook-secret-0123456789';
const WAIT_MS = 180_000;

const config = `language: ko
members:
  - login: hong-gildong
    name: hgd
  - login: kim-chulsoo
    name: kcs
${PATHOLOGICAL_SHAPES.map((_, i) => `  - login: member-${i}\n    name: m${i}`).join('\n')}
`;

function repository() {
  const base = new Map([
    ['.github/study.yml', config],
    ['README.md', '# eBPF 스터디\n'],
  ]);
  const after = new Map(base);
  PATHOLOGICAL_SHAPES.forEach((shape, i) => after.set(`study/week1/m${i}.md`, shape.text));
  return { owner: OWNER, repo: REPO, commits: new Map([[BASE, base], [AFTER, after]]), roles: new Map([['hong-gildong', 'write'], ['kim-chulsoo', 'write']]) };
}

function pushPayload(paths: string[]) {
  const p = webhookExample('push');
  Object.assign(p, { ref: 'refs/heads/main', before: BASE, after: AFTER, created: false, deleted: false, forced: false });
  p.repository.default_branch = 'main';
  p.repository.master_branch = 'main';
  p.repository.pushed_at = Math.floor(Date.now() / 1000);
  p.sender.login = 'hong-gildong';
  p.pusher = { name: 'hong-gildong', email: 'hong@example.com' };
  const commit = { ...(p.head_commit ?? {}), id: AFTER, tree_id: AFTER, distinct: true, message: 'week 1', timestamp: new Date().toISOString(), added: paths, removed: [], modified: [] };
  p.commits = [commit];
  p.head_commit = commit;
  p.installation = { id: 2, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMg==' };
  return p;
}

function commentPayload(id: number, issue: number, login: string, association: string, body: string) {
  const p = webhookExample('issue_comment', 'created');
  p.issue.number = issue;
  Object.assign(p.comment, { id, body, author_association: association, created_at: new Date().toISOString() });
  p.comment.user.login = login;
  p.comment.user.type = 'User';
  p.sender.login = login;
  p.installation = { id: 2, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMg==' };
  return p;
}

export async function benchWebhooksOverHttp() {
  if (process.env.STUDY_BOT_BENCH_HTTP !== '1') return [];
  nock.enableNetConnect('127.0.0.1'); // this bench talks to its own local servers only
  const fake = new FakeGitHub(repository());
  const apiPort = await fake.start();
  const dir = process.env.STUDY_BOT_APP_DIR ?? CHECKOUT;
  let app: Awaited<ReturnType<typeof startApp>> | null = null;
  try {
    app = await startApp({ how: 'npm-start', dir, apiPort, secret: SECRET, privateKey: testKey(), env: { LOG_LEVEL: 'warn' } });
    const appPort = app.port;
    const bootMs = app.bootMs;
    const deliver = (event: string, payload: unknown) => deliverSigned(appPort, SECRET, event, payload, crypto.randomUUID(), WAIT_MS);
    const until = <T>(probe: () => T | undefined, timeoutMs = WAIT_MS) => untilWithin(probe, timeoutMs);

    const paths = PATHOLOGICAL_SHAPES.map((_, i) => `study/week1/m${i}.md`);
    const push = await deliver('push', pushPayload(paths));
    // The comments must arrive while the notes are being parsed: once the app has read every
    // blob of the push, parsing is what it does next.
    await until(() => (fake.seen('GET', /\/git\/blobs\//).length >= paths.length ? true : undefined), 60_000);
    await new Promise((r) => setTimeout(r, 300));
    const checkInSent = performance.now();
    const checkIn = await deliver('issue_comment', commentPayload(7001, 1, 'kim-chulsoo', 'COLLABORATOR', '/출석'));
    // 20 KB of nested list markers (remark took 21 s on them) and fifty unknown commands.
    const flood = `${'- '.repeat(10_000)}x\n\n${'/zz\n'.repeat(50)}`;
    const outsider = await deliver('issue_comment', commentPayload(7002, 2, 'stranger', 'NONE', flood));

    const answered = await until(() => fake.requests.find((r) => (r.method === 'POST' && /comments\/7001\/reactions$/.test(r.path)) || (r.method === 'POST' && /\/issues\/1\/comments$/.test(r.path))));
    const completed = await until(() =>
      fake.requests.find((r) => (r.method === 'POST' || r.method === 'PATCH') && /check-runs/.test(r.path) && r.body?.status === 'completed' && (r.method === 'PATCH' || r.body?.head_sha === AFTER)),
    );
    // Replies to the outsider trickle out (Probot spaces writes): wait until the app is quiet for 5 s.
    for (let last = fake.requests.length, quietSince = performance.now(); performance.now() - quietSince < 5_000; ) {
      await new Promise((r) => setTimeout(r, 250));
      if (fake.requests.length !== last) [last, quietSince] = [fake.requests.length, performance.now()];
      if (performance.now() - checkInSent > WAIT_MS + 120_000) break;
    }
    const outsiderReplies = fake.seen('POST', /\/issues\/2\/comments$/).length;
    const outsiderReactions = fake.seen('POST', /comments\/7002\/reactions$/).map((r) => r.body?.content).join(', ') || 'none';
    const run = completed?.body;
    // Every note should carry its file-complexity finding, in the run's text or its annotations.
    const runBodies = fake.requests.filter((r) => /check-runs/.test(r.path)).map((r) => JSON.stringify(r.body ?? ''));
    const refused = PATHOLOGICAL_SHAPES.filter((_, i) => runBodies.some((b) => b.includes(`m${i}.md`) && b.includes('file-complexity'))).length;
    const answer = answered ? (answered.body?.content ? `reaction ${answered.body.content}` : `reply: ${String(answered.body?.body ?? '').replace(/\s+/g, ' ').slice(0, 60)}`) : 'none';
    return [
      {
        name: `webhooks over real HTTP while ${PATHOLOGICAL_SHAPES.length} pathological notes are checked (${dir === CHECKOUT ? 'this checkout' : dir})`,
        figures: {
          'app start (ms)': bootMs,
          'push webhook answered (ms)': push.status === 200 ? push.ms : `status ${push.status} after ${push.ms.toFixed(0)} ms`,
          '/출석 webhook answered (ms)': checkIn.status === 200 ? checkIn.ms : `status ${checkIn.status} after ${checkIn.ms.toFixed(0)} ms`,
          '/출석 reaction or reply after (ms)': answered ? answered.at - checkInSent : `none within ${WAIT_MS / 1000} s`,
          '/출석 answer': answer,
          'outsider flood webhook answered (ms)': outsider.status === 200 ? outsider.ms : `status ${outsider.status}`,
          'replies to the outsider': outsiderReplies,
          'reactions to the outsider': outsiderReactions,
          'check run completed, after the /출석 was sent (s)': completed ? (completed.at - checkInSent) / 1000 : `not within ${WAIT_MS / 1000} s`,
          'check run conclusion': run?.conclusion ?? 'none',
          'notes with a file-complexity finding': `${refused}/${PATHOLOGICAL_SHAPES.length}`,
          'routes the fake did not know': fake.unknown.length ? [...new Set(fake.unknown)].slice(0, 5).join(', ') : 'none',
        },
      },
    ];
  } finally {
    await app?.stop();
    await fake.stop();
    nock.disableNetConnect();
  }
}

/**
 * Two pushes made while the app was down (two failed deliveries in GitHub's log): how long
 * after `npm start` each commit has its check run, and how many check runs each ever gets
 * (after the first start, and after a second one). `STUDY_BOT_BENCH_START=tsx` runs the
 * server from source instead of building it first.
 */
export async function benchPushesWhileDown() {
  if (process.env.STUDY_BOT_BENCH_HTTP !== '1') return [];
  nock.enableNetConnect('127.0.0.1');
  try {
    const how = process.env.STUDY_BOT_BENCH_START === 'tsx' ? 'tsx' : 'npm-start';
    const dir = process.env.STUDY_BOT_APP_DIR ?? CHECKOUT;
    const r = await pushesWhileDown(how, dir);
    const within = (ms: number | undefined) => (ms === undefined ? `not within ${WITHIN_MS / 1000} s` : ms / 1000);
    return [
      {
        name: `two pushes made while the app was down (${how === 'tsx' ? 'tsx src/server.ts' : 'npm start'}, ${dir === CHECKOUT ? 'this checkout' : dir})`,
        figures: {
          'app start, spawn to listening (s)': r.bootMs / 1000,
          'first push checked, after spawn (s)': within(r.firstCheckedMs),
          'second push checked, after spawn (s)': within(r.secondCheckedMs),
          'check runs per commit after the first start': r.runsAfterFirstStart.join(' / '),
          'check runs per commit after a second start': r.runsAfterSecondStart.join(' / '),
          'redeliveries asked for (both starts)': r.redeliveries,
          'redeliveries answered with': r.redeliveryAnswers.join(', ') || 'none',
          'routes the fake did not know': r.routesUnknown.slice(0, 5).join(', ') || 'none',
        },
      },
    ];
  } finally {
    nock.disableNetConnect();
  }
}
