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
 * config capabilities and the dispatcher, GitHub by nock in its own shapes: configApproveByNock
 * in test/helpers/config-approve.ts).
 */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { STUDY_YML } from '../helpers/attendance-study.js';
import { configApproveByNock } from '../helpers/config-approve.js';

afterEach(() => {
  nock.cleanAll();
});

const PROPOSED = `${STUDY_YML}  - login: Codertocat\n    name: outsider\n`;
const BRANCHED = `${PROPOSED}  - login: octocat\n    name: outsider2\nverify:\n  perHour: 60\n`;
const PROPOSING_COMMIT = 'a'.repeat(40);
const BRANCH_COMMIT = 'b'.repeat(40);

describe('attack review 18: a branch named like the commit an organizer approves', () => {
  it('MEDIUM (fixed): the organizer\'s `/config approve aaaaaaa` does not approve the commit of hong-gildong\'s branch `aaaaaaa`', async () => {
    const { approved, replies } = await configApproveByNock({
      word: 'aaaaaaa',
      // what GitHub answers for `aaaaaaa` once a branch of that name exists: the branch's commit (git's rule)
      resolvesTo: BRANCH_COMMIT,
      head: PROPOSED,
      commits: [[PROPOSING_COMMIT, PROPOSED], [BRANCH_COMMIT, BRANCHED]],
    });
    console.log(`approved: commit ${approved?.commit.slice(0, 7)}, perHour 60 in it: ${approved?.text.includes('perHour: 60')}; reply: ${replies[0]?.split('\n')[0]}`);
    // only a commit whose sha starts with what the organizer wrote may be approved
    expect(approved?.commit).not.toBe(BRANCH_COMMIT);
    expect(approved?.commit === 'f'.repeat(40) || approved?.commit.startsWith('aaaaaaa')).toBe(true);
    // and the organizer is told why nothing was approved
    expect(replies[0]).toContain('같은 이름의 브랜치나 태그는 커밋으로 보지 않습니다');
  }, 60_000);
});
