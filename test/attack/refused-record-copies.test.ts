/**
 * Attack review (issue 17), refused: a copy of one of the bot's signed `/verify` ⏳ records posted
 * as an issue comment by a member's workflow (github-actions[bot], whose issue comments GitHub
 * marks `performed_via_github_app: GitHub Actions`) is not the bot's and changes nothing after a
 * restart. (The same copy as a commit comment, or pasted into the bot's own comment by an edit,
 * is not refused: see the attack branch's verify-record-replay.test.ts.)
 *
 * Background: a member replays one of the bot's own signed `/verify` records.
 *
 * The record is signed but bound to nothing but the repository: not to the comment it stands
 * in. Every ⏳ the bot writes (with its job: comment id, Check Run id) is readable by anyone
 * (the comment body while pending; GitHub's edit history of the comment afterwards). A member
 * can push a workflow that posts a commit comment as `github-actions[bot]` (user.type `Bot`;
 * commit comments carry no `performed_via_github_app`, so the app filter does not apply to
 * them). The copy's first line is the marker and the signed block, so it reads as the bot's.
 *
 * Once the original comments are older than the 24 h window, the copy is the request's first
 * sighting: on the next start the bot believes a request is pending, "closes it out" and
 * rewrites the ORIGINAL result comment and the ORIGINAL Check Run (failure → neutral), and
 * counts the request against the victim's hourly cap.
 * The same works without a workflow: anyone with write access may edit any comment (GitHub keeps
 * its author, the app, and its created_at), so a member pastes the old block into a recent bot reply.
 */
import nock from 'nock';
import { Probot } from 'probot';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app/deps.js';
import { registerCommandDispatch, type CommandHandler } from '../../src/commands/dispatch.js';
import { registerRecovery } from '../../src/recovery/register.js';
import type { Verifier } from '../../src/verify/drivers/types.js';
import { registerVerify } from '../../src/verify/register.js';
import { openapiExample } from '../helpers/github-examples.js';
import { createTestProbot, mockInstallationToken, mockNoApprovedConfig, testOctokit, testPrivateKey } from '../helpers/probot-app.js';
import { fakeVerifier } from '../helpers/verify-fake-verifier.js';
import { API, STUDY, issueCommentEvent, mockConfig, mockLocalRun, mockVerifyHistory, sent, studyYaml } from '../helpers/verify-github.js';
import { manualTime } from '../helpers/verify-time.js';
import { mockRecoveryStart, TEST_RECOVERY_SETTINGS } from '../helpers/recovery.js';

afterEach(() => {
  nock.cleanAll();
});

const SECRET = 'test-webhook-secret';
const HOUR = 3_600_000;
const attendance = { attendance: { ledgerSecrets: [SECRET] } } as Partial<AppDeps>;

async function restartedProcess(time: ReturnType<typeof manualTime>, verifier: Verifier) {
  const tasks: Promise<void>[] = [];
  const deps: AppDeps = { ...attendance, clock: time.clock, timer: time.timer, verifier, background: (t) => void tasks.push(t()) } as AppDeps;
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
  return { probot, recovery };
}

describe('refused: a copied signed /verify record in a workflow issue comment', () => {
  it('the same copy as an issue comment by github-actions[bot] (performed_via_github_app: GitHub Actions) is ignored', async () => {
    const time = manualTime();
    const s = sent();
    const first = await createTestProbot({ ...attendance, verifier: fakeVerifier(), clock: time.clock, timer: time.timer });
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockLocalRun(scope, s);
    await first.probot.receive(issueCommentEvent('/verify week1'));
    await first.settle();
    const copied = s.remembered[0]!;
    time.advance(25 * HOUR);
    const second = await restartedProcess(time, fakeVerifier());
    const reads = mockRecoveryStart();
    const example = openapiExample<any>('issue-comment');
    const at = new Date(time.clock.now().getTime() - HOUR).toISOString();
    mockVerifyHistory(reads, [{
      ...example, id: 556, body: copied, created_at: at, updated_at: at,
      issue_url: `${API}/repos/${STUDY.owner}/${STUDY.repo}/issues/1`,
      user: { ...example.user, login: 'github-actions[bot]', type: 'Bot' },
      performed_via_github_app: { ...openapiExample<any>('integration'), id: 15368 },
    }]);
    const result = await second.recovery.runOnce();
    second.recovery.stop();
    expect(result?.reconciled?.others.verify ?? []).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
  });
});
