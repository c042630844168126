/**
 * Issue 9's "nothing lost while down", over real HTTP: two members push while the app is
 * down, so GitHub's delivery log holds two failed push deliveries (and the repository's events
 * hold both pushes). Then the app starts (a real server process), and the figures are how long
 * until each commit has its check run, and how many check runs each commit ever gets: across
 * the first recovery pass (redelivery and the start-time reconcile racing each other) and
 * across a second start of the app.
 *
 * GitHub here is bench/fake-github.ts: it answers the delivery log and `POST …/attempts` with
 * GitHub's documented shapes (@octokit/openapi) and, like GitHub, delivers the payload again,
 * signed, to the app's webhook URL. Payloads are @octokit/webhooks-examples' push, events
 * GitHub's `repo-events-items` example.
 */
import { openapiExample, webhookExample } from '../test/helpers/github-examples.js';
import { CONFIG_TEXT, GOOD_HGD, GOOD_KCS } from '../test/helpers/push-world.js';
import { startApp, testKey, until, type AppProcess } from './app-over-http.js';
import { FakeGitHub } from './fake-github.js';

const OWNER = 'Codertocat';
const REPO = 'Hello-World';
const SECRET = 'bench-webhook-secret-0123456789';
export const BASE = 'a'.repeat(40);
export const FIRST = 'c'.repeat(40);
export const SECOND = 'd'.repeat(40);
export const WITHIN_MS = 180_000;

function repository() {
  const base = new Map([
    ['.github/study.yml', CONFIG_TEXT],
    ['README.md', '# eBPF 스터디\n'],
  ]);
  const first = new Map(base).set('study/week1/hgd.md', GOOD_HGD);
  const second = new Map(first).set('study/week1/kcs.md', GOOD_KCS);
  const id = webhookExample('push').repository.id as number;
  return { owner: OWNER, repo: REPO, id, commits: new Map([[BASE, base], [FIRST, first], [SECOND, second]]), roles: new Map<string, string>() };
}

function pushPayload(before: string, after: string, pusher: string, path: string, at: Date) {
  const p = webhookExample('push');
  Object.assign(p, { ref: 'refs/heads/main', before, after, created: false, deleted: false, forced: false });
  p.repository.default_branch = 'main';
  p.repository.master_branch = 'main';
  p.repository.pushed_at = Math.floor(at.getTime() / 1000);
  p.sender.login = pusher;
  p.pusher = { name: pusher, email: `${pusher}@users.noreply.github.com` };
  const commit = { ...(p.head_commit ?? {}), id: after, tree_id: after, distinct: true, message: 'week 1', timestamp: at.toISOString(), added: [path], removed: [], modified: [] };
  p.commits = [commit];
  p.head_commit = commit;
  p.installation = { id: 2, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMg==' };
  return p;
}

function pushEvent(before: string, head: string, pusher: string, at: Date) {
  const [example] = openapiExample<any[]>('repo-events-items');
  return { ...example, actor: { ...example.actor, login: pusher }, created_at: at.toISOString(), payload: { ...example.payload, ref: 'refs/heads/main', head, before } };
}

export interface WhileDownResult {
  /** ms from spawning the app until its webhook endpoint answered */
  bootMs: number;
  /** ms from spawning the app until each commit had a completed check run (undefined: not within WITHIN_MS) */
  firstCheckedMs: number | undefined;
  secondCheckedMs: number | undefined;
  /** check runs each commit got from the first start, and after the second start */
  runsAfterFirstStart: [number, number];
  runsAfterSecondStart: [number, number];
  /** redeliveries the app asked GitHub for, over both starts */
  redeliveries: number;
  /** what the redelivered webhooks were answered with */
  redeliveryAnswers: number[];
  routesUnknown: string[];
  output: string;
}

/** Waits until the app has sent nothing to GitHub for `quietMs` (and no redelivery is on its way). */
async function quiet(fake: FakeGitHub, quietMs: number, capMs: number): Promise<void> {
  const end = performance.now() + capMs;
  let last = fake.requests.length;
  let since = performance.now();
  while (performance.now() - since < quietMs && performance.now() < end) {
    await new Promise((r) => setTimeout(r, 200));
    if (fake.requests.length !== last || fake.inFlight.size > 0) [last, since] = [fake.requests.length, performance.now()];
  }
}

/**
 * `scenario.agoMs`: how long before the app starts each push was made (default 4 and 3 minutes);
 * `eventsListed: false`: the repository's events do not show them yet (GitHub documents the
 * events API as 30 s to 6 h late); `withinMs`: how long the commits are waited for;
 * `secondStart: false`: one start only.
 */
export interface WhileDownScenario {
  agoMs?: [number, number];
  eventsListed?: boolean;
  withinMs?: number;
  secondStart?: boolean;
}

export async function pushesWhileDown(how: 'npm-start' | 'tsx', dir?: string, scenario: WhileDownScenario = {}): Promise<WhileDownResult> {
  const fake = new FakeGitHub(repository());
  const apiPort = await fake.start();
  const privateKey = testKey();
  const within = scenario.withinMs ?? WITHIN_MS;
  // While the app was down: two pushes (4 and 3 minutes ago by default); GitHub could not connect.
  const now = Date.now();
  const [ago1, ago2] = scenario.agoMs ?? [4 * 60_000, 3 * 60_000];
  const at1 = new Date(now - ago1);
  const at2 = new Date(now - ago2);
  const push1 = pushPayload(BASE, FIRST, 'hong-gildong', 'study/week1/hgd.md', at1);
  const push2 = pushPayload(FIRST, SECOND, 'kim-chulsoo', 'study/week1/kcs.md', at2);
  const down = { statusCode: 0, status: 'failed to connect to host' };
  const loggedAfter = Math.min(1_000, ago2 / 2);
  fake.logDelivery({ guid: 'c0ffee00-0000-11f0-8000-000000000001', event: 'push', payload: push1, at: new Date(at1.getTime() + loggedAfter), ...down });
  fake.logDelivery({ guid: 'c0ffee00-0000-11f0-8000-000000000002', event: 'push', payload: push2, at: new Date(at2.getTime() + loggedAfter), ...down });
  fake.events = scenario.eventsListed === false ? [] : [pushEvent(FIRST, SECOND, 'kim-chulsoo', at2), pushEvent(BASE, FIRST, 'hong-gildong', at1)];

  const completed = (sha: string) => fake.checkRunsOn(sha).filter((r) => r.status === 'completed').length > 0;
  const runs = (): [number, number] => [fake.checkRunsOn(FIRST).length, fake.checkRunsOn(SECOND).length];
  let app: AppProcess | null = null;
  let output = '';
  try {
    const spawned = performance.now();
    app = await startApp({ how, dir, apiPort, secret: SECRET, privateKey });
    fake.webhookTarget = { url: `http://127.0.0.1:${app.port}/api/github/webhooks`, secret: SECRET };
    const bootMs = app.bootMs;
    const firstAt = until(() => (completed(FIRST) ? performance.now() : undefined), within - (performance.now() - spawned));
    const secondAt = until(() => (completed(SECOND) ? performance.now() : undefined), within - (performance.now() - spawned));
    const [first, second] = await Promise.all([firstAt, secondAt]);
    // Everything the pass started (the reconcile, the other path of the race) has settled.
    await quiet(fake, 5_000, 60_000);
    const runsAfterFirstStart = runs();
    output += app.output();
    await app.stop();
    if (scenario.secondStart === false) {
      return {
        bootMs,
        firstCheckedMs: first === undefined ? undefined : first - spawned,
        secondCheckedMs: second === undefined ? undefined : second - spawned,
        runsAfterFirstStart,
        runsAfterSecondStart: runsAfterFirstStart,
        redeliveries: fake.seen('POST', /^\/app\/hook\/deliveries\/\d+\/attempts$/).length,
        redeliveryAnswers: fake.deliveries.filter((d) => d.redelivery).map((d) => d.status_code),
        routesUnknown: [...new Set(fake.unknown)],
        output,
      };
    }

    // A second start: the log now shows the redeliveries answered, the events still show both pushes.
    const passes = fake.seen('GET', /^\/app\/hook\/deliveries$/).length;
    app = await startApp({ how, dir, apiPort, secret: SECRET, privateKey });
    fake.webhookTarget = { url: `http://127.0.0.1:${app.port}/api/github/webhooks`, secret: SECRET };
    await until(() => (fake.seen('GET', /^\/repos\/[^/]+\/[^/]+\/events$/).length >= 2 && fake.seen('GET', /^\/app\/hook\/deliveries$/).length > passes ? true : undefined), 120_000);
    await quiet(fake, 5_000, 60_000);
    output += app.output();
    const redeliveries = fake.seen('POST', /^\/app\/hook\/deliveries\/\d+\/attempts$/).length;
    return {
      bootMs,
      firstCheckedMs: first === undefined ? undefined : first - spawned,
      secondCheckedMs: second === undefined ? undefined : second - spawned,
      runsAfterFirstStart,
      runsAfterSecondStart: runs(),
      redeliveries,
      redeliveryAnswers: fake.deliveries.filter((d) => d.redelivery).map((d) => d.status_code),
      routesUnknown: [...new Set(fake.unknown)],
      output,
    };
  } finally {
    await app?.stop();
    await Promise.all([...fake.inFlight]);
    await fake.stop();
  }
}
