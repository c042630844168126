/**
 * Attack review 3 (fixed, High): a member checks another member in by editing that member's
 * comment; the bot records it in the signed ledger at the next start.
 *
 * The dispatcher runs commands only from `issue_comment.created` ("an edit could rewrite
 * history"), but the recovery pass of every start (reconcile-check-ins.ts) reads the
 * repository's comments of the last 24 hours AS THEY ARE NOW and records every `/출석` in them
 * that the ledger lacks, at the comment's `created_at`, in the name of the comment's author.
 * Anyone with write access can edit anyone's comment, and an edit keeps the author and
 * `created_at`. GitHub's listing gives `updated_at`; nothing read it. Now the recovery pass
 * reads commands only from comments as written (updated_at = created_at), as the dispatcher does.
 *
 * So: hong-gildong skips the week-2 session but wrote "오늘은 못 갈 것 같아요" in an issue at
 * 20:05 (in the check-in window). The next morning jiwoo-kim, a member, edits that comment to
 * `/출석`. The original was delivered and handled (no command), so nothing is redelivered;
 * but after the bot's next restart within 24 h (a deploy, a crash), the recovery pass records
 * hong-gildong as present for week 2 (signed, in the report) and puts a 👍 on the comment.
 * The same edit turns anyone's session-time chatter into attendance, and `/출석 온라인`
 * into an online mark.
 *
 * Repro: the real attendance capability, dispatcher and recovery pass after a restart (as
 * test/attendance/check-in-recovery.test.ts builds them), GitHub by nock with its own shapes.
 */
import nock from 'nock';
import { Probot } from 'probot';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app/deps.js';
import type { AttendanceDeps } from '../../src/attendance/attendance-options.js';
import { emptyLedger } from '../../src/attendance/ledger.js';
import { registerAttendance } from '../../src/attendance/register.js';
import { registerCommandDispatch, type CommandHandler } from '../../src/commands/dispatch.js';
import { registerRecovery } from '../../src/recovery/register.js';
import { STUDY_YML } from '../helpers/attendance-study.js';
import { API, clockAt, COMMENT_ID, ISSUE, REPO, ReportState, signedLedgerOf, TEST_LEDGER_SECRET } from '../helpers/attendance-github.js';
import { appOpenedIssue, openapiExample } from '../helpers/github-examples.js';
import { mockIssueComments, type ListedIssueComment } from '../helpers/issue-comments-listing.js';
import { testOctokit, testPrivateKey } from '../helpers/probot-app.js';
import { mockRecoveryStart, TEST_RECOVERY_SETTINGS } from '../helpers/recovery.js';

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
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

/** GitHub as the recovery pass reads it: the delivery log, the installation, the report and its ledger. */
function mockGitHub(state: ReportState, comments: ListedIssueComment[], events: string[]) {
  const scope = mockRecoveryStart();
  // one page, newest first by creation, as GitHub lists it (test/helpers/issue-comments-listing.ts)
  mockIssueComments(scope, `${REPO}/issues/comments`, comments);
  scope.get(`${REPO}/comments`).query({ per_page: '100', page: '1' }).reply(200, []);
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
    return state.comment();
  });
  scope.post(/\/issues\/comments\/\d+\/reactions$/).optionally().times(10).reply(201, (uri, b: any) => {
    events.push(`react ${b.content} ${/comments\/(\d+)\//.exec(uri)![1]}`);
    return { ...openapiExample<any>('reaction'), content: b.content };
  });
}

describe('attack review 3: a check-in written into someone else’s comment', () => {
  it('High (fixed): jiwoo-kim edits hong-gildong’s session-time chatter into `/출석`; the next start does not record hong-gildong present (it did, signed)', async () => {
    const state = new ReportState(emptyLedger());
    const example = openapiExample<any>('issue-comment');
    // hong-gildong wrote chatter at 20:05 Seoul (11:05Z) on week 2's session; jiwoo-kim edited it
    // the next morning. GitHub lists it with its author and created_at unchanged, updated_at later.
    const edited = {
      ...example,
      id: 7001,
      body: '/출석',
      created_at: '2025-09-11T11:05:00Z',
      updated_at: '2025-09-12T00:40:00Z',
      author_association: 'COLLABORATOR',
      user: { ...example.user, login: 'hong-gildong', type: 'User' },
      issue_url: `${API}${REPO}/issues/3`,
    };
    const events: string[] = [];
    mockGitHub(state, [edited], events);
    const recovery = await restarted('2025-09-12T10:30:00Z');
    const result = await recovery.runOnce();
    recovery.stop();
    expect(result?.errors).toEqual([]);
    // before the fix: ['write', 'react +1 7001'] and a signed "present" for hong-gildong
    expect(events).toEqual([]);
    expect(signedLedgerOf(state.body).marks['2/hong-gildong']).toBeUndefined();
  });
});
