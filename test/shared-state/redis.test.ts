/**
 * Two replicas with `REDIS_URL`, against a real redis-server: each replica has its own
 * connection (its own `redisState`), as two processes would. The `/verify` gate keeps its
 * promises in Redis, one request wins a member's slot however the requests are spread, a
 * claim is won once, a dispatched run is reported by whichever replica gets its completion
 * (once), and a push reaching both replicas gets one check run.
 */
import nock from 'nock';
import { Probot } from 'probot';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app/deps.js';
import { registerPushCheck } from '../../src/push-check/register.js';
import { claimsOf } from '../../src/shared-state/claims.js';
import { redisState, type SharedState } from '../../src/shared-state/shared-state.js';
import { VerifyGate } from '../../src/verify/access.js';
import { gateStoreOf, redisGateStore } from '../../src/verify/gate-store.js';
import { PendingRuns, type PendingRun } from '../../src/verify/pending-runs.js';
import { pendingStoreOf } from '../../src/verify/pending-store.js';
import { CONFIG_PATH } from '../../src/config/schema.js';
import { openapiExample } from '../helpers/github-examples.js';
import { createTestProbot, INSTALLATION_ID, mockInstallationToken, testOctokit, testPrivateKey } from '../helpers/probot-app.js';
import { acceptCheckRun, githubScope, serveCheckRunsForRef, serveCommit } from '../helpers/push-github.js';
import { pushPayload, sha } from '../helpers/push-probot.js';
import { baseCommit, GOOD_HGD } from '../helpers/push-world.js';
import { describeRedis, startRedis, type TestRedis } from '../helpers/redis.js';
import { fakeVerifier } from '../helpers/verify-fake-verifier.js';
import {
  ACTIONS_DEPLOYMENT, API, RUNNER, RUNNER_INSTALLATION_ID, STUDY, issueCommentEvent, mockAck, mockCheckRun, mockCheckRunUpdate, mockCommentUpdate,
  mockConfig, mockStudyFile, sent, studyYaml, token, workflowRunEvent, mockDispatch,
} from '../helpers/verify-github.js';
import { manualTime } from '../helpers/verify-time.js';
import { clockAt, gateContract } from '../verify/gate-contract.js';

let redis: TestRedis;
/** two replicas' connections */
let a: SharedState;
let b: SharedState;

describeRedis('state shared by two replicas in Redis (a real redis-server)', () => {
  beforeAll(async () => {
    redis = await startRedis();
    a = redisState(redis.url);
    b = redisState(redis.url);
  }, 30_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
  });
  beforeEach(async () => {
    await redis.client.flushall();
  });
  afterEach(() => {
    expect(nock.pendingMocks()).toEqual([]);
    nock.cleanAll();
  });

  // What the gate promises in one process, it promises in Redis.
  gateContract(() => redisGateStore(a.redis!));

  it('gives one member one slot however their requests are spread over the replicas', async () => {
    const clock = clockAt('2025-09-04T11:00:00Z');
    const replicas = [new VerifyGate(clock, gateStoreOf(a)), new VerifyGate(clock, gateStoreOf(b))];
    const key = VerifyGate.key({ owner: 'o', repo: 'r' }, 'kim');
    const decisions = await Promise.all(Array.from({ length: 12 }, (_, i) => replicas[i % 2].tryStart(key, `ic${i}`, { perHour: 6, timeoutMinutes: 20 })));
    expect(decisions.filter((d) => d.ok)).toHaveLength(1);
    expect(decisions.filter((d) => !d.ok && d.reason === 'busy')).toHaveLength(11);
    // the keys are study-bot's own, and nothing else was written
    expect((await redis.client.keys('*')).sort()).toEqual(['study-bot:verify:running:o/r#kim', 'study-bot:verify:seen:o/r#kim', 'study-bot:verify:starts:o/r#kim']);
  });

  it('lets one replica win a claim', async () => {
    const clock = clockAt('2025-09-04T11:00:00Z');
    const wins = await Promise.all([claimsOf(a, clock), claimsOf(b, clock), claimsOf(a, clock), claimsOf(b, clock)].map((c) => c.claim('redeliver:guid-1:1001', 60)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('hands a dispatched run to whichever replica takes it first, once; the other replica expires what a gone one left', async () => {
    const time = manualTime();
    const expiredBy: string[] = [];
    const replicaA = new PendingRuns(time.clock, undefined, (run) => expiredBy.push(`a ${run.job.requestId}`), pendingStoreOf(a));
    const replicaB = new PendingRuns(time.clock, undefined, (run) => expiredBy.push(`b ${run.job.requestId}`), pendingStoreOf(b));
    const run = (id: string, deadline: number): PendingRun => ({
      job: { requestId: id, repo: STUDY, path: 'study/week1/hgd.md', sha: 'a'.repeat(40), oneLiners: [], comment: { kind: 'issue', id: 1 }, checkRunId: 4, view: {} as never, failureConclusion: 'failure', kernelLabel: null, kernels: [], ticket: { key: 'k', requestId: id, startedAt: 0 }, deadline },
      runner: RUNNER,
      workflow: 'ebpf-verify.yml',
      runId: null,
      dispatchedAt: time.clock.now().getTime(),
      deadline,
    });
    const now = time.clock.now().getTime();
    await replicaA.add(run('ic1', now + 20 * 60_000));
    await replicaA.add(run('ic2', now + 5 * 60_000));
    expect(await replicaB.has('ic1')).toBe(true);
    const completed = { repository: `${RUNNER.owner}/${RUNNER.repo}`, runId: 9, workflowId: 1, path: '.github/workflows/ebpf-verify.yml', event: 'workflow_dispatch', displayTitle: 'verify ic1' };
    const [byA, byB] = await Promise.all([replicaA.claim(completed), replicaB.claim(completed)]);
    expect([byA, byB].filter(Boolean).map((r) => r!.job.requestId)).toEqual(['ic1']);
    // replica A is gone; its run's deadline passes; replica B's recovery pass sweeps it, once
    time.advance(6 * 60_000);
    expect(await Promise.all([replicaB.sweep(), replicaB.sweep()])).toEqual(expect.arrayContaining([1, 0]));
    expect(expiredBy).toEqual(['b ic2']);
  });

  it('a /verify dispatched by one replica is reported by the other when the completion reaches it, once', async () => {
    const s = sent();
    const replicaA = await createTestProbot({ verifyDeployment: ACTIONS_DEPLOYMENT, verifier: fakeVerifier(), shared: a });
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockDispatch(scope, s, 30433642);
    await replicaA.probot.receive(issueCommentEvent('/verify week1'));
    await replicaA.settle();
    expect(s.remembered).toHaveLength(1);

    const replicaB = await createTestProbot({ verifyDeployment: ACTIONS_DEPLOYMENT, verifier: fakeVerifier(), shared: b });
    const publish = nock(API);
    publish.get(`/repos/${STUDY.owner}/${STUDY.repo}/installation`).reply(200, { ...openapiExample<any>('installation'), id: INSTALLATION_ID });
    publish.post(`/app/installations/${INSTALLATION_ID}/access_tokens`).reply(201, token(INSTALLATION_ID));
    mockCommentUpdate(publish, s, 'issue');
    mockCheckRunUpdate(publish, s);
    await replicaB.probot.receive(workflowRunEvent({ runId: 30433642, title: 'verify ic492700400', conclusion: 'cancelled' }));
    await replicaB.settle();
    expect(s.commentUpdates).toHaveLength(1);
    expect(s.commentUpdates[0]).toContain('러너 워크플로가 취소됐습니다');
    // GitHub's redelivery of the completion to the first replica: nothing is waiting any more
    await replicaA.probot.receive(workflowRunEvent({ runId: 30433642, title: 'verify ic492700400', conclusion: 'cancelled' }));
    await replicaA.settle();
    expect(s.commentUpdates).toHaveLength(1);
    // and the member's slot is free in both replicas
    expect(await new VerifyGate(clockAt(new Date().toISOString()), gateStoreOf(b)).isRunning(VerifyGate.key(STUDY, 'Codertocat'), 'ic492700400')).toBe(false);
  });

  it('a push that reaches both replicas (a redelivery, the start-time reconcile) gets one check run', async () => {
    const replica = async (shared: SharedState) => {
      const tasks: Promise<unknown>[] = [];
      const deps: AppDeps = { clock: { now: () => new Date('2025-09-04T12:00:00Z') }, background: (t) => void tasks.push(t()), shared };
      const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: testOctokit(), logLevel: 'fatal' });
      await probot.load((app) => void registerPushCheck(app, deps, [], 1));
      return { probot, settle: async () => void (await Promise.all(tasks.splice(0))) };
    };
    const [first, second] = [await replica(a), await replica(b)];
    const before = baseCommit();
    const after = before.with(sha('pushed-while-down'), { set: [{ path: 'study/week1/hgd.md', content: GOOD_HGD }] });
    const payload = pushPayload({ before: before.sha, after: after.sha, commits: [{ added: ['study/week1/hgd.md'] }], pushedAt: new Date('2025-09-04T11:05:00Z') });
    const gh = githubScope();
    serveCheckRunsForRef(gh.scope, after.sha, []);
    serveCommit(gh.scope, after, [CONFIG_PATH, 'study/week1/hgd.md']);
    let created = 0;
    acceptCheckRun(gh.scope, 41, () => created++);
    await Promise.all([first.probot.receive({ id: 'guid-1', name: 'push', payload } as never), second.probot.receive({ id: 'guid-1', name: 'push', payload } as never)]);
    await Promise.all([first.settle(), second.settle()]);
    expect(created).toBe(1);
    expect(gh.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/check-runs'))).toHaveLength(1);
  });
});
