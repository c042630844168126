/**
 * Attack review 10: the review-4 fix (a request whose Check Run is completed was answered, so a
 * ⏳ put back by an edit is left alone) sits after the actions branch of the recovery pass. A
 * dispatched request's ⏳ names its run (driver 'actions', run), so a restarted process takes it
 * for a run still to be waited for (waitsForActionsRun) and never asks whether its Check Run is
 * completed. A hostile member edits another member's answered actions /verify comment back to
 * its dispatched ⏳ (GitHub keeps the earlier body in the edit history; anyone with write access
 * can edit a bot's comment). At the next start, past the request's deadline, the pass expires it
 * at once: the member's ✅ result becomes "the runner did not answer" and their completed ✅
 * Check Run is rewritten to neutral, in the bot's name. (Before the deadline, the gate is also
 * seeded with the request as running, so the member cannot /verify until then.)
 * Needs the actions deployment and a restart (any deploy), as review 4's High did.
 * Control: the same revert of a local-driver result is left alone (verify-result-reverted-by-edit).
 */
import { strToU8, zipSync } from 'fflate';
import nock from 'nock';
import { Probot } from 'probot';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app/deps.js';
import { registerCommandDispatch, type CommandHandler } from '../../src/commands/dispatch.js';
import { extractOneLiners } from '../../src/oneliners/extract-oneliners.js';
import { registerRecovery } from '../../src/recovery/register.js';
import { registerVerify } from '../../src/verify/register.js';
import { decodeVerifyRecord, verifyRecordSeal } from '../../src/verify/verify-record.js';
import { openapiExample } from '../helpers/github-examples.js';
import { createTestProbot, INSTALLATION_ID, mockInstallationToken, mockNoApprovedConfig, testOctokit, testPrivateKey } from '../helpers/probot-app.js';
import { fakeVerifier } from '../helpers/verify-fake-verifier.js';
import {
  ACTIONS_DEPLOYMENT, API, MEMBER, RUNNER, RUNNER_INSTALLATION_ID, STUDY, issueCommentEvent, mockAck, mockCheckRun, mockCheckRunUpdate,
  mockCommentUpdate, mockConfig, mockStudyFile, mockVerifyHistory, sent, studyYaml, submission, token, workflowRunEvent,
} from '../helpers/verify-github.js';
import { manualTime } from '../helpers/verify-time.js';
import { mockRecoveryStart, TEST_RECOVERY_SETTINGS } from '../helpers/recovery.js';

afterEach(() => {
  nock.cleanAll();
});

const SECRET = 'test-webhook-secret';
const MINUTE = 60_000;
const RUN_ID = 30433642;
const BLOB = 'https://productionresultssa0.blob.core.windows.net';
const seal = verifyRecordSeal([SECRET], STUDY);
const attendance = { attendance: { ledgerSecrets: [SECRET] } } as Partial<AppDeps>;

function mockAppAuth(scope: nock.Scope) {
  scope.get(`/repos/${RUNNER.owner}/${RUNNER.repo}/installation`).optionally().times(3).reply(200, { ...openapiExample<any>('installation'), id: RUNNER_INSTALLATION_ID });
  scope.post(`/app/installations/${RUNNER_INSTALLATION_ID}/access_tokens`).optionally().times(3).reply(201, token(RUNNER_INSTALLATION_ID, { actions: 'write' }));
  scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/installation`).optionally().times(3).reply(200, { ...openapiExample<any>('installation'), id: INSTALLATION_ID });
  scope.post(`/app/installations/${INSTALLATION_ID}/access_tokens`).optionally().times(3).reply(201, token(INSTALLATION_ID));
}

describe('attack review 10: an answered actions /verify comment edited back to its dispatched ⏳', () => {
  it('(High, fixed) a restart no longer rewrites the member\'s ✅ result and completed Check Run as "the runner did not answer"', async () => {
    const time = manualTime();
    const accepted = time.clock.now().getTime();
    const s = sent();
    // the victim's /verify, dispatched to the runner and answered ✅ (the note's first, working one-liner)
    const first = await createTestProbot({ ...attendance, verifyDeployment: ACTIONS_DEPLOYMENT, verifier: fakeVerifier(), clock: time.clock, timer: time.timer });
    const note = submission().split('### 2.')[0]!;
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockAck(scope, s, 'issue');
    mockStudyFile(scope, { markdown: note });
    mockCheckRun(scope, s, 4, 0);
    scope.get(`/repos/${RUNNER.owner}/${RUNNER.repo}/installation`).reply(200, { ...openapiExample<any>('installation'), id: RUNNER_INSTALLATION_ID });
    scope.post(`/app/installations/${RUNNER_INSTALLATION_ID}/access_tokens`).reply(201, token(RUNNER_INSTALLATION_ID, { actions: 'write' }));
    scope.post(`/repos/${RUNNER.owner}/${RUNNER.repo}/actions/workflows/ebpf-verify.yml/dispatches`).reply(200, { ...openapiExample<any>('workflow-dispatch-response'), workflow_run_id: RUN_ID });
    await first.probot.receive(issueCommentEvent('/verify week1'));
    await first.settle();
    const dispatchedBody = s.remembered.at(-1)!; // the ⏳ naming the run: one of the comment's earlier versions
    expect(decodeVerifyRecord(dispatchedBody, seal)).toMatchObject({ state: 'pending', requester: MEMBER, driver: 'actions', run: { runner: RUNNER }, job: { checkRunId: 4, comment: { id: 1 } } });

    const done = nock(API);
    mockAppAuth(done);
    const report = await fakeVerifier()(await extractOneLiners(note));
    const zip = zipSync({ 'report.json': strToU8(JSON.stringify(report)) });
    const list = openapiExample<any>('artifact-paginated');
    done.get(`/repos/${RUNNER.owner}/${RUNNER.repo}/actions/runs/${RUN_ID}/artifacts`).query(true).reply(200, { total_count: 1, artifacts: [{ ...list.artifacts[0], id: 11, name: 'verify-report', size_in_bytes: zip.byteLength }] });
    done.get(`/repos/${RUNNER.owner}/${RUNNER.repo}/actions/artifacts/11/zip`).reply(302, '', { Location: `${BLOB}/actions-results/report.zip?sig=x` });
    nock(BLOB).get('/actions-results/report.zip').query(true).reply(200, Buffer.from(zip), { 'Content-Type': 'application/zip' });
    mockCommentUpdate(done, s, 'issue');
    mockCheckRunUpdate(done, s);
    await first.probot.receive(workflowRunEvent({ runId: RUN_ID, title: `verify ${decodeVerifyRecord(dispatchedBody, seal)!.requestId}`, conclusion: 'success' }));
    await first.settle();
    expect(s.commentUpdates.at(-1)).toContain('✅ 동작함');
    expect(decodeVerifyRecord(s.commentUpdates.at(-1)!, seal)?.state).toBe('done');
    expect(s.checkUpdates.at(-1)).toMatchObject({ status: 'completed', conclusion: 'success' });
    nock.cleanAll();

    // hours later the hostile member edits comment 1 back to the dispatched ⏳; then the bot restarts
    time.advance(5 * 60 * MINUTE);
    const now = time.clock.now().getTime();
    const tasks: Promise<void>[] = [];
    const deps = { ...attendance, clock: time.clock, timer: time.timer, verifier: fakeVerifier(), verifyDeployment: ACTIONS_DEPLOYMENT, background: (t: () => Promise<void>) => void tasks.push(t()) } as AppDeps;
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
      body: dispatchedBody,
      user: { ...example.user, login: 'study-bot[bot]', type: 'Bot' },
      created_at: new Date(accepted).toISOString(),
      updated_at: new Date(now - MINUTE).toISOString(),
      issue_url: `${API}/repos/${STUDY.owner}/${STUDY.repo}/issues/1`,
      performed_via_github_app: { ...openapiExample<any>('integration'), id: 1 },
    };
    const reads = mockRecoveryStart();
    mockVerifyHistory(reads, [reverted]);
    mockAppAuth(reads);
    const written = sent();
    mockCommentUpdate(reads, written, 'issue', 1);
    mockCheckRunUpdate(reads, written, 4);
    reads.post(`/repos/${RUNNER.owner}/${RUNNER.repo}/actions/runs/${RUN_ID}/cancel`).optionally().reply(409, { message: 'Cannot cancel a workflow run that is completed.' });
    // GitHub's answer for Check Run 4, were it asked: completed (only the app could have completed it)
    reads.get(`/repos/${STUDY.owner}/${STUDY.repo}/check-runs/4`).optionally().reply(200, { ...openapiExample<any>('check-run'), id: 4, status: 'completed', conclusion: 'success' });
    const result = await recovery.runOnce();
    while (tasks.length > 0) await Promise.all(tasks.splice(0));
    recovery.stop();
    expect(result?.errors).toEqual([]);

    if (written.commentUpdates.length > 0) {
      console.log('comment 1 rewritten to:', written.commentUpdates[0].split('\n').slice(1, 4).join(' | '));
      console.log('Check Run 4 rewritten to:', JSON.stringify({ status: written.checkUpdates.at(-1)?.status, conclusion: written.checkUpdates.at(-1)?.conclusion }));
    }
    // what should hold: an answered request stays answered
    expect(written.commentUpdates).toEqual([]);
    expect(written.checkUpdates).toEqual([]);
  });
});
