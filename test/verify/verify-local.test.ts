import nock from 'nock';
import { webhookExample } from '../helpers/github-examples.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestProbot, mockInstallationToken } from '../helpers/probot-app.js';
import { fakeVerifier } from '../helpers/verify-fake-verifier.js';
import { verifyScene } from '../helpers/verify-scene.js';
import {
  API, HEAD_SHA, MEMBER, commitCommentEvent, issueCommentEvent, mockAck, mockEyes, mockCheckRunUpdate, mockCheckRun, mockCommentUpdate, mockConfig,
  mockLocalRun, mockReply, mockRole, mockStudyFile, mockThreadComments, sent, studyYaml, submission,
} from '../helpers/verify-github.js';

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

const fixedClock = () => {
  let now = new Date('2025-09-04T11:00:00Z').getTime();
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
};

describe('/verify with the local driver', () => {
  it('acknowledges, runs the one-liners and edits the ⏳ comment into the table, with a Check Run', async () => {
    const verifier = fakeVerifier();
    const { probot, settle } = await createTestProbot({ verifier, clock: fixedClock() });
    const s = sent();
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockLocalRun(scope, s);

    await probot.receive(issueCommentEvent('/verify week1'));
    // acknowledged before any slow work
    expect(s.reactions).toEqual(['eyes']);
    expect(s.replies[0]).toContain('⏳ 검증 중…');
    await settle();

    expect(verifier.calls).toHaveLength(1);
    expect(verifier.calls[0].map((o) => o.heading)).toEqual(['1. Hello World', '2. 파일 열기 추적', '3. PID 1만 보기', '4. 위험한 것']);
    expect(s.checkCreates[0]).toMatchObject({ head_sha: HEAD_SHA, name: 'study-bot / one-liner 검증 (@Codertocat)', status: 'in_progress' });
    const comment = s.commentUpdates[0];
    expect(comment).toContain(`blob/${HEAD_SHA}/study/week1/hgd.md#L12`);
    expect(comment).toContain('✅ 동작함');
    expect(comment).toContain('⛔ 안전 정책으로 거부');
    expect(comment).toContain('kernel `6.18.44-fake`');
    // output is public: it goes into a fence longer than any backtick run in it, so it stays code
    expect(comment).toContain('````text\neBPF 스터디 시작!\n@login hello | <b>x</b>\n```\n````');
    await expect(comment).toMatchFileSnapshot('__snapshots__/local-issue-comment.md');
    const done = s.checkUpdates[0];
    expect(done).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(done.output.annotations.map((a: any) => [a.start_line, a.annotation_level])).toEqual([[18, 'failure'], [24, 'warning'], [30, 'warning']]);
    await expect(JSON.stringify(done, null, 2)).toMatchFileSnapshot('__snapshots__/local-check-run.json');
  });

  it('a comment with /verify and another command: the ⏳ is a comment of its own, so the result and the other answer never overwrite each other', async () => {
    const verifier = fakeVerifier();
    const { probot, settle } = await createTestProbot({ verifier, clock: fixedClock() });
    const s = sent();
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockLocalRun(scope, s);
    // the comment's one reply (the unknown /zz), written once after its commands ran: comment 2
    mockReply(scope, s, 'issue', 2);

    await probot.receive(issueCommentEvent('/verify week1\n/zz'));
    await settle();

    expect(s.replies).toHaveLength(2);
    expect(s.replies[0]).toContain('⏳ 검증 중…');
    expect(s.replies[0]).not.toContain('/zz');
    expect(s.replies[1]).toContain('`/zz`');
    expect(s.replies[1]).not.toContain('⏳');
    // the result replaces comment 1 only (a PATCH of comment 2 would find no mock and fail)
    expect(s.commentUpdates).toHaveLength(1);
    expect(s.commentUpdates[0]).toContain('✅ 동작함');
    expect(s.commentUpdates[0]).not.toContain('/zz');
  });

  it('a Check Run whose annotations GitHub refuses (422) is still completed, without them, and the result stands', async () => {
    const verifier = fakeVerifier();
    const { probot, settle } = await createTestProbot({ verifier, clock: fixedClock() });
    const s = sent();
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockAck(scope, s, 'issue');
    mockStudyFile(scope);
    mockCheckRun(scope, s, 4, 0);
    mockCommentUpdate(scope, s, 'issue');
    // GitHub's answer to an output it will not take (`validation_failed`, 422), then the run completed again
    scope.patch(`/repos/Codertocat/Hello-World/check-runs/4`).reply(422, { message: 'Validation Failed', errors: [{ resource: 'CheckRun', code: 'invalid', field: 'annotations' }], documentation_url: 'https://docs.github.com/rest/checks/runs#update-a-check-run' });
    mockCheckRunUpdate(scope, s, 4, 1);

    await probot.receive(issueCommentEvent('/verify week1'));
    await settle();

    expect(s.commentUpdates).toHaveLength(1);
    expect(s.commentUpdates[0]).toContain('✅ 동작함');
    expect(s.checkUpdates).toHaveLength(1);
    expect(s.checkUpdates[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(s.checkUpdates[0].output.annotations).toBeUndefined();
    expect(s.checkUpdates[0].output.summary).toContain('annotation');
  });

  it('a note of thousands of one-liners: the first 50 run, the reply says how many were left out, and it renders', async () => {
    // 1,000 one-liners in one block (a 1 MiB note holds 25,000, which overflowed the reply's
    // stack; 2,000 held the event loop 2.3 s rendering the reply and the Check Run).
    const markdown = `# week 1\n\n### 1. many\n\n\`\`\`bash\n${"sudo bpftrace -e 'BEGIN { exit(); }'\n".repeat(1_000)}\`\`\`\n`;
    const verifier = fakeVerifier();
    const { probot, settle } = await createTestProbot({ verifier, clock: fixedClock() });
    const s = sent();
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockLocalRun(scope, s, { markdown });
    await probot.receive(issueCommentEvent('/verify week1'));
    await settle();
    expect(verifier.calls[0]).toHaveLength(50);
    expect(verifier.calls[0].at(-1)!.line).toBe(55);
    const comment = s.commentUpdates[0];
    expect(comment).toContain('one-liner 1000개 중 처음 50개만 실행했습니다');
    expect(comment).toContain('#L55');
    expect(comment).not.toContain('#L56');
    expect(s.checkUpdates[0]).toMatchObject({ status: 'completed' });
  }, 120_000);

  it('verifies the commented commit when /verify is a commit comment', async () => {
    const verifier = fakeVerifier();
    const { probot, settle } = await createTestProbot({ verifier });
    const s = sent();
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockAck(scope, s, 'commit', 55);
    mockStudyFile(scope, { sha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246', headLookup: false });
    mockCheckRun(scope, s, 4, 1, 'commit', 55);
    mockCommentUpdate(scope, s, 'commit', 55);

    await probot.receive(commitCommentEvent('/verify study/week1/hgd.md'));
    await settle();
    expect(s.checkCreates[0].head_sha).toBe('6113728f27ae82c7b1a177c8d03f9e96e0adf246');
    // "Details" leads to the request's comment (the result is there), not to the app's homepage
    expect(s.checkCreates[0].details_url).toBe(webhookExample('commit_comment', 'created').comment.html_url);
    expect(s.commentUpdates[0]).toContain('blob/6113728f27ae82c7b1a177c8d03f9e96e0adf246/study/week1/hgd.md#L12');
  });

  it('refuses someone who is neither on the roster nor a writer, and runs nothing', async () => {
    const verifier = fakeVerifier();
    const { probot, settle } = await createTestProbot({ verifier });
    const s = sent();
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockRole(scope, 'drive-by', 'read');
    mockReply(scope, s, 'issue');
    await probot.receive(issueCommentEvent('/verify week1', 'drive-by'));
    await settle();
    expect(s.replies[0]).toContain('스터디 멤버');
    expect(verifier.calls).toHaveLength(0);
  });

  it('keeps the organizer-only form for organizers', async () => {
    const { probot, settle } = await createTestProbot({ verifier: fakeVerifier() });
    const s = sent();
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockRole(scope, MEMBER, 'write');
    mockReply(scope, s, 'issue');
    await probot.receive(issueCommentEvent('/verify week1 @kim-cs'));
    await settle();
    expect(s.replies[0]).toContain('운영진만');
  });

  it('answers help and malformed commands with usage', async () => {
    const { probot } = await createTestProbot({ verifier: fakeVerifier() });
    const s = sent();
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockReply(scope, s, 'issue');
    await probot.receive(issueCommentEvent('/verify help\n/verify ../../etc/shadow.md'));
    // one reply per comment, written once: both answers in it, no edit
    expect(s.replies).toHaveLength(1);
    expect(s.replies[0]).toContain('/verify week1');
    expect(s.replies[0]).toContain('> /verify ../../etc/shadow.md');
    expect(s.replies[0]).toContain('사용법');
    expect(s.commentUpdates).toEqual([]);
  });

  it('allows one request at a time and a few per hour', async () => {
    const clock = fixedClock();
    const { probot, settle } = await createTestProbot({ verifier: fakeVerifier(), clock });
    const s = sent();
    const scope = nock(API);
    // first request runs; a second one while the first is still running is refused as busy
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockAck(scope, s, 'issue');
    mockStudyFile(scope);
    mockCheckRun(scope, s);
    mockCommentUpdate(scope, s, 'issue');
    // (Probot reuses the installation token for the next events)
    mockConfig(scope, studyYaml());
    mockReply(scope, s, 'issue', 2);
    await probot.receive(issueCommentEvent('/verify week1'));
    await probot.receive(issueCommentEvent('/verify week1', undefined, 700001));
    expect(s.replies[1]).toContain('아직 실행 중');
    await settle();
    expect(s.commentUpdates).toHaveLength(1);

    // perHour: 1 → the next request within the hour is refused with the time to come back
    mockConfig(scope, studyYaml('verify:\n  perHour: 1'));
    mockReply(scope, s, 'issue', 3);
    clock.advance(10 * 60_000);
    await probot.receive(issueCommentEvent('/verify week1', undefined, 700002));
    expect(s.replies[2]).toContain('한 시간에 1번');
    expect(s.replies[2]).toContain('50분');
  });

  it('reads the note in a worker within its budget: a pathological note gets the reason, runs nothing, and frees the slot', async () => {
    const verifier = fakeVerifier();
    const { probot, settle, s, scope } = await verifyScene({ verifier });
    // 30 KB of nested list markers around a real one-liner: remark needed a minute on the event loop
    const markdown = `${submission()}\n${'- '.repeat(12_000)}${'> '.repeat(6_000)}\n`;
    mockStudyFile(scope, { markdown });
    mockCommentUpdate(scope, s, 'issue');
    await probot.receive(issueCommentEvent('/verify week1'));
    await settle();
    expect(s.commentUpdates[0]).toContain('⚠️ 검증하지 못했습니다: 목록/인용이 너무 깊게 중첩되어 있습니다');
    expect(verifier.calls).toHaveLength(0);
    // the slot is free again
    mockConfig(scope, studyYaml());
    mockReply(scope, s, 'issue', 2);
    mockThreadComments(scope, 'issue', []);
    mockEyes(scope, s, 'issue', 700003);
    mockStudyFile(scope, { name: 'someone-else.md', readFile: false });
    mockCommentUpdate(scope, s, 'issue', 2);
    await probot.receive(issueCommentEvent('/verify week1', undefined, 700003));
    await settle();
    expect(s.replies[1]).toContain('⏳ 검증 중…');
  });

  it('tells the member when the file does not exist, and frees their slot', async () => {
    const { probot, settle } = await createTestProbot({ verifier: fakeVerifier() });
    const s = sent();
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockAck(scope, s, 'issue');
    // the folder holds someone else's notes only: the listing is read, no file
    mockStudyFile(scope, { name: 'someone-else.md', readFile: false });
    mockCommentUpdate(scope, s, 'issue');
    await probot.receive(issueCommentEvent('/verify week1'));
    await settle();
    expect(s.commentUpdates[0]).toContain('1주차 노트를 찾지 못했습니다');
    expect(s.commentUpdates[0]).toContain('someone-else.md');
  });
});
