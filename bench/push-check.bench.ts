/**
 * The push check's cost per push: wall time from `probot.receive` to the published check
 * run, and the GitHub requests it made, for pushes of 1, 10 and 100 changed week notes.
 *
 * Driven end to end through the real app (Probot, ProbotOctokit, the webhook router, the
 * handler, the rule engine) against nock serving GitHub-shaped responses, so the request
 * counts are real HTTP requests (the installation token excluded) and the time includes
 * Octokit's and nock's overhead but no network latency.
 *
 * "cold" is the first push a fresh process sees (the config blob is fetched); "warm" is a
 * later push with the same config (its blob is cached by sha, one request fewer).
 */
import nock from 'nock';
import { CONFIG_PATH } from '../src/config/schema.js';
import { acceptCheckRun, FakeCommit, githubScope, serveCommit } from '../test/helpers/push-github.js';
import { buildPushApp, pushPayload, sha } from '../test/helpers/push-probot.js';
import { GOOD_HGD } from '../test/helpers/push-world.js';

const SIZES = [1, 10, 100];
const ROUNDS = 5;

function roster(n: number): string {
  return ['language: ko', 'members:', ...Array.from({ length: n }, (_, i) => `  - login: member-${i}\n    name: m${i}`)].join('\n') + '\n';
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function onePush(files: number, round: number, warm: boolean): Promise<{ ms: number; requests: number }> {
  const app = await buildPushApp();
  const base = new FakeCommit(sha(`bench-base-${files}-${round}`), [{ path: CONFIG_PATH, content: roster(100) }, { path: 'README.md', content: '# bench\n' }]);
  const paths = Array.from({ length: files }, (_, i) => `study/week1/m${i}.md`);
  const push = async (label: string) => {
    const after = base.with(sha(label), { set: paths.map((path, i) => ({ path, content: GOOD_HGD.replace('# Week 1 - hgd', `# Week 1 - m${i}\n\n<!-- ${label} -->`) })) });
    const gh = githubScope();
    const published: Record<string, unknown>[] = [];
    serveCommit(gh.scope, after, [...(warm && label.endsWith('second') ? [] : [CONFIG_PATH]), ...paths]);
    acceptCheckRun(gh.scope, 4, (b) => published.push(b));
    const t0 = performance.now();
    await app.probot.receive({
      id: `bench-${label}`,
      name: 'push',
      payload: pushPayload({ before: base.sha, after: after.sha, sender: 'member-0', commits: [{ added: paths }] }),
    } as never);
    const errors = await app.settle();
    const ms = performance.now() - t0;
    if (errors.length > 0) throw errors[0] as Error;
    if (published.length !== 1 || nock.pendingMocks().length > 0) throw new Error(`bench push ${label}: ${nock.pendingMocks().join(', ')}`);
    const requests = gh.requests.length;
    nock.cleanAll();
    return { ms, requests };
  };
  if (!warm) return push(`${files}-${round}-first`);
  await push(`${files}-${round}-first`);
  return push(`${files}-${round}-second`);
}

export async function bench(): Promise<{ name: string; figures: Record<string, number | string> }[]> {
  nock.disableNetConnect();
  // The rule engine loads rubrics and the shell grammar once per process; keep that out of the figures.
  await onePush(1, -1, false);
  const figures: Record<string, number | string> = {};
  for (const files of SIZES) {
    const cold: { ms: number; requests: number }[] = [];
    const warm: { ms: number; requests: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      cold.push(await onePush(files, round, false));
      warm.push(await onePush(files, round, true));
    }
    figures[`${files} file(s): ms per push (cold, median of ${ROUNDS})`] = median(cold.map((r) => r.ms));
    figures[`${files} file(s): ms per push (warm, median of ${ROUNDS})`] = median(warm.map((r) => r.ms));
    figures[`${files} file(s): GitHub requests (cold)`] = cold[0].requests;
    figures[`${files} file(s): GitHub requests (warm)`] = warm[0].requests;
    figures[`${files} file(s): ms per file (warm)`] = median(warm.map((r) => r.ms)) / files;
  }
  return [{ name: 'push check: time and GitHub requests per push (real app, nock)', figures }];
}

/**
 * Check and report together, over real HTTP: the whole app (createApp) against a local server
 * standing in for GitHub (test/helpers/fake-github-server.ts), a push webhook and then the
 * check_run.completed GitHub sends for the run, pushes 5 minutes apart. Before the shared read
 * (one git object cache, one report refresh per push) a warm one-file push cost 10 requests
 * here, a cold one 15.
 */
export async function benchPushAndReport(): Promise<{ name: string; figures: Record<string, number | string> }[]> {
  nock.enableNetConnect('127.0.0.1');
  const { pushAndReportWorld } = await import('../test/helpers/push-and-report.js');
  const world = await pushAndReportWorld();
  try {
    const cold = await world.push(world.hgdNote(1));
    const warm = await world.push(world.kcsNote(2));
    const again: number[] = [];
    for (let i = 3; i <= 7; i++) again.push((await world.push(world.kcsNote(i))).ms);
    return [
      {
        name: 'push check + attendance report: GitHub requests per push (real app, real HTTP to a local fake GitHub)',
        figures: {
          'cold one-file push: requests (check + report)': cold.requests.length,
          'warm one-file push: requests (check + report)': warm.requests.length,
          'warm one-file push: requests, one per line': warm.requests.map((r) => r.replace(/\/repos\/[^/]+\/[^/]+/, '')).join(' · '),
          'warm one-file push: ms (median of 5, incl. check_run.completed)': median(again),
        },
      },
    ];
  } finally {
    await world.stop();
    nock.disableNetConnect();
  }
}
