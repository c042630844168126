/**
 * A whole study for the reminders and digests, over real HTTP: the app (createApp, every
 * capability) against the local GitHub stand-in, one clock for GitHub and every replica, and
 * each replica's timer stepped by the test (nothing really waits). Pushes and check-ins go
 * through the app's webhooks as GitHub would send them; the check runs the app creates come
 * back as `check_run.completed`.
 */
import { readFileSync } from 'node:fs';
import { Probot } from 'probot';
import type { AttendanceDeps } from '../../src/attendance/attendance-options.js';
import { createApp } from '../../src/app/create-app.js';
import type { Timer } from '../../src/app/deps.js';
import { CONFIG_PATH } from '../../src/config/schema.js';
import type { NudgeHandle } from '../../src/nudges/scheduler.js';
import { redisState, type SharedState } from '../../src/shared-state/shared-state.js';
import { FakeGitHubServer } from './fake-github-server.js';
import { webhookExample } from './github-examples.js';
import { testOctokit, testPrivateKey } from './probot-app.js';
import { FakeCommit, OWNER, REPO } from './push-github.js';
import { checkRunCompleted } from './push-and-report.js';
import { pushPayload, sha } from './push-probot.js';

export const WORLD_SECRET = 'nudge-world-secret';

/** A note of the labelled corpus (test/fixtures/corpus), by file name. */
export const corpusNote = (file: string): string => {
  for (const folder of ['notes', 'holdout']) {
    try {
      return readFileSync(new URL(`../fixtures/corpus/${folder}/${file}`, import.meta.url), 'utf8');
    } catch {
      // the other folder
    }
  }
  throw new Error(`no corpus note ${file}`);
};

interface Replica {
  name: string;
  probot: Probot;
  handle: NudgeHandle;
  tasks: { at: number; task: () => void; cancelled: boolean }[];
  shared: SharedState | undefined;
  stopped: boolean;
}

export async function nudgeWorld(options: { start: number; discordUrl?: string; maxSleepMs?: number }) {
  const time = { now: options.start };
  const server = new FakeGitHubServer(OWNER, REPO);
  server.now = () => new Date(time.now);
  await server.start();
  const background: Promise<unknown>[] = [];
  const errors: unknown[] = [];
  const replicas: Replica[] = [];

  async function startReplica(name: string, redisUrl?: string): Promise<Replica> {
    const tasks: Replica['tasks'] = [];
    const timer: Timer = {
      schedule(delayMs, task) {
        const entry = { at: time.now + Math.max(0, delayMs), task, cancelled: false };
        tasks.push(entry);
        return () => void (entry.cancelled = true);
      },
    };
    const shared = redisUrl ? redisState(redisUrl) : undefined;
    let handle: NudgeHandle | undefined;
    const deps: AttendanceDeps & Parameters<typeof createApp>[0] = {
      clock: { now: () => new Date(time.now) },
      background: (task) => void background.push(task().catch((error: unknown) => errors.push(error))),
      timer,
      ...(shared ? { shared } : {}),
      attendance: { ledgerSecrets: [WORLD_SECRET], retryDelaysMs: [0, 0], followUpDelaysMs: [] },
      recovery: null,
      nudges: { startDelayMs: 1_000, maxSleepMs: options.maxSleepMs ?? 24 * 3_600_000, mirrors: { discordUrl: options.discordUrl, timeoutMs: 2_000 } },
      onNudges: (h) => void (handle = h),
    };
    const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: testOctokit(), baseUrl: server.baseUrl, logLevel: 'fatal' });
    await probot.load(createApp(deps));
    const replica: Replica = { name, probot, handle: handle!, tasks, shared, stopped: false };
    replicas.push(replica);
    return replica;
  }

  async function stopReplica(replica: Replica): Promise<void> {
    replica.stopped = true;
    replica.handle.stop();
    await replica.handle.settled();
    await settle();
    await replica.shared?.close();
  }

  async function settle(): Promise<void> {
    while (background.length > 0) await Promise.all(background.splice(0));
    if (errors.length > 0) throw errors.splice(0)[0] as Error;
  }

  const live = () => replicas.filter((r) => !r.stopped);

  /** Moves the clock to `target`, running every timer task that falls due on the way, in order (replicas at the same instant together). */
  async function advanceTo(target: number): Promise<void> {
    for (;;) {
      const due = live().flatMap((r) => r.tasks.filter((t) => !t.cancelled && t.at <= target));
      if (due.length === 0) break;
      const at = Math.min(...due.map((t) => t.at));
      time.now = Math.max(time.now, at);
      for (const t of due.filter((d) => d.at === at)) {
        t.cancelled = true;
        t.task();
      }
      await Promise.all(live().map((r) => r.handle.settled()));
      await settle();
      await new Promise((resolve) => setImmediate(resolve));
    }
    time.now = Math.max(time.now, target);
  }

  let head = new FakeCommit(sha('nudge-world-0'), []);
  let pushes = 0;

  /** A push to the default branch by `sender`, at the current time, with the check runs' completion after it. */
  async function push(sender: string, files: Record<string, string>, receiver = live()[0]): Promise<void> {
    const before = head;
    const after = before.with(sha(`nudge-world-${++pushes}`), { set: Object.entries(files).map(([path, content]) => ({ path, content })) });
    server.add(after);
    head = after;
    const runsBefore = server.checkRuns.length;
    const payload = pushPayload({
      before: before.sha,
      after: after.sha,
      sender,
      pushedAt: new Date(time.now),
      defaultBranch: 'master',
      commits: [{ added: Object.keys(files).filter((p) => !before.files.has(p)), modified: Object.keys(files).filter((p) => before.files.has(p)) }],
    });
    await receiver.probot.receive({ id: `push-${pushes}`, name: 'push', payload } as never);
    await settle();
    for (const run of server.checkRuns.slice(runsBefore)) {
      await receiver.probot.receive({ id: `run-${run.id}`, name: 'check_run', payload: checkRunCompleted(run, (payload as any).repository) } as never);
      await settle();
    }
  }

  let comments = 0;
  /** A comment by `login` on the report issue (a command), at the current time. */
  async function comment(login: string, body: string, receiver = live()[0]): Promise<void> {
    const payload = webhookExample('issue_comment', 'created');
    payload.comment.body = body;
    payload.comment.id = 500_000 + ++comments;
    payload.comment.user.login = login;
    payload.comment.user.type = 'User';
    payload.comment.author_association = 'COLLABORATOR';
    payload.comment.created_at = new Date(time.now).toISOString();
    payload.sender.login = login;
    payload.repository = { ...payload.repository, owner: { ...payload.repository.owner, login: OWNER }, name: REPO, full_name: `${OWNER}/${REPO}` };
    payload.installation = { id: 1, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
    await receiver.probot.receive({ id: `comment-${comments}`, name: 'issue_comment', payload } as never);
    await settle();
  }

  return {
    server,
    time,
    startReplica,
    stopReplica,
    advanceTo,
    push,
    comment,
    settle,
    configPath: CONFIG_PATH,
    async stop() {
      for (const r of live()) await stopReplica(r);
      await server.stop();
    },
  };
}
