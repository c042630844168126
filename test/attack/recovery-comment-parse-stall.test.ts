/**
 * Attack review 15 (High, fixed by checkInCommandsInTurns): the recovery pass of every start reads the check-in commands
 * of the last 24 hours' comments (up to 10 pages of issue comments and 10 of commit comments,
 * src/github/recent-comments.ts) in ONE synchronous loop on the event loop
 * (checkInCommands in src/attendance/reconcile-check-ins.ts: commandsOfComment on every
 * comment). Each comment is linear to parse, but anyone can comment, in any size and shape:
 * a body of GitHub's maximum (65,536 characters) that starts with a `/` line and then holds
 * 32,700 two-character lines costs ~8 ms of CPU (load ~6), so 1,000 such comments (an
 * outsider's, answered by nobody: the outsiders' budget drops their webhooks, not their
 * comments) hold the event loop for seconds in one turn at the next start (a deploy, a crash),
 * with every webhook waiting. The live dispatcher reads one comment per delivery (~8 ms).
 * Seen (load ~6): longest turn 6,310 and 6,450 ms of main-thread CPU (8.9-10.7 s wall);
 * control, the same 1,000 bodies with no line that could start a command: 220 ms.
 * The commit comments' 10 pages would double it.
 *
 * The repro: the real attendance capability, dispatcher and recovery pass after a restart (as
 * test/attack/check-in-dropped-by-edit.test.ts builds them), GitHub by nock with its own shapes
 * (@octokit/openapi's issue-comment example), 10 pages of 100 comments by an outsider plus
 * hong-gildong's genuine `/출석` made while the bot was down; the longest turn is counted in
 * main-thread CPU (test/helpers/main-thread-cpu.ts).
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
import { longestTurn } from '../helpers/main-thread-cpu.js';
import { testOctokit, testPrivateKey } from '../helpers/probot-app.js';
import { mockRecoveryStart, TEST_RECOVERY_SETTINGS } from '../helpers/recovery.js';

afterEach(() => {
  nock.cleanAll();
});

const NOW = '2025-09-12T10:30:00Z';
const PAGES = 10;
/** GitHub's limit on a comment body: a `/` line, then short lines to the limit */
const FLOOD_BODY = ('/x\n' + 'a\n'.repeat(32_766)).slice(0, 65_536);

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

describe('attack review 15: comments that stall the recovery pass', () => {
  const example = openapiExample<any>('issue-comment');
  const comment = (id: number, login: string, body: string, at: string, association: string) => ({
    ...example,
    id,
    node_id: `IC_${id}`,
    body,
    created_at: at,
    updated_at: at,
    author_association: association,
    user: { ...example.user, login, type: 'User' },
    issue_url: `${API}${REPO}/issues/3`,
  });

  it('control: the same 1,000 comments without a line that could start a command cost one regular-expression pass each', async () => {
    const checkIn = comment(7001, 'hong-gildong', '/출석', '2025-09-11T11:05:00Z', 'COLLABORATOR');
    const chatter = FLOOD_BODY.replace('/x', 'xx');
    const pages = Array.from({ length: PAGES }, (_, p) =>
      Array.from({ length: 100 }, (_, i) => (p === 0 && i === 0 ? checkIn : comment(8000 + p * 100 + i, 'octocat', chatter, `2025-09-11T12:${String(p).padStart(2, '0')}:00Z`, 'NONE'))),
    );
    const state = new ReportState(emptyLedger());
    mockGitHub(state, pages, []);
    const recovery = await restarted();
    const { turn } = await longestTurn(() => recovery.runOnce());
    recovery.stop();
    console.log(`control, 1,000 comments of chatter: longest turn ${turn.cpuMs} ms of main-thread CPU, ${Math.round(turn.wallMs)} ms wall`);
    expect(signedLedgerOf(state.body).marks['2/hong-gildong']).toBeDefined();
    expect(turn.cpuMs).toBeLessThan(1_000);
  }, 60_000);

  it('HIGH (fixed: read in turns of 20 ms): 1,000 outsider comments of 65,536 characters hold the event loop for seconds at the next start', async () => {
    // hong-gildong checked in at 20:05 Seoul (11:05Z) on week 2's session while the bot was down
    const checkIn = comment(7001, 'hong-gildong', '/출석', '2025-09-11T11:05:00Z', 'COLLABORATOR');
    const pages = Array.from({ length: PAGES }, (_, p) =>
      Array.from({ length: 100 }, (_, i) => (p === 0 && i === 0 ? checkIn : comment(8000 + p * 100 + i, 'octocat', FLOOD_BODY, `2025-09-11T12:${String(p).padStart(2, '0')}:00Z`, 'NONE'))),
    );
    const state = new ReportState(emptyLedger());
    const events: string[] = [];
    mockGitHub(state, pages, events);
    const recovery = await restarted();
    const { result, turn } = await longestTurn(() => recovery.runOnce());
    recovery.stop();
    console.log(`1,000 comments of ${FLOOD_BODY.length} characters: longest turn ${turn.cpuMs} ms of main-thread CPU (${turn.measuredCpu ? 'CPU' : 'wall'}), ${Math.round(turn.wallMs)} ms wall; events ${JSON.stringify(events)}`);
    expect(result?.errors).toEqual([]);
    expect(signedLedgerOf(state.body).marks['2/hong-gildong']).toBeDefined();
    expect(turn.cpuMs).toBeLessThan(1_000);
  }, 60_000);
});
