import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePendingMark, renderPending, renderVerifyComment } from '../../src/verify/render-verify.js';
import { stampRecord } from '../../src/verify/verify-record.js';
import { openapiExample } from '../helpers/github-examples.js';
import { createTestProbot, INSTALLATION_ID, mockInstallationToken } from '../helpers/probot-app.js';
import { fakeVerifier } from '../helpers/verify-fake-verifier.js';
import {
  API, MEMBER, RUNNER, RUNNER_INSTALLATION_ID, STUDY, issueCommentEvent, mockAck, mockEyes, mockCheckRun, mockCheckRunUpdate, mockCommentUpdate,
  mockConfig, mockReply, mockStudyFile, mockThreadComments, sent, studyYaml, token, workflowRunEvent, type Sent, ACTIONS_DEPLOYMENT, mockDispatch,
} from '../helpers/verify-github.js';
import { manualTime } from '../helpers/verify-time.js';

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

// The study config no longer picks the driver: ACTIONS_DEPLOYMENT (the bot's environment) does.
const ACTIONS = '';
const RUN_ID = 30433642;
const MINUTE = 60_000;

/** Installation lookups and tokens: Probot caches tokens, so these may or may not be asked for. */
function mockAppAuth(scope: nock.Scope) {
  scope.get(`/repos/${RUNNER.owner}/${RUNNER.repo}/installation`).optionally().reply(200, { ...openapiExample<any>('installation'), id: RUNNER_INSTALLATION_ID });
  scope.post(`/app/installations/${RUNNER_INSTALLATION_ID}/access_tokens`).optionally().times(2).reply(201, token(RUNNER_INSTALLATION_ID, { actions: 'write' }));
  scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/installation`).optionally().reply(200, { ...openapiExample<any>('installation'), id: INSTALLATION_ID });
  scope.post(`/app/installations/${INSTALLATION_ID}/access_tokens`).optionally().reply(201, token(INSTALLATION_ID));
}

/** A /verify with the actions driver, dispatched; the runner never answers. */
async function dispatchOne(s: Sent, time: ReturnType<typeof manualTime>, yaml = studyYaml(ACTIONS)) {
  const app = await createTestProbot({ verifyDeployment: ACTIONS_DEPLOYMENT, verifier: fakeVerifier(), clock: time.clock, timer: time.timer });
  const scope = nock(API);
  mockInstallationToken(scope);
  mockConfig(scope, yaml);
  mockDispatch(scope, s, RUN_ID, { htmlUrl: true });
  await app.probot.receive(issueCommentEvent('/verify week1'));
  await app.settle();
  expect(s.dispatches).toHaveLength(1);
  return app;
}

function mockCancel(scope: nock.Scope, cancelled: number[], status = 202) {
  scope.post(`/repos/${RUNNER.owner}/${RUNNER.repo}/actions/runs/${RUN_ID}/cancel`).reply(status, () => {
    cancelled.push(RUN_ID);
    return status === 202 ? {} : { message: 'Cannot cancel a workflow run that is completed.' };
  });
}

describe('/verify deadline: no ⏳ left forever', () => {
  it('closes out a request whose runner never answered: comment, Check Run, cancelled run, freed slot', async () => {
    const time = manualTime();
    const s = sent();
    const { probot, settle } = await dispatchOne(s, time);
    expect(s.replies[0]).toContain('⏳ 검증 중…');
    expect(parsePendingMark(s.replies[0])).toEqual({ requestId: 'ic492700400', requester: MEMBER, deadline: time.clock.now().getTime() + 20 * MINUTE });

    // one minute before the deadline: nothing happens
    time.advance(19 * MINUTE);
    await settle();
    expect(s.commentUpdates).toEqual([]);

    const scope = nock(API);
    mockAppAuth(scope);
    mockCommentUpdate(scope, s, 'issue');
    mockCheckRunUpdate(scope, s);
    const cancelled: number[] = [];
    mockCancel(scope, cancelled);
    time.advance(MINUTE);
    await settle();

    const comment = s.commentUpdates[0];
    expect(comment).toContain('💥 러너에서 결과를 받지 못했습니다: ⏱ 러너가 20분 안에 응답하지 않았습니다');
    expect(comment).toContain(`\`${RUNNER.owner}/${RUNNER.repo}\`의 Settings → Actions → Runners`);
    expect(comment).toContain(`실행 기록: https://github.com/${RUNNER.owner}/${RUNNER.repo}/actions/runs/${RUN_ID}`);
    expect(comment).not.toContain('⏳');
    expect(parsePendingMark(comment)).toBeNull();
    await expect(comment).toMatchFileSnapshot('__snapshots__/deadline-issue-comment.md');
    expect(s.checkUpdates.at(-1)).toMatchObject({ status: 'completed', conclusion: 'neutral', output: { title: '💥 러너 오류' } });
    expect(cancelled).toEqual([RUN_ID]);
    expect(time.scheduled).toBe(0);

    // the run finishing afterwards (cancelled, or a runner that came back) is no longer ours
    await probot.receive(workflowRunEvent({ runId: RUN_ID, title: 'verify ic492700400', conclusion: 'cancelled' }));
    await settle();
    expect(s.commentUpdates).toHaveLength(1);

    // the member's slot is free: a new /verify is accepted, not refused as busy
    const again = nock(API);
    mockConfig(again, studyYaml(ACTIONS));
    mockReply(again, s, 'issue', 2);
    mockThreadComments(again, 'issue', []);
    // (stop the second run at the file listing: the folder holds nothing of theirs)
    mockStudyFile(again, { name: 'someone-else.md', readFile: false });
    mockCommentUpdate(again, s, 'issue', 2);
    // a new request is a new comment (the first one is never run twice)
    mockEyes(again, s, 'issue', 710001);
    await probot.receive(issueCommentEvent('/verify week1', undefined, 710001));
    await settle();
    expect(s.replies[1]).toContain('⏳ 검증 중…');
  });

  it('honours verify.timeoutMinutes and says so; a run that already finished need not be cancelled', async () => {
    const time = manualTime();
    const s = sent();
    const { settle } = await dispatchOne(s, time, studyYaml(`verify:\n  timeoutMinutes: 5`));
    expect(time.scheduled).toBe(1);
    time.advance(4 * MINUTE);
    await settle();
    expect(s.commentUpdates).toEqual([]);
    const scope = nock(API);
    mockAppAuth(scope);
    mockCommentUpdate(scope, s, 'issue');
    mockCheckRunUpdate(scope, s);
    mockCancel(scope, [], 409); // it had just finished: nothing to cancel, not an error
    time.advance(MINUTE);
    await settle();
    expect(s.commentUpdates[0]).toContain('⏱ 러너가 5분 안에 응답하지 않았습니다');
  });

  it('a completed run clears its deadline timer', async () => {
    const time = manualTime();
    const s = sent();
    const { probot, settle } = await dispatchOne(s, time);
    const scope = nock(API);
    mockAppAuth(scope);
    mockCommentUpdate(scope, s, 'issue');
    mockCheckRunUpdate(scope, s);
    await probot.receive(workflowRunEvent({ runId: RUN_ID, title: 'verify ic492700400', conclusion: 'failure' }));
    await settle();
    expect(time.scheduled).toBe(0);
    time.advance(60 * MINUTE);
    await settle();
    expect(s.commentUpdates).toHaveLength(1);
    expect(s.commentUpdates[0]).toContain('러너 워크플로가 실패했습니다');
  });

  it('closes out the member\'s ⏳ comments a restarted bot forgot when they ask again, and only theirs', async () => {
    const time = manualTime();
    const now = time.clock.now().getTime();
    // as the bot writes a ⏳: with its record (unsigned here: this app has no key), accepted when GitHub made the comment
    const pending = (requestId: string, requester: string, deadline: number) =>
      stampRecord(renderPending({ requestId, requester, lang: 'ko', deadline }), { requestId, requester, state: 'pending', acceptedAt: now - 20 * MINUTE, deadline, lang: 'ko' }, null);
    const mine = pending('ic111', MEMBER, now + 5 * MINUTE); // not yet due, but nobody waits for it
    const overdue = pending('ic112', MEMBER.toLowerCase(), now - MINUTE);
    const someoneElses = pending('ic113', 'kim-cs', now - MINUTE);
    const finished = renderVerifyComment(
      { webOrigin: 'https://github.com', owner: STUDY.owner, repo: STUDY.repo, path: 'study/week1/hgd.md', sha: 'a'.repeat(40), requester: MEMBER, requestId: 'ic114', lang: 'ko' },
      { kind: 'failed', problem: { ko: 'x', en: 'x' }, oneLiners: [] },
    );
    const legacy = renderPending({ requestId: 'ic115', requester: MEMBER, lang: 'ko' }); // from before the marker: unknown owner
    const app = await createTestProbot({ verifier: fakeVerifier(), clock: time.clock, timer: time.timer });
    const s = sent();
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    scope.post(`/repos/${STUDY.owner}/${STUDY.repo}/issues/comments/492700400/reactions`).reply(201, openapiExample<any>('reaction'));
    mockReply(scope, s, 'issue', 1);
    mockThreadComments(scope, 'issue', [mine, overdue, someoneElses, finished, legacy], now - 20 * MINUTE);
    mockCommentUpdate(scope, s, 'issue', 900);
    mockCommentUpdate(scope, s, 'issue', 901);
    mockStudyFile(scope);
    mockCheckRun(scope, s);
    mockCommentUpdate(scope, s, 'issue', 1);
    await app.probot.receive(issueCommentEvent('/verify week1'));
    await app.settle();
    expect(s.commentUpdates).toHaveLength(3);
    expect(s.commentUpdates[0]).toContain('<!-- request:ic111 -->');
    expect(s.commentUpdates[0]).toContain('⏱ 이 요청(Codertocat 님)은 결과 없이 끝났습니다');
    expect(s.commentUpdates[1]).toContain('<!-- request:ic112 -->');
    expect(s.commentUpdates[2]).toContain('✅ 동작함'); // the new request itself ran
  });

  it('a human comment carrying the marker is never edited', async () => {
    const time = manualTime();
    const app = await createTestProbot({ verifier: fakeVerifier(), clock: time.clock, timer: time.timer });
    const s = sent();
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    scope.post(`/repos/${STUDY.owner}/${STUDY.repo}/issues/comments/492700400/reactions`).reply(201, openapiExample<any>('reaction'));
    mockReply(scope, s, 'issue', 1);
    const example = openapiExample<any>('issue-comment');
    const forged = renderPending({ requestId: 'ic111', requester: MEMBER, lang: 'ko', deadline: 0 });
    scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/issues/1/comments`).query({ per_page: '100' }).reply(200, [{ ...example, id: 77, body: forged }]);
    mockStudyFile(scope);
    mockCheckRun(scope, s);
    mockCommentUpdate(scope, s, 'issue', 1);
    await app.probot.receive(issueCommentEvent('/verify week1'));
    await app.settle();
    expect(s.commentUpdates).toHaveLength(1);
    expect(s.commentUpdates[0]).toContain('✅ 동작함');
  });
});

describe('parsePendingMark', () => {
  it('reads back what renderPending wrote, and nothing from other comments', () => {
    const body = renderPending({ requestId: 'cc42', requester: 'some-one', lang: 'en', deadline: Date.UTC(2025, 8, 4, 11, 20) });
    expect(parsePendingMark(body)).toEqual({ requestId: 'cc42', requester: 'some-one', deadline: Date.UTC(2025, 8, 4, 11, 20) });
    expect(parsePendingMark(`quoted: ${body}`)).toBeNull();
    expect(parsePendingMark(body.replace('deadline:2025', 'deadline:x2025'))).toBeNull();
    expect(parsePendingMark('⏳ 검증 중…')).toBeNull();
  });
});
