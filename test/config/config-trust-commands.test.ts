/**
 * The config's trust boundary, through commands: a member's roster edit is not in effect
 * (the outsider they add is refused and told why) until an organizer comments
 * `/config approve`; then it is. GitHub is nock with GitHub's example shapes; the report
 * comment, where the approved config is kept, is state the app reads and writes.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { emptyLedger } from '../../src/attendance/ledger.js';
import { approvalOf } from '../../src/config/approval.js';
import {
  commentPayload,
  ISSUE,
  mockConfig,
  mockGetComment,
  mockListComments,
  mockReaction,
  mockReply,
  mockRole,
  mockUpdateComment,
  receive,
  REPO,
  ReportState,
  signedLedgerOf,
} from '../helpers/attendance-github.js';
import { STUDY_YML } from '../helpers/attendance-study.js';
import { appOpenedIssue, openapiExample } from '../helpers/github-examples.js';
import { createTrustProbot } from '../helpers/config-approve.js';
import { mockInstallationToken } from '../helpers/probot-app.js';

const PROPOSED = `${STUDY_YML}  - login: Codertocat\n    name: outsider\n`;
const APPROVED_AT = Date.parse('2025-09-01T00:00:00Z');
const PROPOSING_COMMIT = 'a'.repeat(40);

/** The approval read: the oldest report issue (one per page), then its comments. */
function mockApprovalRead(scope: nock.Scope, state: ReportState) {
  const issue = appOpenedIssue();
  scope
    .get(`${REPO}/issues`)
    .query({ labels: 'study-report', state: 'all', sort: 'created', direction: 'asc', per_page: '1' })
    .reply(200, [{ ...issue, number: ISSUE }]);
  mockListComments(scope, state);
}

describe('config trust boundary: commands', () => {
  it('a member adds an outsider: refused and told why; an organizer approves; then the outsider checks in', async () => {
    const { probot, settle } = await createTrustProbot('2025-09-11T11:06:00Z');
    const state = new ReportState({ ...emptyLedger(), config: approvalOf(STUDY_YML, 'f'.repeat(40), 'boss', APPROVED_AT) });

    // 1. The outsider, added by a member's unapproved push, checks in.
    let scope = mockInstallationToken();
    mockConfig(scope, PROPOSED);
    mockApprovalRead(scope, state);
    const replies: string[] = [];
    mockReply(scope, 1, replies);
    await receive(probot, 'issue_comment', commentPayload('/출석', 'Codertocat', '2025-09-11T11:05:00Z'));
    await settle();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('@Codertocat 님은 스터디 명단에 없어');
    expect(replies[0]).toContain('아직 운영진(admin·maintain 권한)의 승인을 받지 않아 적용되지 않았습니다');
    expect(state.writes).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);

    // 2. A member cannot approve it.
    scope = nock('https://api.github.com');
    mockConfig(scope, PROPOSED);
    mockRole(scope, 'hong-gildong', 'write');
    scope
      .get(`${REPO}/collaborators`)
      .query({ permission: 'maintain', affiliation: 'all', per_page: '100' })
      .reply(200, [
        { ...openapiExample('collaborator-items')[0], login: 'boss', permissions: { pull: true, triage: true, push: true, maintain: true, admin: true }, role_name: 'admin' },
      ]);
    mockReply(scope, 1, replies);
    await receive(probot, 'issue_comment', commentPayload(`/config approve ${PROPOSING_COMMIT.slice(0, 7)}`, 'hong-gildong', '2025-09-11T11:06:00Z'));
    await settle();
    expect(replies[1]).toContain('설정 승인은 운영진(저장소 admin·maintain 권한: @boss)만 할 수 있습니다');
    expect(state.writes).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);

    // 3. An organizer approves the commit that proposed it.
    scope = nock('https://api.github.com');
    mockConfig(scope, PROPOSED);
    mockRole(scope, 'boss', 'admin');
    scope.get(`${REPO}/git/commits/${PROPOSING_COMMIT}`).reply(200, { ...openapiExample('git-commit-2'), sha: PROPOSING_COMMIT });
    scope
      .get(`${REPO}/contents/.github%2Fstudy.yml`)
      .query({ ref: PROPOSING_COMMIT })
      .reply(200, { ...openapiExample('content-file'), path: '.github/study.yml', content: Buffer.from(PROPOSED).toString('base64'), encoding: 'base64' });
    mockConfig(scope, PROPOSED);
    mockGetComment(scope, state);
    mockUpdateComment(scope, state);
    mockReply(scope, 1, replies);
    await receive(probot, 'issue_comment', commentPayload(`/config approve ${PROPOSING_COMMIT}`, 'boss', '2025-09-11T11:07:00Z'));
    await settle();
    expect(signedLedgerOf(state.body).config).toMatchObject({ by: 'boss', commit: PROPOSING_COMMIT, text: PROPOSED });
    expect(replies[2]).toContain('✅ `aaaaaaa`의 설정을 승인했습니다');
    expect(replies[2]).toContain('`members[Codertocat]`: 추가 `outsider`');
    expect(nock.pendingMocks()).toEqual([]);

    // 4. Now the outsider is on the roster in effect.
    scope = nock('https://api.github.com');
    mockConfig(scope, PROPOSED);
    mockConfig(scope, PROPOSED);
    mockGetComment(scope, state);
    mockUpdateComment(scope, state);
    mockReaction(scope, '+1');
    await receive(probot, 'issue_comment', commentPayload('/출석', 'Codertocat', '2025-09-11T11:08:00Z'));
    await settle();
    expect(signedLedgerOf(state.body).marks['2/codertocat']).toMatchObject({ state: 'present', source: 'check-in' });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('a config that does not validate is never approved', async () => {
    const { probot, settle } = await createTrustProbot('2025-09-11T11:06:00Z');
    const state = new ReportState({ ...emptyLedger(), config: approvalOf(STUDY_YML, 'f'.repeat(40), 'boss', APPROVED_AT) });
    const scope = mockInstallationToken();
    mockConfig(scope, STUDY_YML);
    mockApprovalRead(scope, state);
    mockRole(scope, 'boss', 'admin');
    scope.get(`${REPO}/git/commits/${PROPOSING_COMMIT}`).reply(200, { ...openapiExample('git-commit-2'), sha: PROPOSING_COMMIT });
    const greedy = STUDY_YML.replace('language: ko', 'language: ko\nverify:\n  perHour: 100000');
    scope
      .get(`${REPO}/contents/.github%2Fstudy.yml`)
      .query({ ref: PROPOSING_COMMIT })
      .reply(200, { ...openapiExample('content-file'), path: '.github/study.yml', content: Buffer.from(greedy).toString('base64'), encoding: 'base64' });
    const replies: string[] = [];
    mockReply(scope, 1, replies);
    await receive(probot, 'issue_comment', commentPayload(`/config approve ${PROPOSING_COMMIT}`, 'boss', '2025-09-11T11:07:00Z'));
    await settle();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('오류가 있어 승인하지 않았습니다');
    expect(replies[0]).toContain('`verify.perHour`');
    expect(replies[0]).toContain('60 이하이어야 합니다');
    expect(state.writes).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
  });
});
