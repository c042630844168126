/**
 * The whole app (createApp: push check, attendance report, /verify, commands) against the
 * fake GitHub server, for counting what one push costs over real HTTP: the `push` webhook,
 * then the `check_run.completed` GitHub sends for the check run the app created. Used by the
 * request-budget test and by `npm run bench`.
 */
import { Probot } from 'probot';
import type { AttendanceDeps } from '../../src/attendance/attendance-options.js';
import { createApp } from '../../src/app/create-app.js';
import { CONFIG_PATH } from '../../src/config/schema.js';
import { FakeGitHubServer } from './fake-github-server.js';
import { webhookExample } from './github-examples.js';
import { testOctokit, testPrivateKey } from './probot-app.js';
import { FakeCommit, OWNER, REPO } from './push-github.js';
import { APP_STARTED, pushPayload, sha } from './push-probot.js';
import { CONFIG_TEXT, GOOD_HGD, GOOD_KCS } from './push-world.js';

export interface PushCost {
  /** requests made for the push webhook and the check_run.completed that follows (token excluded) */
  requests: string[];
  ms: number;
}

/** `check_run.completed` for a run the app created on the stand-in (GitHub tells every app, the creator too). */
export function checkRunCompleted(run: Record<string, any>, repository: unknown) {
  const event = webhookExample('check_run', 'completed');
  return {
    ...event,
    check_run: { ...event.check_run, ...run, app: { ...event.check_run.app, id: 1 }, check_suite: { ...event.check_run.check_suite, head_sha: run.head_sha } },
    repository,
    installation: { id: 1, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' },
  };
}

export async function pushAndReportWorld() {
  const server = new FakeGitHubServer(OWNER, REPO);
  await server.start();
  const tasks: Promise<unknown>[] = [];
  let minutes = 0;
  const errors: unknown[] = [];
  const deps: AttendanceDeps = {
    // the app started before the first push; pushes come minutes apart (caches with a time to live expire)
    clock: { now: () => new Date(APP_STARTED.getTime() + minutes * 60_000) },
    background: (task) => void tasks.push(task().catch((error: unknown) => errors.push(error))),
    attendance: { ledgerSecrets: ['bench-secret'], retryDelaysMs: [0, 0] },
  };
  const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: testOctokit(), baseUrl: server.baseUrl, logLevel: 'fatal' });
  await probot.load(createApp(deps));
  const settle = async () => {
    while (tasks.length > 0) await Promise.all(tasks.splice(0));
    if (errors.length > 0) throw errors.splice(0)[0] as Error;
  };

  let head = new FakeCommit(sha('world-base'), [
    { path: CONFIG_PATH, content: CONFIG_TEXT },
    { path: 'README.md', content: '# eBPF 스터디\n' },
    { path: 'study/week1/kcs.md', content: GOOD_KCS },
  ]);
  server.add(head);
  let pushes = 0;

  /** Pushes `files` (path → content) as hong-gildong, delivers the events GitHub would send, and counts. */
  async function push(files: Record<string, string>): Promise<PushCost> {
    const before = head;
    const after = before.with(sha(`world-push-${pushes++}`), { set: Object.entries(files).map(([path, content]) => ({ path, content })) });
    server.add(after);
    head = after;
    minutes += 5;
    const mark = server.calls.length;
    const runsBefore = server.checkRuns.length;
    const t0 = performance.now();
    const payload = pushPayload({
      before: before.sha,
      after: after.sha,
      commits: [{ added: Object.keys(files).filter((p) => !before.files.has(p)), modified: Object.keys(files).filter((p) => before.files.has(p)) }],
    });
    await probot.receive({ id: `world-${pushes}-push`, name: 'push', payload } as never);
    await settle();
    // GitHub then tells every app about the check run: our own run comes back as check_run.completed.
    for (const run of server.checkRuns.slice(runsBefore)) {
      await probot.receive({ id: `world-${pushes}-run-${run.id}`, name: 'check_run', payload: checkRunCompleted(run, (payload as any).repository) } as never);
      await settle();
    }
    return { requests: server.since(mark), ms: performance.now() - t0 };
  }

  return {
    server,
    push,
    /** hgd's week-1 notes, a little different each time (a new blob) */
    hgdNote: (n: number) => ({ 'study/week1/hgd.md': GOOD_HGD.replace('# Week 1 - hgd', `# Week 1 - hgd\n\n<!-- edit ${n} -->`) }),
    /** kcs's notes for another week: a new submission, so the report changes */
    kcsNote: (week: number) => ({ [`study/week${week}/kcs.md`]: GOOD_KCS.replace('# Week 1 - kcs', `# Week ${week} - kcs`) }),
    stop: () => server.stop(),
  };
}
