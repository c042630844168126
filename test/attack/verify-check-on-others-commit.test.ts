/**
 * Attack review 3 (mitigated, Medium): one member's `/verify` failed another member's commit.
 *
 * `/verify` puts its Check Run on the commit it read the note at (handle-verify-command.ts,
 * runVerify): a commit comment's commit, or, anywhere else, whatever commit heads the default
 * branch at that moment. Nothing asks whose commit that is. Everybody pushes to `main`, so
 * the head is usually someone else's push, and a commit comment can sit on any commit.
 *
 * So kim-cs (a member) writes `/verify week1` as a comment on Codertocat's commit (or in any
 * issue right after Codertocat pushed), with a note of kim-cs's own that has a broken
 * one-liner. The bot creates `study-bot / one-liner 검증` on Codertocat's commit and completes
 * it `failure`, with failure annotations on kim-cs's file. It is the very name of Codertocat's
 * own `/verify` Check Run: on that commit GitHub lists the newest run of a name, so a ✅ that
 * Codertocat earned there is shown as kim-cs's ❌, and every later `/verify week1` of kim-cs
 * turns Codertocat's commit red again. The details name kim-cs's file, but the mark is on
 * Codertocat's commit, in the bot's name. (Nothing else reads these runs: the report and the
 * digest are not affected.)
 *
 * Now a `/verify` run is named for who asked (`study-bot / one-liner 검증 (@kim-cs)`, verifyCheckName):
 * it never replaces another member's own run, and a red mark on someone's commit says whose note
 * it is about. The mark itself stays (the commit is where GitHub shows the annotations).
 *
 * Repro: the real app (local driver, fake verifier, GitHub by nock with its own payloads).
 */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { CHECK_RUN_NAME } from '../../src/verify/render-verify.js';
import { createTestProbot, mockInstallationToken } from '../helpers/probot-app.js';
import { fakeVerifier } from '../helpers/verify-fake-verifier.js';
import {
  API, HEAD_SHA, commitCommentEvent, issueCommentEvent, mockAck, mockCheckRun, mockCommentUpdate, mockConfig, mockStudyFile, sent, studyYaml,
} from '../helpers/verify-github.js';

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

/** The commit of GitHub's commit_comment example: here, Codertocat's push of study/week1/hgd.md. */
const CODERTOCATS_COMMIT = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';
const ATTACKER = 'kim-cs';
const ATTACKERS_NOTE = 'study/week1/김철수.md';

describe('attack review 3: a /verify Check Run on another member’s commit', () => {
  it('Medium (mitigated): kim-cs’s /verify as a comment on Codertocat’s commit puts no run under the shared name there, only one named for kim-cs', async () => {
    const { probot, settle } = await createTestProbot({ verifier: fakeVerifier() });
    const s = sent();
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockAck(scope, s, 'commit', 55);
    // kim-cs's note, read at Codertocat's commit (the fixture note: one of its one-liners is broken)
    mockStudyFile(scope, { sha: CODERTOCATS_COMMIT, headLookup: false, name: '김철수.md' });
    mockCheckRun(scope, s, 4, 1, 'commit', 55);
    mockCommentUpdate(scope, s, 'commit', 55);

    await probot.receive(commitCommentEvent('/verify week1', ATTACKER));
    await settle();

    // what the bot wrote: Codertocat's commit carries kim-cs's failing run under the shared name
    const onVictim = s.checkCreates.filter((c) => c.head_sha === CODERTOCATS_COMMIT && c.name === CHECK_RUN_NAME);
    if (onVictim.length > 0) {
      expect(s.checkUpdates[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
      expect(s.checkUpdates[0].output.annotations.every((a: { path: string }) => a.path === ATTACKERS_NOTE)).toBe(true);
    }
    expect(onVictim).toEqual([]);
    expect(s.checkCreates.map((c) => c.name)).toEqual([`${CHECK_RUN_NAME} (@${ATTACKER})`]);
  });

  it('Medium (mitigated): kim-cs’s /verify in an issue puts no run under the shared name on the default branch’s head, Codertocat’s push, only one named for kim-cs', async () => {
    const { probot, settle } = await createTestProbot({ verifier: fakeVerifier() });
    const s = sent();
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockAck(scope, s, 'issue');
    // the default branch's head (HEAD_SHA): the last push, Codertocat's
    mockStudyFile(scope, { name: '김철수.md' });
    mockCheckRun(scope, s, 4, 1, 'issue');
    mockCommentUpdate(scope, s, 'issue');

    await probot.receive(issueCommentEvent('/verify week1', ATTACKER));
    await settle();

    const onVictim = s.checkCreates.filter((c) => c.head_sha === HEAD_SHA && c.name === CHECK_RUN_NAME);
    if (onVictim.length > 0) expect(s.checkUpdates[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(onVictim).toEqual([]);
    expect(s.checkCreates.map((c) => c.name)).toEqual([`${CHECK_RUN_NAME} (@${ATTACKER})`]);
  });
});
