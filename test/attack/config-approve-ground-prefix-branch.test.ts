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
 *
 * Fixed (issue 17): on an issue `/config approve` takes only a commit's full sha (shown in the
 * push check's notice), looked up with `GET /git/commits/{commit_sha}`, which takes a commit's
 * sha rather than a ref name; a short prefix is answered with that request and approves
 * nothing. The half fixes these cases catch: looking for a branch of that name only (a tag
 * `aaaaaaa` does the same), resolving the prefix at all (a ref can appear between a look-up
 * and the use), and refusing everything (the full sha must still approve the pending commit).
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

/** The app, the report comment with an approved config, and GitHub's answers around the attack. */
async function setUp() {
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
  // what GitHub answers for `aaaaaaa` once a branch or tag of that name exists: its commit (git's rule)
  let wordAsked = false;
  scope
    .get(/\/commits\/aaaaaaa$/i)
    .optionally()
    .reply(200, () => {
      wordAsked = true;
      return BRANCH_COMMIT;
    }, { 'content-type': 'application/vnd.github.sha; charset=utf-8' });
  // the git database answers a commit's own sha with that commit (GitHub's example, its sha set)
  for (const commit of [PROPOSING_COMMIT, BRANCH_COMMIT]) {
    scope
      .get(`${REPO}/git/commits/${commit}`)
      .optionally()
      .reply(200, { ...openapiExample('git-commit-2'), sha: commit, url: `https://api.github.com${REPO}/git/commits/${commit}` });
  }
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
  return {
    replies,
    /** whether the bot asked GitHub to resolve the word `aaaaaaa` (a branch's or tag's name first) */
    askedForWord: () => wordAsked,
    async approve(body: string) {
      await receive(probot, 'issue_comment', commentPayload(body, 'boss', '2025-09-11T11:07:00Z'));
      while (pending.length > 0) await Promise.all(pending.splice(0));
      return state.body ? signedLedgerOf(state.body).config : undefined;
    },
  };
}

describe('attack review 19: a branch named like the commit an organizer approves, its commit ground to the prefix', () => {
  it('MEDIUM (fixed): the organizer\'s `/config approve aaaaaaa` does not approve hong-gildong\'s commit aaaaaaab… on his branch `aaaaaaa`', async () => {
    const gh = await setUp();
    const approved = await gh.approve('/config approve aaaaaaa');
    console.log(`approved: commit ${approved?.commit.slice(0, 9)}…, perHour 60 in it: ${approved?.text.includes('perHour: 60')}; reply: ${gh.replies[0]?.split('\n')[2]}`);
    // the organizer meant the pending commit (or, told the word is ambiguous, nothing)
    expect(approved?.commit).not.toBe(BRANCH_COMMIT);
    expect(approved?.text.includes('perHour: 60') ?? false).toBe(false);
    // nothing at all: a short prefix names no commit for sure, and the reply asks for the full sha
    expect(approved?.commit ?? 'f'.repeat(40)).toBe('f'.repeat(40));
    expect(gh.replies).toHaveLength(1);
    expect(gh.replies[0]).toContain('`aaaaaaa`은(는) 커밋 sha의 앞부분이라 승인하지 않았습니다');
    expect(gh.replies[0]).toContain('push 검사의 설정 안내에 적힌 sha 40자리 전체로');
    expect(gh.replies[0]).toContain('같은 이름의 브랜치나 태그는 커밋으로 보지 않습니다');
  }, 60_000);

  it('the same with a tag `aaaaaaa`, or with no ref of that name yet: the word is never resolved, so no ref made in between can count', async () => {
    // To the bot a tag and a branch look alike (GitHub resolves both before a prefix); with no
    // ref at all the prefix is still refused, since one can be pushed between a look-up and the use.
    const gh = await setUp();
    const approved = await gh.approve('/config approve AAAAAAA');
    expect(approved?.commit ?? 'f'.repeat(40)).toBe('f'.repeat(40));
    expect(gh.askedForWord()).toBe(false);
    expect(gh.replies[0]).toContain('`AAAAAAA`은(는) 커밋 sha의 앞부분이라 승인하지 않았습니다');
  }, 60_000);

  it('the full sha from the pending notice approves the pending commit, whatever branch hong-gildong named `aaaaaaa`', async () => {
    const gh = await setUp();
    const approved = await gh.approve(`/config approve ${PROPOSING_COMMIT}`);
    expect(approved).toMatchObject({ by: 'boss', commit: PROPOSING_COMMIT, text: PROPOSED });
    expect(gh.askedForWord()).toBe(false);
    expect(gh.replies[0]).toContain('✅ `aaaaaaa`의 설정을 승인했습니다');
  }, 60_000);
});
