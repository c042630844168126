/**
 * The gaps that make the report something members can rely on: a check-in is never lost
 * (recorded first, acknowledged after, retried, or a reply that says so), a broken config
 * does not stop check-ins, and the bot's record survives members editing or deleting the
 * report comment.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { applyChanges, emptyLedger, type Ledger } from '../../src/attendance/ledger.js';
import { REPORT_MARKER } from '../../src/attendance/render-report.js';
import { openapiExample, webhookExample, ourAppNamed } from '../helpers/github-examples.js';
import { INSTALLATION_ID, mockInstallationToken } from '../helpers/probot-app.js';
import { seoul, STUDY_YML } from '../helpers/attendance-study.js';
import {
  clockAt,
  COMMENT_ID,
  commentPayload,
  createAttendanceProbot,
  ISSUE,
  mockConfig,
  mockCreateComment,
  mockFindIssue,
  mockGetComment,
  mockListComments,
  mockReply,
  mockRole,
  mockUpdateComment,
  REPO,
  receive,
  ReportState,
  signedLedgerOf,
} from '../helpers/attendance-github.js';

const ledgerOf = signedLedgerOf;
const COMMAND_COMMENT_ID = webhookExample('issue_comment', 'created').comment.id;
const checkedIn = (login: string, week = 2, at = '2025-09-11T20:01') =>
  applyChanges(emptyLedger(), [{ kind: 'mark', mark: { week, login, state: 'present', by: login, at: seoul(at), source: 'check-in' } }]);

/** A reaction interceptor that notes when it happened relative to the writes. */
const reactionLogged = (scope: nock.Scope, events: string[]) =>
  scope.post(`${REPO}/issues/comments/${COMMAND_COMMENT_ID}/reactions`).reply(201, (_uri, b: any) => {
    events.push(`react ${b.content}`);
    return { ...openapiExample<Record<string, unknown>>('reaction'), content: b.content };
  });

const githubDown = (scope: nock.Scope, method: 'post' | 'patch', path: string, times: number) =>
  scope.intercept(path, method.toUpperCase()).times(times).reply(502, { message: 'Server Error' });

describe('a check-in is never lost', () => {
  it('the reaction comes only after the ledger was written, and a 5xx is retried', async () => {
    const { probot, settle } = await createAttendanceProbot({ clock: clockAt('2025-09-11T11:06:00Z') });
    const state = new ReportState(emptyLedger());
    const events: string[] = [];
    const scope = mockInstallationToken();
    mockConfig(scope, STUDY_YML); // the dispatcher
    // attempt 1: GitHub answers 502 to the write
    mockConfig(scope, STUDY_YML);
    mockFindIssue(scope, true);
    mockListComments(scope, state);
    githubDown(scope, 'patch', `${REPO}/issues/comments/${COMMENT_ID}`, 1);
    // attempt 2: the comment's place is not cached (the first run failed), so it is found again
    mockConfig(scope, STUDY_YML);
    mockFindIssue(scope, true);
    mockListComments(scope, state);
    scope.patch(`${REPO}/issues/comments/${COMMENT_ID}`).reply(200, (_uri, b: any) => {
      events.push('write');
      state.body = b.body;
      return state.comment();
    });
    reactionLogged(scope, events);
    await receive(probot, 'issue_comment', commentPayload('/출석', 'hong-gildong', '2025-09-11T11:05:00Z'));
    await settle();
    expect(events).toEqual(['write', 'react +1']);
    expect(ledgerOf(state.body).marks['2/hong-gildong']).toMatchObject({ state: 'present', at: seoul('2025-09-11T20:05') });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('when every attempt fails: no reaction, one reply that it was not recorded and is not the member’s fault', async () => {
    const { probot, settle } = await createAttendanceProbot({ clock: clockAt('2025-09-11T11:06:00Z') });
    const state = new ReportState(emptyLedger());
    const replies: string[] = [];
    const scope = mockInstallationToken();
    mockConfig(scope, STUDY_YML);
    for (let attempt = 0; attempt < 3; attempt++) {
      mockConfig(scope, STUDY_YML);
      mockFindIssue(scope, true);
      mockListComments(scope, state);
    }
    githubDown(scope, 'patch', `${REPO}/issues/comments/${COMMENT_ID}`, 3);
    mockReply(scope, 1, replies);
    await receive(probot, 'issue_comment', commentPayload('/출석', 'hong-gildong', '2025-09-11T11:05:00Z'));
    await settle();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('> /출석');
    expect(replies[0]).toContain('출석을 **아직 기록하지 못했습니다**');
    expect(replies[0]).toContain('회원님의 잘못이 아닙니다');
    expect(replies[0]).toContain('기록되면 이 댓글에 반응이 달립니다');
    // no reaction interceptor was set: a reaction would have been an unmatched request and failed the reply count
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('a broken .github/study.yml does not block check-ins: the last valid version from its history is used', async () => {
    const { probot, settle } = await createAttendanceProbot({ clock: clockAt('2025-09-11T11:06:00Z') });
    const state = new ReportState(emptyLedger());
    const events: string[] = [];
    const broken = `${STUDY_YML}members: [oops\n`;
    const commits = openapiExample('commit-items') as { sha: string }[];
    const history = [
      { ...commits[0], sha: 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0' }, // the push that broke it
      { ...commits[0], sha: 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1' },
    ];
    const lastValid = () =>
      scope
        .get(`${REPO}/contents/.github%2Fstudy.yml`)
        .query({ ref: history[1].sha })
        .reply(200, { ...openapiExample('content-file'), path: '.github/study.yml', content: Buffer.from(STUDY_YML).toString('base64'), encoding: 'base64' });
    const scope = mockInstallationToken();
    mockConfig(scope, broken); // the dispatcher: broken → defaults, empty roster
    // the check-in handler: an empty roster → the last valid config
    mockConfig(scope, broken);
    scope.get(`${REPO}/commits`).query({ path: '.github/study.yml', per_page: '6' }).reply(200, history);
    lastValid();
    // the refresh: same fallback
    mockConfig(scope, broken);
    scope.get(`${REPO}/commits`).query({ path: '.github/study.yml', per_page: '6' }).reply(200, history);
    lastValid();
    mockFindIssue(scope, true);
    mockListComments(scope, state);
    mockUpdateComment(scope, state);
    reactionLogged(scope, events);
    await receive(probot, 'issue_comment', commentPayload('/출석', 'hong-gildong', '2025-09-11T11:05:00Z'));
    await settle();
    expect(events).toEqual(['react +1']);
    expect(ledgerOf(state.body).marks['2/hong-gildong']).toMatchObject({ state: 'present' });
    // the roster of the last valid config, not the defaults' empty one
    expect(state.body).toContain('| hgd<br><sub>hong-gildong</sub> |');
    expect(state.body).toContain('| seojin<br><sub>yoon-seojin</sub> |');
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe("the bot's record survives members", () => {
  /** The report comment as the webhook shows it: made by the app, edited or deleted by `sender`. */
  function reportCommentEvent<A extends 'edited' | 'deleted'>(action: A, body: string, sender: string, from?: string) {
    const payload = webhookExample('issue_comment', action);
    payload.issue.number = ISSUE;
    payload.comment.id = COMMENT_ID;
    payload.comment.body = body;
    payload.comment.user = { ...payload.comment.user, login: 'study-bot[bot]', type: 'Bot' };
    payload.comment.performed_via_github_app = ourAppNamed();
    payload.sender = { ...payload.sender, login: sender, type: sender.endsWith('[bot]') ? 'Bot' : 'User' };
    if (action === 'edited') payload.changes = { body: { from } };
    payload.installation = { id: INSTALLATION_ID, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMg==' };
    return payload;
  }

  it("a member's edit of the report comment is undone: the previous record comes back, the forged marks do not", async () => {
    const { probot, settle } = await createAttendanceProbot({ clock: clockAt('2025-09-12T00:00:00Z') });
    const record = checkedIn('hong-gildong');
    const original = ReportState.bodyOf(record);
    // the member marked themselves present and rewrote the ledger block; the app's key is not theirs
    const forged = ReportState.bodyOf(applyChanges(record, [{ kind: 'mark', mark: { week: 2, login: 'park-minsu', state: 'present', by: 'organizer-kim', at: seoul('2025-09-11T20:00'), source: 'organizer' } }]), { signed: false });
    const state = new ReportState();
    state.body = forged;
    const scope = mockInstallationToken();
    mockConfig(scope, STUDY_YML);
    mockFindIssue(scope, true);
    mockListComments(scope, state);
    mockUpdateComment(scope, state);
    await receive(probot, 'issue_comment', reportCommentEvent('edited', forged, 'park-minsu', original));
    await settle();
    expect(state.writes).toHaveLength(1);
    const ledger = ledgerOf(state.body);
    expect(Object.keys(ledger.marks)).toEqual(['2/hong-gildong']);
    expect(state.body).toMatch(/^<!-- study-bot:attendance-report -->\n## 📊 출석 · 제출 현황/);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("the app's own edits (every refresh) are left alone: no request", async () => {
    const { probot, settle } = await createAttendanceProbot();
    const body = ReportState.bodyOf(checkedIn('hong-gildong'));
    await receive(probot, 'issue_comment', reportCommentEvent('edited', body, 'study-bot[bot]', ReportState.bodyOf(emptyLedger())));
    await settle();
    expect(nock.isDone()).toBe(true);
  });

  it('an earlier body that is itself forged is not accepted as the record: nothing is restored from it', async () => {
    const { probot, settle } = await createAttendanceProbot();
    const forgedBefore = ReportState.bodyOf(checkedIn('park-minsu'), { signed: false });
    await receive(probot, 'issue_comment', reportCommentEvent('edited', 'lol', 'park-minsu', forgedBefore));
    // a signed ledger copied from another repository of the same app does not pass either
    const otherRepo = (await import('../../src/attendance/ledger-seal.js')).ledgerSeal(['test-webhook-secret'], { owner: 'other', repo: 'study' });
    const { encodeLedger } = await import('../../src/attendance/ledger.js');
    const copied = `${REPORT_MARKER}\ntable\n\n${encodeLedger(checkedIn('park-minsu'), otherRepo)}`;
    await receive(probot, 'issue_comment', reportCommentEvent('edited', 'lol', 'park-minsu', copied));
    await settle();
    expect(nock.isDone()).toBe(true);
  });

  it('a deleted report comment is made again from the deleted body, and the issue points at the new one', async () => {
    const { probot, settle } = await createAttendanceProbot({ clock: clockAt('2025-09-12T00:00:00Z') });
    const record = checkedIn('hong-gildong');
    const deleted = ReportState.bodyOf(record);
    const state = new ReportState(); // gone from GitHub
    const pointed: string[] = [];
    const scope = mockInstallationToken();
    mockConfig(scope, STUDY_YML);
    mockFindIssue(scope, true);
    mockListComments(scope, state);
    mockCreateComment(scope, state, pointed);
    await receive(probot, 'issue_comment', reportCommentEvent('deleted', deleted, 'park-minsu'));
    await settle();
    expect(state.writes).toHaveLength(1);
    expect(ledgerOf(state.body)).toEqual(record);
    expect(pointed[0]).toContain(`https://github.com/Codertocat/Hello-World/issues/${ISSUE}#issuecomment-${COMMENT_ID}`);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('a deletion whose webhook came after a refresh already re-made the comment still brings the old record back', async () => {
    const { probot, settle } = await createAttendanceProbot({ clock: clockAt('2025-09-12T00:00:00Z') });
    const deleted = ReportState.bodyOf(checkedIn('hong-gildong'));
    // the comment that replaced it knows only a newer check-in
    const state = new ReportState(checkedIn('jiwoo-kim', 2, '2025-09-11T20:10'));
    const replaced = { ...state.comment() };
    const scope = mockInstallationToken();
    mockConfig(scope, STUDY_YML);
    mockFindIssue(scope, true);
    mockListComments(scope, state);
    mockUpdateComment(scope, state);
    const payload = reportCommentEvent('deleted', deleted, 'park-minsu');
    payload.comment.id = replaced.id - 1; // the old comment
    await receive(probot, 'issue_comment', payload);
    await settle();
    expect(Object.keys(ledgerOf(state.body).marks).sort()).toEqual(['2/hong-gildong', '2/jiwoo-kim']);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('a tampered comment whose edit webhook never arrived is restored from what this process wrote last', async () => {
    const { probot, settle } = await createAttendanceProbot({ clock: clockAt('2025-09-12T00:00:00Z') });
    const state = new ReportState(checkedIn('hong-gildong'));
    const scope = mockInstallationToken();
    mockConfig(scope, STUDY_YML);
    mockRole(scope, 'organizer-kim', 'admin');
    mockConfig(scope, STUDY_YML);
    mockFindIssue(scope, true);
    mockListComments(scope, state);
    mockUpdateComment(scope, state);
    scope.post(`${REPO}/issues/comments/${COMMAND_COMMENT_ID}/reactions`).times(2).reply(201, openapiExample('reaction'));
    await receive(probot, 'issue_comment', commentPayload('/report', 'organizer-kim'));
    await settle();
    // someone strips the ledger block by hand
    state.body = `${REPORT_MARKER}\n| hgd | 결석 |`;
    mockConfig(scope, STUDY_YML);
    mockRole(scope, 'organizer-kim', 'admin');
    mockConfig(scope, STUDY_YML);
    mockGetComment(scope, state);
    mockUpdateComment(scope, state);
    await receive(probot, 'issue_comment', commentPayload('/report', 'organizer-kim'));
    await settle();
    expect(ledgerOf(state.body).marks['2/hong-gildong']).toMatchObject({ state: 'present' });
    expect(nock.pendingMocks()).toEqual([]);
  });
});
