import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { checkResultBlock } from '../../src/check/check-result-block.js';
import { applyChanges, emptyLedger, type Ledger } from '../../src/attendance/ledger.js';
import { REPORT_MARKER } from '../../src/attendance/render-report.js';
import { openapiExample, webhookExample } from '../helpers/github-examples.js';
import { INSTALLATION_ID, mockInstallationToken } from '../helpers/probot-app.js';
import { seoul, STUDY_YML } from '../helpers/attendance-study.js';
import {
  clockAt,
  commentPayload,
  createAttendanceProbot,
  ISSUE,
  mockConfig,
  mockCreateComment,
  mockFindIssue,
  mockGetComment,
  mockListComments,
  mockReaction,
  mockReply,
  mockRole,
  mockTree,
  mockUpdateComment,
  newScope,
  pushPayload,
  REPO,
  receive,
  ReportState,
  signedLedgerOf,
} from '../helpers/attendance-github.js';

const ledgerOf = (state: ReportState): Ledger => signedLedgerOf(state.body);

describe('check-in', () => {
  it('inside the window: a reaction, then the report issue and comment are made once', async () => {
    const { probot, settle } = await createAttendanceProbot({ clock: clockAt('2025-09-11T11:06:00Z') });
    const state = new ReportState();
    const scope = mockInstallationToken();
    mockConfig(scope, STUDY_YML);
    mockReaction(scope, '+1');
    mockConfig(scope, STUDY_YML);
    mockFindIssue(scope, false);
    mockListComments(scope, state);
    mockCreateComment(scope, state);
    // week 2, 20:05 Seoul
    await receive(probot, 'issue_comment', commentPayload('/출석', 'hong-gildong', '2025-09-11T11:05:00Z'));
    await settle();
    expect(state.writes).toHaveLength(1);
    expect(ledgerOf(state).marks['2/hong-gildong']).toMatchObject({ state: 'present', source: 'check-in', at: seoul('2025-09-11T20:05') });
    expect(state.body).toMatch(/^<!-- study-bot:attendance-report -->\n## 📊 출석 · 제출 현황/);
    expect(state.body).toContain('| hgd<br><sub>hong-gildong</sub> | 미제출 | 출석 |');
    expect(nock.pendingMocks()).toEqual([]);
  });

  it.each([
    [
      'outside every window: refused with the next session, nothing recorded',
      { clock: clockAt('2025-09-12T03:00:00Z') },
      '/attend', 'hong-gildong', '2025-09-12T03:00:00Z',
      ['지금은 출석 시간이 아닙니다', '다음 세션: 3주차 9/18 (목) 20:00 (Asia/Seoul)'],
    ],
    [
      'online on an offline week (week 1): refused with the reason',
      {},
      '/출석 온라인', 'hong-gildong', '2025-09-04T11:10:00Z',
      ['1주차는 오프라인 필수 세션이라 온라인 출석은 인정되지 않습니다'],
    ],
    [
      'a non-member is told how to be added',
      {},
      '/출석', 'Codertocat', '2025-09-11T11:05:00Z',
      ['@Codertocat 님은 스터디 명단에 없어', '`login: Codertocat`'],
    ],
  ])('%s', async (_, deps, body, login, createdAt, expected) => {
    const { probot, settle } = await createAttendanceProbot(deps);
    const replies: string[] = [];
    const scope = mockInstallationToken();
    mockConfig(scope, STUDY_YML);
    mockReply(scope, 1, replies);
    await receive(probot, 'issue_comment', commentPayload(body, login, createdAt));
    await settle();
    // one short reply that says why, and nothing else (no reaction, no report write)
    expect(replies).toHaveLength(1);
    for (const text of expected) expect(replies[0]).toContain(text);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it.each([
    ["the bot's own comment", '/출석', 'study-bot[bot]', 'Bot'],
    ['a command inside a code block', '```\n/출석\n```', 'hong-gildong', 'User'],
    ['a quoted command', '> /attendance week 2 absent @jiwoo-kim', 'hong-gildong', 'User'],
  ])('ignores %s: no request at all', async (_, body, login, type) => {
    const { probot, settle } = await createAttendanceProbot();
    await receive(probot, 'issue_comment', commentPayload(body, login, '2025-09-11T11:05:00Z', type));
    await settle();
    expect(nock.pendingMocks()).toEqual([]);
    expect(nock.isDone()).toBe(true);
  });
});

describe('organizer commands', () => {
  it('an organizer override wins over the check-in and refreshes the comment in place', async () => {
    const { probot, settle } = await createAttendanceProbot({ clock: clockAt('2025-09-12T00:00:00Z') });
    const before = applyChanges(emptyLedger(), [
      { kind: 'mark', mark: { week: 2, login: 'jiwoo-kim', state: 'present', by: 'jiwoo-kim', at: seoul('2025-09-11T20:01'), source: 'check-in' } },
    ]);
    const state = new ReportState(before);
    const scope = mockInstallationToken();
    mockConfig(scope, STUDY_YML);
    mockRole(scope, 'organizer-kim', 'admin');
    mockReaction(scope, '+1');
    mockConfig(scope, STUDY_YML);
    mockFindIssue(scope, true);
    mockListComments(scope, state);
    mockUpdateComment(scope, state);
    await receive(probot, 'issue_comment', commentPayload('/attendance week 2 absent @jiwoo-kim @hgd', 'organizer-kim', '2025-09-11T23:59:00Z'));
    await settle();
    const ledger = ledgerOf(state);
    expect(ledger.marks['2/jiwoo-kim']).toMatchObject({ state: 'absent', by: 'organizer-kim', source: 'organizer' });
    expect(ledger.marks['2/hong-gildong']).toMatchObject({ state: 'absent', by: 'organizer-kim' });
    expect(state.writes).toHaveLength(1);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('a member trying an organizer command is refused and nothing changes', async () => {
    const { probot, settle } = await createAttendanceProbot();
    const replies: string[] = [];
    const scope = mockInstallationToken();
    mockConfig(scope, STUDY_YML);
    mockRole(scope, 'hong-gildong', 'write');
    mockReply(scope, 1, replies);
    mockRole(scope, 'hong-gildong', 'write');
    // one reply per comment, written once: both refusals in one POST, no edit
    await receive(probot, 'issue_comment', commentPayload('/attendance week 2 present @hong-gildong\n/report', 'hong-gildong'));
    await settle();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('`/attendance`은(는) 운영진(저장소 admin·maintain 권한)만 쓸 수 있습니다. 아무것도 바꾸지 않았습니다.');
    expect(replies[0]).toContain('`/report`은(는) 운영진');
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('/report on an issue with 300 comments pages through them (Link headers) to the marker', async () => {
    const { probot, settle } = await createAttendanceProbot({ clock: clockAt('2025-09-12T00:00:00Z') });
    const state = new ReportState(emptyLedger());
    const base = openapiExample('issue-comment');
    const chatter = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ ...base, id: from + i, body: `comment ${from + i}`, user: { ...base.user, login: 'someone', type: 'User' } }));
    const url = (page: number) => `<https://api.github.com${REPO}/issues/${ISSUE}/comments?per_page=100&page=${page}>`;
    const scope = mockInstallationToken();
    mockConfig(scope, STUDY_YML);
    mockRole(scope, 'organizer-kim', 'maintain');
    mockReaction(scope, 'eyes');
    mockConfig(scope, STUDY_YML);
    mockFindIssue(scope, true);
    scope
      .get(`${REPO}/issues/${ISSUE}/comments`)
      .query({ per_page: '100' })
      .reply(200, chatter(1, 100), { link: `${url(2)}; rel="next", ${url(3)}; rel="last"` })
      .get(`${REPO}/issues/${ISSUE}/comments`)
      .query({ per_page: '100', page: '2' })
      .reply(200, chatter(101, 100), { link: `${url(3)}; rel="next", ${url(3)}; rel="last", ${url(1)}; rel="first"` })
      .get(`${REPO}/issues/${ISSUE}/comments`)
      .query({ per_page: '100', page: '3' })
      .reply(200, () => [...chatter(201, 49), state.comment(), ...chatter(251, 50)], { link: `${url(1)}; rel="first", ${url(2)}; rel="prev"` });
    mockUpdateComment(scope, state);
    await receive(probot, 'issue_comment', commentPayload('/report', 'organizer-kim'));
    await settle();
    expect(state.writes).toHaveLength(1);
    expect(state.body).toContain('## 📊 출석 · 제출 현황');
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe('under load', () => {
  it('two events at once: one issue, one comment, both check-ins kept, and the second refresh re-reads first', async () => {
    const { probot, settle } = await createAttendanceProbot({ clock: clockAt('2025-09-11T11:10:00Z') });
    const state = new ReportState();
    const reactions: string[] = [];
    const scope = mockInstallationToken();
    mockConfig(scope, STUDY_YML);
    mockConfig(scope, STUDY_YML);
    mockReaction(scope, '+1', reactions);
    mockReaction(scope, 'rocket', reactions);
    // first refresh: find everything, create the comment
    mockConfig(scope, STUDY_YML);
    mockFindIssue(scope, false);
    mockListComments(scope, state);
    mockCreateComment(scope, state);
    // the follow-up carries the second check-in: GET by id right before the PATCH
    mockConfig(scope, STUDY_YML);
    mockGetComment(scope, state);
    mockUpdateComment(scope, state);
    await Promise.all([
      receive(probot, 'issue_comment', commentPayload('/출석', 'hong-gildong', '2025-09-11T11:04:00Z'), 'a'),
      receive(probot, 'issue_comment', commentPayload('/attend online', 'jiwoo-kim', '2025-09-11T11:06:00Z'), 'b'),
    ]);
    await settle();
    expect(reactions.sort()).toEqual(['+1', 'rocket']);
    expect(state.writes).toHaveLength(2);
    const ledger = ledgerOf(state);
    expect(Object.keys(ledger.marks).sort()).toEqual(['2/hong-gildong', '2/jiwoo-kim']);
    expect(ledger.marks['2/jiwoo-kim'].state).toBe('online');
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('a comment written by another process between refreshes is not lost: the refresh re-reads it', async () => {
    const { probot, settle } = await createAttendanceProbot({ clock: clockAt('2025-09-12T00:00:00Z') });
    const state = new ReportState(emptyLedger());
    const scope = mockInstallationToken();
    mockConfig(scope, STUDY_YML);
    mockRole(scope, 'organizer-kim', 'admin');
    mockReaction(scope, 'eyes');
    mockConfig(scope, STUDY_YML);
    mockFindIssue(scope, true);
    mockListComments(scope, state);
    mockUpdateComment(scope, state);
    await receive(probot, 'issue_comment', commentPayload('/report', 'organizer-kim'));
    await settle();
    // another instance of the app records a check-in meanwhile
    const other = applyChanges(ledgerOf(state), [
      { kind: 'mark', mark: { week: 2, login: 'lee-younghee', state: 'present', by: 'lee-younghee', at: seoul('2025-09-11T20:00'), source: 'check-in' } },
    ]);
    state.body = new ReportState(other).body;
    mockConfig(scope, STUDY_YML);
    mockRole(scope, 'organizer-kim', 'admin');
    mockReaction(scope, '+1');
    mockConfig(scope, STUDY_YML);
    mockGetComment(scope, state);
    mockUpdateComment(scope, state);
    await receive(probot, 'issue_comment', commentPayload('/attendance week 2 excused @hgd', 'organizer-kim'));
    await settle();
    expect(Object.keys(ledgerOf(state).marks).sort()).toEqual(['2/hong-gildong', '2/lee-younghee']);
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe('submissions from pushes', () => {
  const AFTER = '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c';

  it('a force push that rewrites history keeps first-seen times (a backdated commit does not move them)', async () => {
    const { probot, settle } = await createAttendanceProbot({ clock: clockAt('2025-09-20T00:00:00Z') });
    const before = applyChanges(emptyLedger(), [
      { kind: 'tree', files: [{ path: 'study/week1/hgd.md', week: 1, owner: 'hgd' }], renames: [], seenAt: seoul('2025-09-09T10:00'), complete: true },
    ]);
    const state = new ReportState(before);
    const scope = mockInstallationToken();
    mockConfig(scope, STUDY_YML);
    mockTree(scope, AFTER, ['README.md', 'study/week1/hgd.md', 'study/week1/OT.md', 'study/week2/hgd.md']);
    mockFindIssue(scope, true);
    mockListComments(scope, state);
    mockUpdateComment(scope, state);
    await receive(
      probot,
      'push',
      pushPayload({
        after: AFTER,
        pushedAt: '2025-09-19T12:00:00Z',
        forced: true,
        commits: [{ added: ['study/week1/hgd.md', 'study/week2/hgd.md'], timestamp: '2025-09-01T00:00:00+09:00' }],
      }),
    );
    await settle();
    const ledger = ledgerOf(state);
    expect(ledger.submissions['1/hgd']).toMatchObject({ firstSeen: seoul('2025-09-09T10:00'), onMain: true });
    expect(ledger.submissions['2/hgd']).toMatchObject({ firstSeen: Date.parse('2025-09-19T12:00:00Z'), onMain: true });
    expect(state.body).toContain('| hgd<br><sub>hong-gildong</sub> | 제출 ⏳ | 지각 제출 ⏳ |');
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('a rename inside the week folder keeps the submission (jwk.md → jiwoo.md)', async () => {
    const { probot, settle } = await createAttendanceProbot({ clock: clockAt('2025-09-20T00:00:00Z') });
    const before = applyChanges(emptyLedger(), [
      { kind: 'tree', files: [{ path: 'study/week1/jwk.md', week: 1, owner: 'jwk' }], renames: [], seenAt: seoul('2025-09-08T10:00'), complete: true },
    ]);
    const state = new ReportState(before);
    const scope = mockInstallationToken();
    mockConfig(scope, STUDY_YML);
    mockTree(scope, AFTER, ['study/week1/jiwoo.md']);
    mockFindIssue(scope, true);
    mockListComments(scope, state);
    mockUpdateComment(scope, state);
    await receive(
      probot,
      'push',
      pushPayload({ after: AFTER, pushedAt: '2025-09-19T12:00:00Z', commits: [{ removed: ['study/week1/jwk.md'], added: ['study/week1/jiwoo.md'] }] }),
    );
    await settle();
    const ledger = ledgerOf(state);
    expect(ledger.submissions['1/jiwoo']).toMatchObject({ path: 'study/week1/jiwoo.md', firstSeen: seoul('2025-09-08T10:00'), onMain: true });
    expect(state.body).toContain('| jiwoo<br><sub>jiwoo-kim</sub> | 제출 ⏳ |');
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('ignores pushes to other branches and tags without a request', async () => {
    const { probot, settle } = await createAttendanceProbot();
    const payload = pushPayload({ after: AFTER, pushedAt: '2025-09-19T12:00:00Z', commits: [] });
    payload.ref = 'refs/heads/feature';
    await receive(probot, 'push', payload);
    await receive(probot, 'push', Object.assign(webhookExample<Record<string, unknown>>('push'), { installation: { id: INSTALLATION_ID } }));
    await settle();
    expect(nock.isDone()).toBe(true);
  });
});

describe('check results', () => {
  const completed = (appId: number, text: string) => {
    const payload = webhookExample('check_run', 'completed');
    payload.check_run.name = 'study-bot / 제출물 검사';
    payload.check_run.app.id = appId;
    payload.check_run.completed_at = '2025-09-09T01:05:00Z';
    payload.check_run.output = { ...payload.check_run.output, title: '1개 파일', summary: `표\n\n${text}`, text: null };
    payload.installation = { id: INSTALLATION_ID };
    return payload;
  };

  it("picks up our own push check's verdicts from its hidden block", async () => {
    const { probot, settle } = await createAttendanceProbot({ clock: clockAt('2025-09-10T00:00:00Z') });
    const before = applyChanges(emptyLedger(), [
      { kind: 'tree', files: [{ path: 'study/week1/hgd.md', week: 1, owner: 'hgd' }], renames: [], seenAt: seoul('2025-09-09T10:00'), complete: true },
    ]);
    const state = new ReportState(before);
    const scope = mockInstallationToken();
    mockConfig(scope, STUDY_YML);
    mockFindIssue(scope, true);
    mockListComments(scope, state);
    mockUpdateComment(scope, state);
    await receive(probot, 'check_run', completed(1, checkResultBlock([{ path: 'study/week1/hgd.md', status: 'fail' }])));
    await settle();
    expect(ledgerOf(state).checks['study/week1/hgd.md']).toEqual({ status: 'fail', at: Date.parse('2025-09-09T01:05:00Z') });
    expect(state.body).toContain('| hgd<br><sub>hong-gildong</sub> | 제출 ❌ |');
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('ignores a same-named check run from another app (a workflow can create one)', async () => {
    const { probot, settle } = await createAttendanceProbot();
    await receive(probot, 'check_run', completed(29310, checkResultBlock([{ path: 'study/week1/hgd.md', status: 'pass' }])));
    await settle();
    expect(nock.isDone()).toBe(true);
  });
});

it('never writes over a ledger it cannot read, and says so once (no retry: waiting does not fix it)', async () => {
  const { probot, settle } = await createAttendanceProbot({ clock: clockAt('2025-09-12T00:00:00Z') });
  const state = new ReportState();
  state.body = `${REPORT_MARKER}\ntable\n<!-- study-bot:ledger v1 bm90IGRlZmxhdGU= -->`;
  const replies: string[] = [];
  const scope = mockInstallationToken();
  mockConfig(scope, STUDY_YML);
  mockRole(scope, 'organizer-kim', 'admin');
  mockConfig(scope, STUDY_YML);
  mockFindIssue(scope, true);
  mockListComments(scope, state);
  mockReply(scope, 1, replies);
  await receive(probot, 'issue_comment', commentPayload('/report', 'organizer-kim'));
  await settle();
  expect(replies).toHaveLength(1);
  expect(replies[0]).toContain('현황을 **갱신하지 못했습니다**');
  expect(state.writes).toHaveLength(0);
  expect(nock.pendingMocks()).toEqual([]);
});
