/**
 * Attack review 18 (MEDIUM, fixed: only a commit whose sha starts with the word is approved): `/config approve <short sha>` approves whatever GitHub
 * resolves the word to, and a member can make it a branch.
 *
 * On an issue an organizer names the commit (`/config approve 1a2b3c4`, the docs' own
 * example). resolveCommit (src/github/config-approval-client.ts) passes the word as `ref` to
 * `GET /repos/{o}/{r}/commits/{ref}`, which GitHub documents as "a commit SHA, branch name, or
 * tag name", and takes the full sha it answers without checking that it starts with what the
 * organizer wrote. Git's rule for a word that is both a ref and a hex prefix is the ref (git
 * 2.39 here: `git branch 03b9287 <other>` then `git rev-parse 03b9287` gives the branch's
 * commit, with "warning: refname '03b9287' is ambiguous"). So hong-gildong, whose config change
 * aaaaaaa (adds his friend) awaits approval, pushes a branch named `aaaaaaa` pointing at a
 * commit whose config also sets `verify.perHour: 60` and adds a second outsider; the
 * organizer's `/config approve aaaaaaa` approves that commit instead. The reply names the
 * approved commit and lists the changes, after the fact. (Not run against GitHub: the nock
 * answer for the ref is git's rule; the missing prefix check is the bot's either way.)
 *
 * Since review 19 (config-approve-ground-prefix-branch.test.ts) a short word is not resolved
 * at all: on an issue only a full sha approves, looked up in the git database.
 *
 * The repro: as test/config/config-trust-commands.test.ts step 3 (the real attendance and
 * config capabilities and the dispatcher, GitHub by nock in its own shapes).
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
const BRANCH_COMMIT = 'b'.repeat(40);

describe('attack review 18: a branch named like the commit an organizer approves', () => {
  it('MEDIUM (fixed): the organizer\'s `/config approve aaaaaaa` does not approve the commit of hong-gildong\'s branch `aaaaaaa`', async () => {
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
    console.log(`approved: commit ${approved?.commit.slice(0, 7)}, perHour 60 in it: ${approved?.text.includes('perHour: 60')}; reply: ${replies[0]?.split('\n')[0]}`);
    // only a commit whose sha starts with what the organizer wrote may be approved
    expect(approved?.commit).not.toBe(BRANCH_COMMIT);
    expect(approved?.commit === 'f'.repeat(40) || approved?.commit.startsWith('aaaaaaa')).toBe(true);
    // and the organizer is told why nothing was approved
    expect(replies[0]).toContain('같은 이름의 브랜치나 태그는 커밋으로 보지 않습니다');
  }, 60_000);
});
