/**
 * `/config approve` through the real attendance and config capabilities and the dispatcher,
 * GitHub by nock in its own shapes, the report comment (where the approved config is kept) as
 * state the app reads and writes: the set-up of test/config/config-trust-commands.test.ts and of
 * the attack tests on what an organizer's approval approves (config-approve-*).
 */
import { Probot } from 'probot';
import type { AttendanceDeps } from '../../src/attendance/attendance-options.js';
import { emptyLedger } from '../../src/attendance/ledger.js';
import { registerAttendance } from '../../src/attendance/register.js';
import { registerCommandDispatch, type CommandHandler } from '../../src/commands/dispatch.js';
import { approvalOf } from '../../src/config/approval.js';
import { registerConfigTrust } from '../../src/config/register.js';
import {
  clockAt,
  commentPayload,
  mockConfig,
  mockGetComment,
  mockReply,
  mockRole,
  mockUpdateComment,
  receive,
  REPO,
  ReportState,
  signedLedgerOf,
  TEST_LEDGER_SECRET,
} from './attendance-github.js';
import { STUDY_YML } from './attendance-study.js';
import { appOpenedIssue, openapiExample } from './github-examples.js';
import { mockInstallationToken, testOctokit, testPrivateKey } from './probot-app.js';

/** The app with the attendance and config capabilities and the command dispatcher, its clock at `now`. */
export async function createTrustProbot(now: string) {
  const pending: Promise<void>[] = [];
  const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: testOctokit(), logLevel: 'fatal' });
  const deps: AttendanceDeps = {
    clock: clockAt(now),
    background: (task) => void pending.push(task()),
    attendance: { ledgerSecrets: [TEST_LEDGER_SECRET], retryDelaysMs: [0, 0] },
  };
  await probot.load((app) => {
    const commands: CommandHandler[] = [];
    registerAttendance(app, deps, commands);
    registerConfigTrust(app, deps, commands);
    registerCommandDispatch(app, deps, commands);
  });
  return {
    probot,
    async settle() {
      while (pending.length > 0) await Promise.all(pending.splice(0));
    },
  };
}

/**
 * boss (admin) comments `/config approve <word>` on the report issue at 2025-09-11T11:07Z. The
 * ledger approves STUDY_YML (commit f…f, by boss); main's config is `head`; GitHub resolves
 * `word` to the commit `resolvesTo` (what git's rule gives when a branch or tag has that name);
 * `commits` is each commit's config. Returns the config the report's ledger then approves, and
 * the bot's replies.
 */
export async function configApproveByNock(options: { word: string; resolvesTo: string; head: string; commits: readonly (readonly [string, string])[] }) {
  const { probot, settle } = await createTrustProbot('2025-09-11T11:07:00Z');
  const state = new ReportState({ ...emptyLedger(), config: approvalOf(STUDY_YML, 'f'.repeat(40), 'boss', Date.parse('2025-09-01T00:00:00Z')) });
  const scope = mockInstallationToken();
  mockConfig(scope, options.head);
  scope.get(`${REPO}/issues`).query(true).optionally().reply(200, [appOpenedIssue({ number: 1 })]);
  scope.get(`${REPO}/issues/1/comments`).query(true).optionally().reply(200, () => [state.comment()]);
  mockRole(scope, 'boss', 'admin');
  scope
    .get(`${REPO}/commits/${options.word}`)
    .matchHeader('accept', 'application/vnd.github.sha')
    .reply(200, options.resolvesTo, { 'content-type': 'application/vnd.github.sha; charset=utf-8' });
  for (const [commit, text] of options.commits) {
    scope
      .get(`${REPO}/contents/.github%2Fstudy.yml`)
      .query({ ref: commit })
      .optionally()
      .reply(200, { ...openapiExample('content-file'), path: '.github/study.yml', content: Buffer.from(text).toString('base64'), encoding: 'base64' });
  }
  mockConfig(scope, options.head);
  mockGetComment(scope, state);
  mockUpdateComment(scope, state);
  const replies: string[] = [];
  mockReply(scope, 1, replies);
  await receive(probot, 'issue_comment', commentPayload(`/config approve ${options.word}`, 'boss', '2025-09-11T11:07:00Z'));
  await settle();
  return { approved: state.body ? signedLedgerOf(state.body).config : undefined, replies };
}
