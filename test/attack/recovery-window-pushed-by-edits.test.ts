/**
 * Attack review 18 (MEDIUM, fixed by reading issue comments newest first by creation): edits of
 * old comments pushed the window's check-ins past what the recovery pass reads.
 *
 * recentComments (src/github/recent-comments.ts) listed issue comments with `since`, which GitHub
 * applies to `updated_at`, in GitHub's default order, ascending id (oldest first), and stopped
 * after 10 pages. An old comment edited lately is listed (and then dropped as older than the
 * window) before every comment the window really holds. Anyone with write access can edit any
 * comment, so jiwoo-kim edits 1,000 old comments (her own from earlier weeks will do; an edit
 * costs one request) on the morning after the session, after hong-gildong's genuine `/출석`:
 * at the next start the 10 pages held only her old comments, and hong-gildong's check-in,
 * whose write never happened (the process died between the answer and the write, the case
 * the pass exists for), was never read: no mark, no 👍, and the window closed for good.
 * The same listing seeds the `/verify` gate and the recovery of pending `/verify` requests
 * after a restart (verify-history.ts, recover-verify.ts): not run here.
 *
 * The fix: `sort=created&direction=desc` (GitHub's documented parameters), which no edit moves,
 * read until a page reaches past the window's start; when 10 pages do not get there (more new
 * comments than that), the `since` listing is read as well, up to the oldest comment read newest
 * first, so hiding a check-in now takes a flood of new comments and a flood of edits together.
 *
 * The repro: the real attendance capability, dispatcher and recovery pass after a restart, as
 * test/attack/original-bodies-lookups-used-up.test.ts builds them, the comments in pages of 100
 * as GitHub lists them for each query (test/helpers/issue-comments-listing.ts), with its Link header.
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
  nock.cleanAll();
});

const NOW = '2025-09-12T10:30:00Z';

async function restarted() {
  const deps: AttendanceDeps = {
    clock: clockAt(NOW),
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
      repositories: [{ name: 'check-ins', run: (r, octokit) => attendance.checkInsSince(octokit, r, Date.parse(NOW) - TEST_RECOVERY_SETTINGS.lookBackMs) }],
    });
  });
  return recovery;
}

function mockGitHub(state: ReportState, comments: ListedIssueComment[], events: string[], queries: URLSearchParams[]) {
  const scope = mockRecoveryStart();
  // every page of every query, in GitHub's order and shape (test/helpers/issue-comments-listing.ts)
  mockIssueComments(scope, `${REPO}/issues/comments`, comments, { times: 30, queries });
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

describe('attack review 18: old comments edited into the recovery window', () => {
  const example = openapiExample<any>('issue-comment');
  const comment = (id: number, login: string, body: string, at: string, updatedAt: string) => ({
    ...example,
    id,
    node_id: `IC_kwDO${id}`,
    body,
    created_at: at,
    updated_at: updatedAt,
    author_association: 'COLLABORATOR',
    user: { ...example.user, login, type: 'User' },
    issue_url: `${API}${REPO}/issues/3`,
  });
  const WINDOW_START = '2025-09-11T10:30:00.000Z';
  const run = async (edited: number, flood = 0) => {
    const all: any[] = [];
    // her comments of earlier weeks (lower ids), each edited the morning after the session
    for (let i = 0; i < edited; i++) all.push(comment(1000 + i, 'jiwoo-kim', `지난주 메모 ${i}`, '2025-09-01T03:00:00Z', '2025-09-12T01:00:00Z'));
    // hong-gildong's genuine check-in at 20:05 Seoul, never edited
    all.push(comment(7001, 'hong-gildong', '/출석', '2025-09-11T11:05:00Z', '2025-09-11T11:05:00Z'));
    // new comments after it, one a second from 21:00 Seoul (anyone can comment)
    for (let i = 0; i < flood; i++) {
      const at = new Date(Date.parse('2025-09-11T12:00:00Z') + i * 1000).toISOString().replace('.000Z', 'Z');
      all.push(comment(8000 + i, 'octocat', `도배 ${i}`, at, at));
    }
    const state = new ReportState(emptyLedger());
    const events: string[] = [];
    const queries: URLSearchParams[] = [];
    mockGitHub(state, all, events, queries);
    const recovery = await restarted();
    const result = await recovery.runOnce();
    recovery.stop();
    const asked = queries.map((q) => Object.fromEntries(q));
    console.log(`${edited} old comments edited, ${flood} new: ${asked.length} pages of issue comments read; events ${JSON.stringify(events)}; hong-gildong's week-2 mark: ${JSON.stringify(state.body ? signedLedgerOf(state.body).marks['2/hong-gildong'] : undefined)}`);
    expect(result?.errors).toEqual([]);
    return { events, state, asked };
  };
  const newestFirst = (page: number) => ({ sort: 'created', direction: 'desc', per_page: '100', ...(page > 1 ? { page: String(page) } : {}) });
  const fromWindowStart = (page: number) => ({ since: WINDOW_START, per_page: '100', ...(page > 1 ? { page: String(page) } : {}) });

  it('(fixed) MEDIUM: jiwoo-kim edits 1,000 old comments; the next start still reads hong-gildong\'s `/출석` of the night before', async () => {
    const { events, state, asked } = await run(1_000);
    expect(events).toEqual(['write', 'react +1 7001']);
    expect(signedLedgerOf(state.body).marks['2/hong-gildong']).toMatchObject({ state: 'present', at: Date.parse('2025-09-11T11:05:00Z') });
    // newest first: the first page holds the check-in and reaches past the window's start
    expect(asked).toEqual([newestFirst(1)]);
  }, 60_000);

  it('control: with 899 old comments edited, the same check-in is read and recorded', async () => {
    const { events } = await run(899);
    expect(events).toEqual(['write', 'react +1 7001']);
  }, 60_000);

  it('a flood of 1,000 new comments after the check-in (more than the 10 pages newest first hold): the listing from the window\'s start reads it', async () => {
    const { events, state, asked } = await run(0, 1_000);
    expect(events).toEqual(['write', 'react +1 7001']);
    expect(signedLedgerOf(state.body).marks['2/hong-gildong']).toMatchObject({ state: 'present', at: Date.parse('2025-09-11T11:05:00Z') });
    // 10 pages newest first (8999 down to 8000), then by id from the window's start until a page reaches 8000
    expect(asked).toEqual([...Array.from({ length: 10 }, (_, p) => newestFirst(p + 1)), fromWindowStart(1)]);
  }, 60_000);

  it('a flood of 1,000 new comments and 150 old ones edited: the listing from the window\'s start reads past the edits to the check-in', async () => {
    const { events, asked } = await run(150, 1_000);
    expect(events).toEqual(['write', 'react +1 7001']);
    expect(asked).toEqual([...Array.from({ length: 10 }, (_, p) => newestFirst(p + 1)), fromWindowStart(1), fromWindowStart(2)]);
  }, 60_000);

  it('control: with 999 new comments, the 10 pages newest first end at the check-in and nothing else is read', async () => {
    const { events, asked } = await run(0, 999);
    expect(events).toEqual(['write', 'react +1 7001']);
    expect(asked).toEqual(Array.from({ length: 10 }, (_, p) => newestFirst(p + 1)));
  }, 60_000);
});
