/**
 * Attack review 15 (Medium, fixed by worthLookingUp in reconcile-check-ins.ts; a way around the review-9 fix, b58de2b): the recovery pass
 * reads an edited comment as first written only for the first 300 edited comments of the
 * window (MAX_ORIGINAL_LOOKUPS, src/github/original-bodies.ts), in the listing's order (oldest
 * first); the rest are skipped as before the fix. So jiwoo-kim, a member, posts 300 comments
 * in the morning and edits each (a typo fixed: two API calls apiece), and while the bot is
 * down hong-gildong checks in with `/출석` at 20:05 (week 2's session); jiwoo-kim adds a space
 * to it. At the next start hong-gildong's genuine check-in is the 301st edited comment: not
 * looked up, not read, not recorded (no mark, no 👍), and the window is closed for good.
 *
 * The repro: the real attendance capability, dispatcher and recovery pass after a restart, as
 * test/attack/check-in-dropped-by-edit.test.ts builds them (its GraphQL answers through
 * GitHub's published schema), the comments in pages of 100 as GitHub lists them.
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
function mockHistory(scope: nock.Scope, times: number, histories: Record<string, { author: string; createdAt: string; versions: ReturnType<typeof version>[] }>) {
  scope.post('/graphql').times(times).reply(200, (_uri, request: any) =>
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

function mockGitHub(state: ReportState, pages: ListedIssueComment[][], events: string[]) {
  const scope = mockRecoveryStart();
  // the same comments as GitHub lists them for each query, in pages of 100 (test/helpers/issue-comments-listing.ts)
  mockIssueComments(scope, `${REPO}/issues/comments`, pages.flat(), { times: 20 });
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

describe('attack review 15: edited comments that use up the first-version lookups', () => {
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

  it('MEDIUM (fixed: only in-window comments of roster members, 20 per author): 300 edited comments before hong-gildong\'s edited `/출석` leave it unread at the next start', async () => {
    const histories: Parameters<typeof mockHistory>[2] = {};
    const all: any[] = [];
    for (let i = 0; i < 300; i++) {
      const at = new Date(Date.parse('2025-09-11T10:40:00Z') + i * 1000).toISOString().replace('.000', '');
      const c = comment(8000 + i, 'jiwoo-kim', `오타 수정 ${i}`, at, '2025-09-11T10:50:00Z');
      all.push(c);
      histories[c.node_id] = { author: 'jiwoo-kim', createdAt: at, versions: [version(`오타 수정${i}`, 'jiwoo-kim', at), version(c.body, 'jiwoo-kim', c.updated_at)] };
    }
    // hong-gildong's genuine check-in at 20:05 Seoul, a space added by jiwoo-kim an hour later
    const checkIn = comment(7001, 'hong-gildong', '/출석 ', '2025-09-11T11:05:00Z', '2025-09-11T12:05:00Z');
    all.push(checkIn);
    histories[checkIn.node_id] = { author: 'hong-gildong', createdAt: checkIn.created_at, versions: [version('/출석', 'hong-gildong', checkIn.created_at), version('/출석 ', 'jiwoo-kim', checkIn.updated_at)] };
    const pages = [all.slice(0, 100), all.slice(100, 200), all.slice(200, 300), all.slice(300)];
    const state = new ReportState(emptyLedger());
    const events: string[] = [];
    mockHistory(mockGitHub(state, pages, events), 4, histories);
    const recovery = await restarted();
    const result = await recovery.runOnce();
    recovery.stop();
    console.log(`301 edited comments: events ${JSON.stringify(events)}; hong-gildong's week-2 mark: ${JSON.stringify(state.body ? signedLedgerOf(state.body).marks['2/hong-gildong'] : undefined)}`);
    expect(result?.errors).toEqual([]);
    expect(events).toEqual(['write', 'react +1 7001']);
    expect(signedLedgerOf(state.body).marks['2/hong-gildong']).toMatchObject({ state: 'present', at: Date.parse('2025-09-11T11:05:00Z') });
  }, 60_000);

  it('control: with 299 edited comments before it, the same check-in is read as first written and recorded', async () => {
    const histories: Parameters<typeof mockHistory>[2] = {};
    const all: any[] = [];
    for (let i = 0; i < 299; i++) {
      const at = new Date(Date.parse('2025-09-11T10:40:00Z') + i * 1000).toISOString().replace('.000', '');
      const c = comment(8000 + i, 'jiwoo-kim', `오타 수정 ${i}`, at, '2025-09-11T10:50:00Z');
      all.push(c);
      histories[c.node_id] = { author: 'jiwoo-kim', createdAt: at, versions: [version(`오타 수정${i}`, 'jiwoo-kim', at), version(c.body, 'jiwoo-kim', c.updated_at)] };
    }
    const checkIn = comment(7001, 'hong-gildong', '/출석 ', '2025-09-11T11:05:00Z', '2025-09-11T12:05:00Z');
    all.push(checkIn);
    histories[checkIn.node_id] = { author: 'hong-gildong', createdAt: checkIn.created_at, versions: [version('/출석', 'hong-gildong', checkIn.created_at), version('/출석 ', 'jiwoo-kim', checkIn.updated_at)] };
    const pages = [all.slice(0, 100), all.slice(100, 200), all.slice(200, 300)];
    const state = new ReportState(emptyLedger());
    const events: string[] = [];
    mockHistory(mockGitHub(state, pages, events), 3, histories);
    const recovery = await restarted();
    const result = await recovery.runOnce();
    recovery.stop();
    expect(result?.errors).toEqual([]);
    expect(events).toEqual(['write', 'react +1 7001']);
  }, 60_000);
});
