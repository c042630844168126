/**
 * `/verify` state that must survive a restart lives in GitHub: every reply of the bot carries a
 * signed record (verify-record.ts). A second process (a restart) reads the records back: the
 * member's hourly cap still holds, a dispatched actions run is waited for again, and a run that
 * died with the process is closed out instead of leaving a ⏳ forever. Records a member could
 * forge (a human comment, a workflow's bot, an edited block) count for nothing.
 */
import nock from 'nock';
import { Probot } from 'probot';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app/deps.js';
import { registerCommandDispatch, type CommandHandler } from '../../src/commands/dispatch.js';
import { registerRecovery } from '../../src/recovery/register.js';
import type { Verifier } from '../../src/verify/drivers/types.js';
import { registerVerify } from '../../src/verify/register.js';
import { parsePendingMark, renderPending } from '../../src/verify/render-verify.js';
import { decodeVerifyRecord, stampRecord, verifyRecordSeal } from '../../src/verify/verify-record.js';
import { openapiExample } from '../helpers/github-examples.js';
import { createTestProbot, INSTALLATION_ID, mockInstallationToken, mockNoApprovedConfig, testOctokit, testPrivateKey } from '../helpers/probot-app.js';
import { fakeVerifier } from '../helpers/verify-fake-verifier.js';
import {
  ACTIONS_DEPLOYMENT, API, MEMBER, RUNNER, RUNNER_INSTALLATION_ID, STUDY, issueCommentEvent, mockAck, mockCheckRun, mockCheckRunUpdate,
  mockCommentUpdate, mockConfig, mockReply, mockStudyFile, mockVerifyHistory, sent, studyYaml, token, workflowRunEvent, type Sent, mockDispatch, mockLocalRun,
} from '../helpers/verify-github.js';
import { manualTime } from '../helpers/verify-time.js';
import { mockRecoveryStart, TEST_RECOVERY_SETTINGS } from '../helpers/recovery.js';

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

const SECRET = 'test-webhook-secret';
const MINUTE = 60_000;
const RUN_ID = 30433642;
const seal = verifyRecordSeal([SECRET], STUDY);
const attendance = { attendance: { ledgerSecrets: [SECRET] } } as Partial<AppDeps>;

/** A comment of the repository as GitHub lists it: the bot's (an app's), a human's, or another app's. */
function listed(id: number, body: string, createdAt: number, author: 'study-bot' | 'human' | 'actions' = 'study-bot') {
  const example = openapiExample<any>('issue-comment');
  const user =
    author === 'human'
      ? { ...example.user, login: MEMBER, type: 'User' }
      : { ...example.user, login: author === 'actions' ? 'github-actions[bot]' : 'study-bot[bot]', type: 'Bot' };
  return {
    ...example,
    id,
    body,
    user,
    created_at: new Date(createdAt).toISOString(),
    updated_at: new Date(createdAt).toISOString(),
    issue_url: `${API}/repos/${STUDY.owner}/${STUDY.repo}/issues/1`,
    performed_via_github_app: author === 'actions' ? { ...openapiExample<any>('integration'), id: 15368 } : author === 'study-bot' ? { ...openapiExample<any>('integration'), id: 1 } : null,
  };
}

/** The first process: one /verify, run to the end by the local driver; what it wrote. */
async function firstProcess(time: ReturnType<typeof manualTime>, s: Sent) {
  const app = await createTestProbot({ ...attendance, verifier: fakeVerifier(), clock: time.clock, timer: time.timer });
  const scope = nock(API);
  mockInstallationToken(scope);
  mockConfig(scope, studyYaml('verify:\n  perHour: 1'));
  mockLocalRun(scope, s);
  await app.probot.receive(issueCommentEvent('/verify week1'));
  await app.settle();
  expect(s.commentUpdates[0]).toContain('✅ 동작함');
}

/** The second process, 10 minutes later, up to the config read of a member's next /verify. */
async function secondProcess(time: ReturnType<typeof manualTime>) {
  time.advance(10 * MINUTE);
  const app = await createTestProbot({ ...attendance, verifier: fakeVerifier(), clock: time.clock, timer: time.timer });
  const scope = nock(API);
  mockInstallationToken(scope);
  mockConfig(scope, studyYaml('verify:\n  perHour: 1'));
  return { app, scope, s2: sent() };
}

describe('/verify after a restart: the hourly cap', () => {
  it('still holds: the second process counts the request the first one answered', async () => {
    const time = manualTime();
    const s = sent();
    await firstProcess(time, s);
    const started = time.clock.now().getTime();
    // what GitHub now holds: the ⏳ as posted, since edited into the result (signed, "done")
    expect(decodeVerifyRecord(s.replies[0], seal)).toMatchObject({ requestId: 'ic492700400', requester: MEMBER, state: 'pending' });
    // the job stays in the done record: the week's digest lists the request by its note and Check Run
    expect(decodeVerifyRecord(s.commentUpdates[0], seal)).toMatchObject({ requestId: 'ic492700400', requester: MEMBER, state: 'done', job: { path: 'study/week1/hgd.md', checkRunId: 4 } });

    const { app: second, scope, s2 } = await secondProcess(time);
    mockVerifyHistory(scope, [listed(1, s.commentUpdates[0], started)]);
    mockReply(scope, s2, 'issue', 2);
    await second.probot.receive(issueCommentEvent('/verify week1', undefined, 710004));
    await second.settle();
    expect(s2.replies[0]).toContain('한 시간에 1번');
    expect(s2.replies[0]).toContain('50분');
  });

  it('counts nothing a member could write: a human comment, another app, an edited or unsigned block', async () => {
    const time = manualTime();
    const s = sent();
    await firstProcess(time, s);
    const started = time.clock.now().getTime();
    const real = s.commentUpdates[0];
    // the member edits the bot's comment to say someone else asked (the signature no longer matches)
    const edited = real.replace(/verify-record v1 (\S+) sig=/, (_m, b64: string) => `verify-record v1 ${b64.slice(0, -4)}AAA= sig=`);
    const unsigned = real.replace(/ sig=[0-9a-f]{64}/, '');
    const { app: second, scope, s2 } = await secondProcess(time);
    mockVerifyHistory(scope, [listed(1, real, started, 'human'), listed(2, real, started, 'actions'), listed(3, edited, started), listed(4, unsigned, started)]);
    mockLocalRun(scope, s2, { commentId: 5, history: false, memberComment: 710005 });
    await second.probot.receive(issueCommentEvent('/verify week1', undefined, 710005));
    await second.settle();
    expect(s2.replies[0]).toContain('⏳ 검증 중…');
    expect(s2.commentUpdates[0]).toContain('✅ 동작함');
  });
});


describe('/verify: a redelivered comment runs once (issue 17 item 10)', () => {
  // GitHub redelivers a delivery with the same payload (same comment id); the recovery pass
  // asks for exactly that. The claim is the comment's id, remembered by the gate and, across a
  // restart, read back from the bot's signed record in GitHub.
  it('the same delivery again, in the same process: nothing runs, nothing is written', async () => {
    const time = manualTime();
    const verifier = fakeVerifier();
    const s = sent();
    const app = await createTestProbot({ ...attendance, verifier, clock: time.clock, timer: time.timer });
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockLocalRun(scope, s);
    const event = issueCommentEvent('/verify week1');
    await app.probot.receive(event);
    await app.settle();
    expect(s.commentUpdates[0]).toContain('✅ 동작함');
    // two hours on, so neither the running slot nor the hourly cap could be what refuses it
    time.advance(120 * MINUTE);
    mockConfig(scope, studyYaml());
    await app.probot.receive({ ...event, payload: structuredClone(event.payload) });
    await app.settle();
    expect(verifier.calls).toHaveLength(1);
    expect(s.replies).toHaveLength(1);
    expect(s.reactions).toEqual(['eyes']);
  });

  it('redelivered to a restarted process: the record in GitHub says it was started, so it is not run again', async () => {
    const time = manualTime();
    const s = sent();
    await firstProcess(time, s);
    const started = time.clock.now().getTime();
    time.advance(110 * MINUTE);
    const verifier = fakeVerifier();
    const second = await createTestProbot({ ...attendance, verifier, clock: time.clock, timer: time.timer });
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml('verify:\n  perHour: 1'));
    mockVerifyHistory(scope, [listed(1, s.commentUpdates[0], started)]);
    // the same comment (the example's id), as the recovery pass has GitHub deliver it again
    await second.probot.receive(issueCommentEvent('/verify week1'));
    await second.settle();
    expect(verifier.calls).toHaveLength(0);
    // a new comment of the member is a new request, and runs
    const s2 = sent();
    mockConfig(scope, studyYaml('verify:\n  perHour: 1'));
    mockLocalRun(scope, s2, { commentId: 2, history: false, memberComment: 720001 });
    await second.probot.receive(issueCommentEvent('/verify week1', undefined, 720001));
    await second.settle();
    expect(verifier.calls).toHaveLength(1);
    expect(s2.commentUpdates[0]).toContain('✅ 동작함');
  });
});


/** A restarted process with /verify and the recovery pass, as createApp wires them. */
async function restartedProcess(time: ReturnType<typeof manualTime>, verifier: Verifier, deployment?: AppDeps['verifyDeployment']) {
  const tasks: Promise<void>[] = [];
  const deps: AppDeps = { ...attendance, clock: time.clock, timer: time.timer, verifier, verifyDeployment: deployment, background: (t) => void tasks.push(t()) } as AppDeps;
  mockNoApprovedConfig();
  const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: testOctokit(), logLevel: 'fatal' });
  let recovery!: ReturnType<typeof registerRecovery>;
  await probot.load((app) => {
    const commands: CommandHandler[] = [];
    const verify = registerVerify(app, deps, commands);
    registerCommandDispatch(app, deps, commands);
    recovery = registerRecovery(app, deps, TEST_RECOVERY_SETTINGS, {
      repositories: [{ name: 'verify', run: async (r, octokit) => (await verify.recoverRepository(octokit, r))?.closed ?? [] }],
    });
  });
  return {
    probot,
    recovery,
    settle: async () => {
      while (tasks.length > 0) await Promise.all(tasks.splice(0));
    },
  };
}

describe('/verify after a restart: requests that were pending', () => {
  it('a dispatched actions run is waited for again, and its result is published when it completes', async () => {
    const time = manualTime();
    const s = sent();
    // the first process dispatches the run, records it in the ⏳, and stops
    const first = await createTestProbot({ ...attendance, verifyDeployment: ACTIONS_DEPLOYMENT, verifier: fakeVerifier(), clock: time.clock, timer: time.timer });
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockDispatch(scope, s, RUN_ID);
    await first.probot.receive(issueCommentEvent('/verify week1'));
    await first.settle();
    const started = time.clock.now().getTime();
    expect(decodeVerifyRecord(s.remembered[0], seal)).toMatchObject({
      state: 'pending',
      driver: 'actions',
      job: { checkRunId: 4, path: 'study/week1/hgd.md' },
      run: { runner: RUNNER, workflow: 'ebpf-verify.yml' },
    });

    time.advance(3 * MINUTE);
    const second = await restartedProcess(time, fakeVerifier(), ACTIONS_DEPLOYMENT);
    const reads = mockRecoveryStart();
    mockVerifyHistory(reads, [listed(1, s.remembered[0], started)]);
    // Check Run 4 as GitHub has it: still in progress (the run goes on in the runner repository)
    reads.get(`/repos/${STUDY.owner}/${STUDY.repo}/check-runs/4`).reply(200, { ...openapiExample<any>('check-run'), id: 4, status: 'in_progress', conclusion: null });
    const result = await second.recovery.runOnce();
    expect(result?.errors).toEqual([]);
    expect(result?.reconciled?.repositories).toBe(1);

    // the run completes now: the restarted process reports it, once
    const done = sent();
    const publish = nock(API);
    publish.get(`/repos/${STUDY.owner}/${STUDY.repo}/installation`).reply(200, { ...openapiExample<any>('installation'), id: INSTALLATION_ID });
    publish.post(`/app/installations/${RUNNER_INSTALLATION_ID}/access_tokens`).optionally().reply(201, token(RUNNER_INSTALLATION_ID, { actions: 'write' }));
    publish.post(`/app/installations/${INSTALLATION_ID}/access_tokens`).optionally().reply(201, token(INSTALLATION_ID));
    mockCommentUpdate(publish, done, 'issue');
    mockCheckRunUpdate(publish, done);
    await second.probot.receive(workflowRunEvent({ runId: RUN_ID, title: 'verify ic492700400', conclusion: 'failure' }));
    await second.settle();
    expect(done.commentUpdates).toHaveLength(1);
    expect(done.commentUpdates[0]).toContain('러너 워크플로가 실패했습니다');
    expect(decodeVerifyRecord(done.commentUpdates[0], seal)?.state).toBe('done');
    expect(done.checkUpdates.at(-1)).toMatchObject({ status: 'completed', conclusion: 'neutral' });
    // a redelivery of the completion finds nothing waiting
    await second.probot.receive(workflowRunEvent({ runId: RUN_ID, title: 'verify ic492700400', conclusion: 'failure' }));
    await second.settle();
    expect(done.commentUpdates).toHaveLength(1);
    second.recovery.stop();
  });

  it('a local run that died with the process is closed out at start: comment, Check Run, and the member may ask again', async () => {
    const time = manualTime();
    const s = sent();
    // the first process records the job and dies while the runner works
    const hanging: Verifier = () => new Promise(() => {});
    const first = await createTestProbot({ ...attendance, verifier: hanging, clock: time.clock, timer: time.timer });
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockAck(scope, s, 'issue');
    mockStudyFile(scope);
    mockCheckRun(scope, s, 4, 0);
    await first.probot.receive(issueCommentEvent('/verify week1'));
    for (let i = 0; i < 200 && s.remembered.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(decodeVerifyRecord(s.remembered[0], seal)).toMatchObject({ state: 'pending', driver: 'local', job: { checkRunId: 4 } });
    const started = time.clock.now().getTime();
    // another member's ⏳ whose process died before its Check Run: a record without a job
    const deadline = started + 20 * MINUTE;
    const earlyBody = stampRecord(renderPending({ requestId: 'ic17', requester: 'kim-cs', lang: 'ko', deadline }), { requestId: 'ic17', requester: 'kim-cs', state: 'pending', acceptedAt: started - MINUTE, deadline, lang: 'ko' }, seal);

    time.advance(MINUTE);
    const second = await restartedProcess(time, fakeVerifier());
    const reads = mockRecoveryStart();
    mockVerifyHistory(reads, [listed(1, s.remembered[0], started), listed(2, earlyBody, started - MINUTE)]);
    const closed = sent();
    // Check Run 4 as GitHub has it: still in progress (the run died with the process)
    reads.get(`/repos/${STUDY.owner}/${STUDY.repo}/check-runs/4`).reply(200, { ...openapiExample<any>('check-run'), id: 4, status: 'in_progress', conclusion: null });
    mockCommentUpdate(reads, closed, 'issue', 1);
    mockCheckRunUpdate(reads, closed, 4);
    mockCommentUpdate(reads, closed, 'issue', 2);
    const result = await second.recovery.runOnce();
    expect(result?.errors).toEqual([]);
    expect(result?.reconciled?.others.verify).toEqual([`${STUDY.owner}/${STUDY.repo}: ic17`, `${STUDY.owner}/${STUDY.repo}: ic492700400`]);
    const [job, before] = closed.commentUpdates[0].includes('ic492700400') ? closed.commentUpdates : [...closed.commentUpdates].reverse();
    expect(job).toContain('봇이 다시 시작되어 결과를 잃었습니다');
    expect(parsePendingMark(job)).toBeNull();
    expect(decodeVerifyRecord(job, seal)?.state).toBe('done');
    expect(before).toContain('봇이 다시 시작되어');
    expect(decodeVerifyRecord(before, seal)).toMatchObject({ requestId: 'ic17', state: 'done' });
    expect(closed.checkUpdates.at(-1)).toMatchObject({ status: 'completed', conclusion: 'neutral' });

    // the member is not "still running": a new request is accepted
    const again = nock(API);
    const s2 = sent();
    mockConfig(again, studyYaml());
    mockLocalRun(again, s2, { commentId: 3, checkRunId: 5, history: false, memberComment: 700001 });
    await second.probot.receive(issueCommentEvent('/verify week1', undefined, 700001));
    await second.settle();
    expect(s2.replies[0]).toContain('⏳ 검증 중…');
    second.recovery.stop();
  });
});

describe('/verify after a restart: a copied record is not a request (attack review, High 1)', () => {
  // A signature proves the bot wrote a block, not that it wrote it there. A workflow posts as
  // github-actions[bot] (a commit comment names no app) and anyone with write access edits a
  // bot's comment: either could carry an old ⏳'s signed block, which a restart would then
  // close out, rewriting that old request's result and Check Run in its member's name.
  async function oldPendingBlock(time: ReturnType<typeof manualTime>): Promise<string> {
    const s = sent();
    const hanging: Verifier = () => new Promise(() => {});
    const first = await createTestProbot({ ...attendance, verifier: hanging, clock: time.clock, timer: time.timer });
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockAck(scope, s, 'issue');
    mockStudyFile(scope);
    mockCheckRun(scope, s, 4, 0);
    await first.probot.receive(issueCommentEvent('/verify week1'));
    for (let i = 0; i < 200 && s.remembered.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(decodeVerifyRecord(s.remembered[0], seal)).toMatchObject({ state: 'pending', job: { checkRunId: 4, comment: { id: 1 } } });
    return s.remembered[0].split('\n')[0]!;
  }

  it('two days on, neither a workflow\'s commit comment nor an edited bot comment holding the block rewrites anything', async () => {
    const time = manualTime();
    const block = await oldPendingBlock(time);
    // the request was answered long ago; its own comment is older than the history read
    time.advance(48 * 60 * MINUTE);
    const now = time.clock.now().getTime();
    const second = await restartedProcess(time, fakeVerifier());
    const reads = mockRecoveryStart();
    const commitExample = openapiExample<any>('commit-comment');
    const byActions = {
      ...commitExample, id: 88, body: `${block}\n⏳`, created_at: new Date(now - MINUTE).toISOString(), updated_at: new Date(now - MINUTE).toISOString(),
      user: { ...commitExample.user, login: 'github-actions[bot]', type: 'Bot' },
    };
    // a real bot comment of this app (an attendance reply, say), edited to hold the block
    const edited = listed(50, `${block}\n✅ 출석`, now - 60 * MINUTE);
    mockVerifyHistory(reads, [edited], [byActions]);
    const result = await second.recovery.runOnce();
    // nothing was closed out: no PATCH of comment 1, 50 or 88, nor of Check Run 4 (nock refuses unmocked calls)
    expect(result?.errors).toEqual([]);
    expect(result?.reconciled?.others.verify ?? []).toEqual([]);
    second.recovery.stop();
  });

  it('the real comment still counts when the block stands where it was written, at the time it was written', async () => {
    const time = manualTime();
    const accepted = time.clock.now().getTime();
    const block = await oldPendingBlock(time);
    time.advance(MINUTE);
    const second = await restartedProcess(time, fakeVerifier());
    const reads = mockRecoveryStart();
    // the same block in another bot comment of the same minute is still not that request's
    mockVerifyHistory(reads, [listed(1, `${block}\n⏳`, accepted), listed(2, `${block}\n⏳`, accepted)]);
    const closed = sent();
    reads.get(`/repos/${STUDY.owner}/${STUDY.repo}/check-runs/4`).reply(200, { ...openapiExample<any>('check-run'), id: 4, status: 'in_progress', conclusion: null });
    mockCommentUpdate(reads, closed, 'issue', 1);
    mockCheckRunUpdate(reads, closed, 4);
    const result = await second.recovery.runOnce();
    expect(result?.errors).toEqual([]);
    expect(result?.reconciled?.others.verify).toEqual([`${STUDY.owner}/${STUDY.repo}: ic492700400`]);
    expect(closed.commentUpdates).toHaveLength(1);
    second.recovery.stop();
  });
});
