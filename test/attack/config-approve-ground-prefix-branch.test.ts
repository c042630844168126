/**
 * Attack review 19 (open, MEDIUM; around 13dc46a): /config approve <short sha> now takes only a
 * commit whose sha starts with the word written, but GitHub still resolves a branch or tag of
 * that name first (git's rule), and the prefix is not a secret: a pending config's commit is on
 * main for everyone to read. A 7-hex prefix is 28 bits: a commit of one's own whose sha starts
 * with it is found by varying its message or dates, an expected 2^28 SHA-1 tries (tools such as
 * lucky-commit do this; not run here). hong-gildong makes such a commit (his config: a second
 * outsider, verify.perHour 60) and a branch named `aaaaaaa` pointing at it; the organizer's
 * `/config approve aaaaaaa`, meant for the pending commit aaaaaaa…, approves his.
 * (Without the branch the two commits make the prefix ambiguous and GitHub answers 422: no
 * commit, a denial.) The bot could ask GET /git/refs for a branch or tag of that name, or
 * require the full sha when the word names a ref.
 *
 * The repro: config-approve-branch-named-like-sha.test.ts with the branch's commit ground to
 * start with the prefix.
 */
import nock from 'nock';
import { Probot } from 'probot';
import { afterEach, describe, expect, it } from 'vitest';
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
} from '../helpers/attendance-github.js';
import { STUDY_YML } from '../helpers/attendance-study.js';
import { appOpenedIssue, openapiExample } from '../helpers/github-examples.js';
import { mockInstallationToken, testOctokit, testPrivateKey } from '../helpers/probot-app.js';

afterEach(() => {
  nock.cleanAll();
});

const PROPOSED = `${STUDY_YML}  - login: Codertocat\n    name: outsider\n`;
const BRANCHED = `${PROPOSED}  - login: octocat\n    name: outsider2\nverify:\n  perHour: 60\n`;
const PROPOSING_COMMIT = 'a'.repeat(40);
const BRANCH_COMMIT = `aaaaaaa${'b'.repeat(33)}`;

describe('attack review 19: a branch named like the commit an organizer approves, its commit ground to the prefix', () => {
  it.fails('MEDIUM: the organizer\'s `/config approve aaaaaaa` does not approve hong-gildong\'s commit aaaaaaab… on his branch `aaaaaaa`', async () => {
    const pending: Promise<void>[] = [];
    const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: testOctokit(), logLevel: 'fatal' });
    const deps: AttendanceDeps = {
      clock: clockAt('2025-09-11T11:07:00Z'),
      background: (task) => void pending.push(task()),
      attendance: { ledgerSecrets: [TEST_LEDGER_SECRET], retryDelaysMs: [0, 0] },
    };
    await probot.load((app) => {
      const commands: CommandHandler[] = [];
      registerAttendance(app, deps, commands);
      registerConfigTrust(app, deps, commands);
      registerCommandDispatch(app, deps, commands);
    });
    const state = new ReportState({ ...emptyLedger(), config: approvalOf(STUDY_YML, 'f'.repeat(40), 'boss', Date.parse('2025-09-01T00:00:00Z')) });
    const scope = mockInstallationToken();
    mockConfig(scope, PROPOSED);
    scope.get(`${REPO}/issues`).query(true).optionally().reply(200, [appOpenedIssue({ number: 1 })]);
    scope.get(`${REPO}/issues/1/comments`).query(true).optionally().reply(200, () => [state.comment()]);
    mockRole(scope, 'boss', 'admin');
    // what GitHub answers for `aaaaaaa` once a branch of that name exists: the branch's commit (git's rule)
    scope
      .get(`${REPO}/commits/aaaaaaa`)
      .matchHeader('accept', 'application/vnd.github.sha')
      .reply(200, BRANCH_COMMIT, { 'content-type': 'application/vnd.github.sha; charset=utf-8' });
    for (const [commit, text] of [[PROPOSING_COMMIT, PROPOSED], [BRANCH_COMMIT, BRANCHED]] as const) {
      scope
        .get(`${REPO}/contents/.github%2Fstudy.yml`)
        .query({ ref: commit })
        .optionally()
        .reply(200, { ...openapiExample('content-file'), path: '.github/study.yml', content: Buffer.from(text).toString('base64'), encoding: 'base64' });
    }
    mockConfig(scope, PROPOSED);
    mockGetComment(scope, state);
    mockUpdateComment(scope, state);
    const replies: string[] = [];
    mockReply(scope, 1, replies);
    await receive(probot, 'issue_comment', commentPayload('/config approve aaaaaaa', 'boss', '2025-09-11T11:07:00Z'));
    while (pending.length > 0) await Promise.all(pending.splice(0));
    const approved = state.body ? signedLedgerOf(state.body).config : undefined;
    console.log(`approved: commit ${approved?.commit.slice(0, 9)}…, perHour 60 in it: ${approved?.text.includes('perHour: 60')}; reply: ${replies[0]?.split('\n')[0]}`);
    // the organizer meant the pending commit (or, told the word is ambiguous, nothing)
    expect(approved?.commit).not.toBe(BRANCH_COMMIT);
    expect(approved?.text.includes('perHour: 60') ?? false).toBe(false);
  }, 60_000);
});
