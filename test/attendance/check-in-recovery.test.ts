/**
 * A check-in is never lost, not even to a crash: the `/출석` comment is its own record. When
 * every attempt to write the ledger fails, the bot keeps trying and acknowledges once it lands;
 * when the process dies meanwhile, the recovery pass of the next start reads the comment back
 * from GitHub and records it, decided as the handler decides (the comment's own time), once.
 */
import nock from 'nock';
import { Probot } from 'probot';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app/deps.js';
import { applyChanges, emptyLedger } from '../../src/attendance/ledger.js';
import type { AttendanceDeps } from '../../src/attendance/attendance-options.js';
import { registerAttendance } from '../../src/attendance/register.js';
import { registerCommandDispatch, type CommandHandler } from '../../src/commands/dispatch.js';
import { registerRecovery } from '../../src/recovery/register.js';
import { appOpenedIssue, openapiExample, webhookExample } from '../helpers/github-examples.js';
import { mockIssueComments, type ListedIssueComment } from '../helpers/issue-comments-listing.js';
import { seoul, STUDY_YML } from '../helpers/attendance-study.js';
import {
  API, clockAt, COMMENT_ID, commentPayload, createAttendanceProbot, ISSUE, mockConfig, mockFindIssue, mockListComments, mockReply, REPO,
  receive, ReportState, signedLedgerOf, TEST_LEDGER_SECRET,
} from '../helpers/attendance-github.js';
import { mockInstallationToken, testOctokit, testPrivateKey } from '../helpers/probot-app.js';
import { mockRecoveryStart, TEST_RECOVERY_SETTINGS } from '../helpers/recovery.js';

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

const COMMAND_COMMENT_ID = webhookExample('issue_comment', 'created').comment.id;
const githubDown = (scope: nock.Scope, path: string, times: number) => scope.intercept(path, 'PATCH').times(times).reply(502, { message: 'Server Error' });

describe('a check-in whose writes failed', () => {
  it('is recorded by a later attempt and acknowledged then, after the one reply that it was not recorded yet', async () => {
    const { probot, settle } = await createAttendanceProbot({ clock: clockAt('2025-09-11T11:06:00Z'), attendance: { followUpDelaysMs: [0, 0] } });
    const state = new ReportState(emptyLedger());
    const events: string[] = [];
    const scope = mockInstallationToken();
    mockConfig(scope, STUDY_YML); // the dispatcher
    // three attempts and the first later one fail; the second later one lands
    for (let attempt = 0; attempt < 5; attempt++) {
      mockConfig(scope, STUDY_YML);
      mockFindIssue(scope, true);
      mockListComments(scope, state);
    }
    githubDown(scope, `${REPO}/issues/comments/${COMMENT_ID}`, 4);
    scope.patch(`${REPO}/issues/comments/${COMMENT_ID}`).reply(200, (_uri, b: any) => {
      events.push('write');
      state.body = b.body;
      return state.comment();
    });
    scope.post(`${REPO}/issues/1/comments`).reply(201, (_uri, b: any) => {
      events.push(`reply ${b.body.includes('아직 기록하지 못했습니다') ? 'not recorded yet' : b.body}`);
      return openapiExample('issue-comment');
    });
    scope.post(`${REPO}/issues/comments/${COMMAND_COMMENT_ID}/reactions`).reply(201, (_uri, b: any) => {
      events.push(`react ${b.content}`);
      return { ...openapiExample<any>('reaction'), content: b.content };
    });
    await receive(probot, 'issue_comment', commentPayload('/출석', 'hong-gildong', '2025-09-11T11:05:00Z'));
    await settle();
    expect(events).toEqual(['reply not recorded yet', 'write', 'react +1']);
    expect(signedLedgerOf(state.body).marks['2/hong-gildong']).toMatchObject({ state: 'present', at: seoul('2025-09-11T20:05') });
  });
});


/** A process after a restart: attendance, the dispatcher and the recovery pass, as createApp wires them. */
async function restarted(now: string) {
  const deps: AttendanceDeps = {
    clock: clockAt(now),
    background: (t) => void t(),
    attendance: { ledgerSecrets: [TEST_LEDGER_SECRET], retryDelaysMs: [0], followUpDelaysMs: [] },
  };
  const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: testOctokit(), logLevel: 'fatal' });
  let recovery!: ReturnType<typeof registerRecovery>;
  await probot.load((app) => {
    const commands: CommandHandler[] = [];
    const attendance = registerAttendance(app, deps as AppDeps, commands);
    registerCommandDispatch(app, deps as AppDeps, commands);
    recovery = registerRecovery(app, deps as AppDeps, TEST_RECOVERY_SETTINGS, {
      repositories: [{ name: 'check-ins', run: (r, octokit) => attendance.checkInsSince(octokit, r, Date.parse(now) - TEST_RECOVERY_SETTINGS.lookBackMs) }],
    });
  });
  return recovery;
}

/** An issue comment as GitHub lists it. */
function listed(id: number, body: string, login: string, createdAt: string, opts: { type?: string; association?: string } = {}) {
  const example = openapiExample<any>('issue-comment');
  return {
    ...example,
    id,
    body,
    created_at: createdAt,
    updated_at: createdAt,
    author_association: opts.association ?? 'COLLABORATOR',
    user: { ...example.user, login, type: opts.type ?? 'User' },
    issue_url: `${API}${REPO}/issues/3`,
  };
}

/** GitHub as the recovery pass reads it: the delivery log, the installation, the report and its ledger. */
function mockGitHub(state: ReportState, comments: ListedIssueComment[], events: string[]) {
  const scope = mockRecoveryStart();
  // one page, newest first by creation, as GitHub lists it (test/helpers/issue-comments-listing.ts)
  mockIssueComments(scope, `${REPO}/issues/comments`, comments);
  scope.get(`${REPO}/comments`).query({ per_page: '100', page: '1' }).reply(200, []);
  // reads, as often as the pass needs them: the config, the report issue, its comment
  const issue = appOpenedIssue();
  scope.get(`${REPO}/contents/.github%2Fstudy.yml`).optionally().times(10).reply(200, {
    ...openapiExample('content-file'),
    path: '.github/study.yml',
    content: Buffer.from(STUDY_YML).toString('base64'),
    encoding: 'base64',
  });
  scope
    .get(`${REPO}/issues`)
    .query((q) => q.labels === 'study-report')
    .optionally()
    .times(10)
    .reply(200, [{ ...issue, number: ISSUE, title: '📊 출석 · 제출 현황' }]);
  scope.get(`${REPO}/issues/${ISSUE}/comments`).query({ per_page: '100' }).optionally().times(10).reply(200, () => [state.comment()]);
  scope.get(`${REPO}/issues/comments/${COMMENT_ID}`).optionally().times(10).reply(200, () => state.comment());
  scope.patch(`${REPO}/issues/comments/${COMMENT_ID}`).optionally().times(10).reply(200, (_uri, b: any) => {
    events.push('write');
    state.body = b.body;
    state.writes.push(b.body);
    return state.comment();
  });
  scope.post(/\/issues\/comments\/\d+\/reactions$/).optionally().times(10).reply(201, (uri, b: any) => {
    events.push(`react ${b.content} ${/comments\/(\d+)\//.exec(uri)![1]}`);
    return { ...openapiExample<any>('reaction'), content: b.content };
  });
}

describe('a check-in lost to a crash', () => {
  it('is found again from its comment at the next start and recorded once, with the comment’s own time', async () => {
    // jiwoo's check-in made it to the ledger before the crash; hong-gildong's did not
    const recorded = applyChanges(emptyLedger(), [
      { kind: 'mark', mark: { week: 2, login: 'jiwoo-kim', state: 'online', by: 'jiwoo-kim', at: Date.parse('2025-09-11T11:02:00Z'), source: 'check-in' } },
    ]);
    const state = new ReportState(recorded);
    const comments = [
      listed(7001, '/출석', 'hong-gildong', '2025-09-11T11:05:00Z'),
      listed(7002, '/출석 온라인', 'jiwoo-kim', '2025-09-11T11:02:00Z'),
      listed(7003, '/출석', 'park-minsu', '2025-09-12T01:00:00Z'), // the next morning, no session: refused then, refused now
      listed(7004, '/출석', 'drive-by', '2025-09-11T11:06:00Z', { association: 'NONE' }), // not on the roster
      listed(7005, '> /출석\n인용일 뿐', 'choi-sora', '2025-09-11T11:07:00Z'), // a quote is no command
      listed(7006, '/출석', 'study-bot[bot]', '2025-09-11T11:08:00Z', { type: 'Bot' }),
    ];
    const events: string[] = [];
    mockGitHub(state, comments, events);
    const recovery = await restarted('2025-09-12T10:30:00Z');
    const result = await recovery.runOnce();
    expect(result?.errors).toEqual([]);
    expect(result?.reconciled?.others['check-ins']).toEqual(['Codertocat/Hello-World: hong-gildong week 2 (comment 7001)']);
    expect(events).toEqual(['write', 'react +1 7001']);
    const ledger = signedLedgerOf(state.body);
    expect(ledger.marks['2/hong-gildong']).toMatchObject({ state: 'present', at: Date.parse('2025-09-11T11:05:00Z'), source: 'check-in' });
    expect(ledger.marks['2/jiwoo-kim']).toMatchObject({ state: 'online' });
    expect(Object.keys(ledger.marks).sort()).toEqual(['2/hong-gildong', '2/jiwoo-kim']);
    recovery.stop();

    // another restart reads the same comments: nothing more is written
    nock.cleanAll();
    const again: string[] = [];
    mockGitHub(state, comments, again);
    const second = await restarted('2025-09-12T10:30:00Z');
    const secondResult = await second.runOnce();
    expect(secondResult?.errors).toEqual([]);
    expect(again).toEqual([]);
    second.stop();
  });
});
