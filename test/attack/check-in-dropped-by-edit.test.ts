/**
 * Attack review 9 (fixed, Medium): the review-3 fix in reverse. The recovery pass now skips every
 * comment whose updated_at is later than its created_at, whoever edited it. Anyone with write
 * access can edit anyone's comment, so a member who edits another member's `/출석` (a space
 * added) while the bot was down makes the next start drop that
 * check-in: the member is left absent in the signed report, with no 👍 and nothing said. The
 * edit itself runs nothing (the dispatcher ignores `issue_comment.edited`), so the check-in is
 * lost for good once the window closes. GitHub keeps the first version (GraphQL
 * `userContentEdits`), so the comment as written is still knowable: the recovery pass now asks
 * for it (src/github/original-bodies.ts) and reads an edited comment as first written, when
 * GitHub's history proves that version (its author's, at its time, not deleted).
 *
 * Copied from check-in-by-edit.test.ts (the review-3 repro); its header follows.
 *
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
import { githubGraphqlAnswer } from '../helpers/github-graphql.js';
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

/** One version of a comment in GitHub's edit history (a `UserContentEdit`). */
const version = (body: string, editor: string, editedAt: string, deleted = false) => ({
  editedAt,
  deletedAt: deleted ? '2025-09-11T13:00:00Z' : null,
  diff: deleted ? null : body,
  editor: { __typename: 'User', login: editor },
});

/**
 * GitHub's GraphQL for the edited comments: each node id's history, newest first (the order is
 * not documented; the code asks both ends), answered through GitHub's published schema.
 */
function mockHistory(scope: nock.Scope, histories: Record<string, { author: string; createdAt: string; versions: ReturnType<typeof version>[] }>) {
  scope.post('/graphql').reply(200, (_uri, request: any) =>
    githubGraphqlAnswer(request.query, request.variables, {
      nodes: ({ ids }: { ids: string[] }) =>
        ids.map((id) => {
          const h = histories[id];
          if (!h) return null;
          const newestFirst = [...h.versions].sort((a, b) => Date.parse(b.editedAt) - Date.parse(a.editedAt));
          return {
            __typename: 'IssueComment',
            includesCreatedEdit: true,
            createdAt: h.createdAt,
            author: { __typename: 'User', login: h.author },
            userContentEdits: ({ first, last }: { first?: number; last?: number }) => ({
              nodes: first !== undefined ? newestFirst.slice(0, first) : newestFirst.slice(-(last ?? 0)),
            }),
          };
        }),
    }),
  );
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
  return scope;
}

describe('attack review 9: a check-in dropped by someone else’s edit', () => {
  const example = openapiExample<any>('issue-comment');
  // hong-gildong checked in at 20:05 Seoul (11:05Z) on week 2's session while the bot was down.
  const checkIn = {
    ...example,
    id: 7001,
    body: '/출석',
    created_at: '2025-09-11T11:05:00Z',
    updated_at: '2025-09-11T11:05:00Z',
    author_association: 'COLLABORATOR',
    user: { ...example.user, login: 'hong-gildong', type: 'User' },
    issue_url: `${API}${REPO}/issues/3`,
  };

  it('control: the unedited `/출석` is recorded at the next start', async () => {
    const state = new ReportState(emptyLedger());
    const events: string[] = [];
    mockGitHub(state, [checkIn], events);
    const recovery = await restarted('2025-09-12T10:30:00Z');
    const result = await recovery.runOnce();
    recovery.stop();
    expect(result?.errors).toEqual([]);
    expect(events).toEqual(['write', 'react +1 7001']);
    expect(signedLedgerOf(state.body).marks['2/hong-gildong']).toBeDefined();
  });

  // hong-gildong's comment as first written, in GitHub's history
  const written = version('/출석', 'hong-gildong', checkIn.created_at);
  const history = (...later: ReturnType<typeof version>[]) => ({ [checkIn.node_id]: { author: 'hong-gildong', createdAt: checkIn.created_at, versions: [written, ...later] } });

  it('MEDIUM (fixed): jiwoo-kim adds a space to hong-gildong’s `/출석`; the next start still records the check-in, as first written', async () => {
    const state = new ReportState(emptyLedger());
    // jiwoo-kim added a trailing space to the comment an hour later: GitHub keeps the author and
    // created_at, and updated_at moves. The command reads the same.
    const resaved = { ...checkIn, body: '/출석 ', updated_at: '2025-09-11T12:05:00Z' };
    const events: string[] = [];
    mockHistory(mockGitHub(state, [resaved], events), history(version('/출석 ', 'jiwoo-kim', resaved.updated_at)));
    const recovery = await restarted('2025-09-12T10:30:00Z');
    const result = await recovery.runOnce();
    recovery.stop();
    expect(result?.errors).toEqual([]);
    // was: [] and no mark for hong-gildong, who did check in, in the window, in their own words
    expect(events).toEqual(['write', 'react +1 7001']);
    expect(signedLedgerOf(state.body).marks['2/hong-gildong']).toMatchObject({ state: 'present', login: 'hong-gildong', at: Date.parse(checkIn.created_at) });
  });

  it('erasing the command by an edit does not erase the check-in either', async () => {
    const state = new ReportState(emptyLedger());
    const erased = { ...checkIn, body: '오늘은 못 갈 것 같아요', updated_at: '2025-09-11T12:05:00Z' };
    const events: string[] = [];
    mockHistory(mockGitHub(state, [erased], events), history(version(erased.body, 'jiwoo-kim', erased.updated_at)));
    const recovery = await restarted('2025-09-12T10:30:00Z');
    await recovery.runOnce();
    recovery.stop();
    expect(signedLedgerOf(state.body).marks['2/hong-gildong']).toBeDefined();
  });

  it('the review-3 High stays closed: chatter edited into `/출석` is read as first written, and records nothing', async () => {
    const state = new ReportState(emptyLedger());
    const chatter = { ...checkIn, body: '/출석', updated_at: '2025-09-12T09:00:00Z' };
    const events: string[] = [];
    const scope = mockGitHub(state, [chatter], events);
    mockHistory(scope, { [checkIn.node_id]: { author: 'hong-gildong', createdAt: checkIn.created_at, versions: [version('오늘은 못 갈 것 같아요', 'hong-gildong', checkIn.created_at), version('/출석', 'jiwoo-kim', chatter.updated_at)] } });
    const recovery = await restarted('2025-09-12T10:30:00Z');
    const result = await recovery.runOnce();
    recovery.stop();
    expect(result?.errors).toEqual([]);
    expect(events).toEqual([]);
    expect(signedLedgerOf(state.body).marks['2/hong-gildong']).toBeUndefined();
  });

  it.each([
    ['the first version deleted from the history', [version('/출석', 'hong-gildong', checkIn.created_at, true), version('/출석', 'hong-gildong', '2025-09-12T09:00:00Z')]],
    ['no version at the comment’s own time (its author’s later edit is the oldest left)', [version('/출석', 'hong-gildong', '2025-09-12T09:00:00Z')]],
    ['the oldest version written by someone else', [version('/출석', 'jiwoo-kim', checkIn.created_at)]],
  ])('an edited comment whose first version GitHub does not prove is not read: %s', async (_name, versions) => {
    const state = new ReportState(emptyLedger());
    const edited = { ...checkIn, updated_at: '2025-09-12T09:00:00Z' };
    const events: string[] = [];
    mockHistory(mockGitHub(state, [edited], events), { [checkIn.node_id]: { author: 'hong-gildong', createdAt: checkIn.created_at, versions } });
    const recovery = await restarted('2025-09-12T10:30:00Z');
    await recovery.runOnce();
    recovery.stop();
    expect(events).toEqual([]);
    expect(signedLedgerOf(state.body).marks['2/hong-gildong']).toBeUndefined();
  });

  it('GraphQL failing (GitHub Enterprise without the field, an outage) leaves edited comments unread, as before', async () => {
    const state = new ReportState(emptyLedger());
    const resaved = { ...checkIn, body: '/출석 ', updated_at: '2025-09-11T12:05:00Z' };
    const events: string[] = [];
    mockGitHub(state, [resaved], events).post('/graphql').reply(502, { message: 'Server Error' });
    const recovery = await restarted('2025-09-12T10:30:00Z');
    const result = await recovery.runOnce();
    recovery.stop();
    expect(result?.errors).toEqual([]);
    expect(events).toEqual([]);
  });
});
