/**
 * Attack review 4: the fix of the first review's High 1 (recordSitsIn: a record counts only in
 * the comment its job names, created when the request was accepted) does not cover the record's
 * own comment. The ⏳ is edited in place into the result, so GitHub keeps its earlier bodies in
 * the comment's edit history (visible to anyone who can read the issue; the GraphQL
 * `userContentEdits` diff gives them whole), and anyone with write access can edit a bot's
 * comment. A hostile member puts the ⏳ body (its signed `pending` record, job included) back
 * into another member's answered /verify comment: the block stands where it was written and
 * the comment was created when it was accepted, so at the next start the recovery pass takes
 * it for a request that died with the process and closes it out: the member's ✅ result becomes
 * "the bot restarted, the result was lost", and their completed ✅ Check Run is rewritten to
 * neutral, in the bot's name. GitHub's `updated_at` cannot tell (the bot edits its own ⏳ too);
 * the Check Run's own state (already completed) could, and now does: the recovery pass (and the
 * sweep of stale ⏳) leave a request alone whose Check Run is completed (recover-verify.ts).
 */
import nock from 'nock';
import { Probot } from 'probot';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app/deps.js';
import { registerCommandDispatch, type CommandHandler } from '../../src/commands/dispatch.js';
import { registerRecovery } from '../../src/recovery/register.js';
import { registerVerify } from '../../src/verify/register.js';
import { decodeVerifyRecord, verifyRecordSeal } from '../../src/verify/verify-record.js';
import { openapiExample } from '../helpers/github-examples.js';
import { createTestProbot, mockInstallationToken, mockNoApprovedConfig, testOctokit, testPrivateKey } from '../helpers/probot-app.js';
import { fakeVerifier } from '../helpers/verify-fake-verifier.js';
import { API, MEMBER, STUDY, issueCommentEvent, mockCheckRunUpdate, mockCommentUpdate, mockConfig, mockLocalRun, mockVerifyHistory, sent, studyYaml, submission } from '../helpers/verify-github.js';
import { manualTime } from '../helpers/verify-time.js';
import { mockRecoveryStart, TEST_RECOVERY_SETTINGS } from '../helpers/recovery.js';

afterEach(() => {
  nock.cleanAll();
});

const SECRET = 'test-webhook-secret';
const MINUTE = 60_000;
const seal = verifyRecordSeal([SECRET], STUDY);
const attendance = { attendance: { ledgerSecrets: [SECRET] } } as Partial<AppDeps>;

describe('attack review 4: an answered /verify comment edited back to its ⏳', () => {
  it('(High, fixed) a restart does not rewrite the member\'s ✅ result and completed Check Run as "result lost"', async () => {
    const time = manualTime();
    const accepted = time.clock.now().getTime();
    // the victim's /verify, run to its end: ✅ in comment 1, Check Run 4 completed success
    const s = sent();
    const first = await createTestProbot({ ...attendance, verifier: fakeVerifier(), clock: time.clock, timer: time.timer });
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    // the fixture note up to its first one-liner, which works: the member earned a green Check Run
    const note = submission().split('### 2.')[0]!;
    mockLocalRun(scope, s, { markdown: note });
    await first.probot.receive(issueCommentEvent('/verify week1'));
    await first.settle();
    expect(s.commentUpdates[0]).toContain('✅ 동작함');
    expect(decodeVerifyRecord(s.commentUpdates[0], seal)?.state).toBe('done');
    expect(s.checkUpdates.at(-1)).toMatchObject({ status: 'completed', conclusion: 'success' });
    const pendingBody = s.remembered[0]; // the ⏳ with the job: one of the comment's earlier versions
    expect(decodeVerifyRecord(pendingBody, seal)).toMatchObject({ state: 'pending', requester: MEMBER, job: { checkRunId: 4, comment: { id: 1 } } });
    nock.cleanAll();

    // hours later the hostile member edits comment 1 back to that body; then the bot restarts
    time.advance(5 * 60 * MINUTE);
    const now = time.clock.now().getTime();
    const tasks: Promise<void>[] = [];
    const deps = { ...attendance, clock: time.clock, timer: time.timer, verifier: fakeVerifier(), background: (t: () => Promise<void>) => void tasks.push(t()) } as AppDeps;
    mockNoApprovedConfig();
    const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: testOctokit(), logLevel: 'fatal' });
    let recovery!: ReturnType<typeof registerRecovery>;
    await probot.load((app) => {
      const commands: CommandHandler[] = [];
      const verify = registerVerify(app, deps, commands);
      registerCommandDispatch(app, deps, commands);
      recovery = registerRecovery(app, deps, TEST_RECOVERY_SETTINGS, {
        repositories: [{ name: 'verify', run: async (r, octokit) => (await verify.recoverRepository(octokit, r))?.closed ?? [] }],
      });
    });
    const example = openapiExample<any>('issue-comment');
    const reverted = {
      ...example,
      id: 1,
      body: pendingBody,
      user: { ...example.user, login: 'study-bot[bot]', type: 'Bot' },
      created_at: new Date(accepted).toISOString(), // GitHub's creation time: no edit changes it
      updated_at: new Date(now - MINUTE).toISOString(), // edited, as the bot's own ⏳ → ✅ edit also shows
      issue_url: `${API}/repos/${STUDY.owner}/${STUDY.repo}/issues/1`,
      performed_via_github_app: { ...openapiExample<any>('integration'), id: 1 },
    };
    const reads = mockRecoveryStart();
    mockVerifyHistory(reads, [reverted]);
    const written = sent();
    mockCommentUpdate(reads, written, 'issue', 1);
    mockCheckRunUpdate(reads, written, 4);
    // GitHub's answer for Check Run 4: completed (only the app could have completed it)
    reads.get(`/repos/${STUDY.owner}/${STUDY.repo}/check-runs/4`).reply(200, { ...openapiExample<any>('check-run'), id: 4, status: 'completed', conclusion: 'success' });
    const result = await recovery.runOnce();
    while (tasks.length > 0) await Promise.all(tasks.splice(0));
    recovery.stop();
    expect(result?.errors).toEqual([]);

    // what the hole does, seen: the victim's result and Check Run rewritten in the bot's name
    if (written.commentUpdates.length > 0) {
      console.log('comment 1 rewritten to:', written.commentUpdates[0].split('\n').slice(1, 4).join(' | '));
      console.log('Check Run 4 rewritten to:', JSON.stringify({ status: written.checkUpdates.at(-1)?.status, conclusion: written.checkUpdates.at(-1)?.conclusion }));
    }
    // what should hold: an answered request stays answered
    expect(result?.reconciled?.others.verify ?? []).toEqual([]);
    expect(written.commentUpdates).toEqual([]);
    expect(written.checkUpdates).toEqual([]);
  });
});
