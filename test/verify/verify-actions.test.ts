import { strToU8, zipSync } from 'fflate';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { extractOneLiners } from '../../src/oneliners/extract-oneliners.js';
import { createTestProbot, INSTALLATION_ID, mockInstallationToken } from '../helpers/probot-app.js';
import { openapiExample } from '../helpers/github-examples.js';
import { fakeVerifier } from '../helpers/verify-fake-verifier.js';
import {
  API, RUNNER, RUNNER_INSTALLATION_ID, STUDY, issueCommentEvent, mockAck, mockCheckRun, mockCheckRunUpdate, mockCommentUpdate, mockConfig,
  mockStudyFile, sent, studyYaml, submission, token, workflowRunEvent, type Sent, ACTIONS_DEPLOYMENT, mockDispatch,
} from '../helpers/verify-github.js';

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

// The study config no longer picks the driver: ACTIONS_DEPLOYMENT (the bot's environment) does.
const ACTIONS = '';
const RUN_ID = 30433642;
const BLOB = 'https://productionresultssa0.blob.core.windows.net';

/** Installation lookups and tokens: Probot caches tokens, so these may or may not be asked for. */
function mockAppAuth(scope: nock.Scope) {
  scope.get(`/repos/${RUNNER.owner}/${RUNNER.repo}/installation`).optionally().reply(200, { ...openapiExample<any>('installation'), id: RUNNER_INSTALLATION_ID });
  scope.post(`/app/installations/${RUNNER_INSTALLATION_ID}/access_tokens`).optionally().times(2).reply(201, token(RUNNER_INSTALLATION_ID, { actions: 'write' }));
  scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/installation`).optionally().reply(200, { ...openapiExample<any>('installation'), id: INSTALLATION_ID });
  scope.post(`/app/installations/${INSTALLATION_ID}/access_tokens`).optionally().reply(201, token(INSTALLATION_ID));
}

/** A /verify with the actions driver, up to the dispatch; returns what was sent. */
async function dispatchOne(s: Sent, opts: { kernel?: string } = {}) {
  const verifier = fakeVerifier();
  const app = await createTestProbot({ verifyDeployment: ACTIONS_DEPLOYMENT, verifier });
  const scope = nock(API);
  mockInstallationToken(scope);
  mockConfig(scope, studyYaml(ACTIONS));
  mockDispatch(scope, s, RUN_ID);
  await app.probot.receive(issueCommentEvent(`/verify week1${opts.kernel ? ` ${opts.kernel}` : ''}`));
  await app.settle();
  expect(verifier.calls).toHaveLength(0); // the bot's own process runs nothing
  return app;
}

async function reportZip(): Promise<Uint8Array> {
  const report = await fakeVerifier()(await extractOneLiners(submission()));
  return zipSync({ 'report.json': strToU8(JSON.stringify(report)) });
}

function mockArtifact(scope: nock.Scope, zip: Uint8Array | null, size = zip?.byteLength ?? 0, contentType: string | null = 'application/zip') {
  const list = openapiExample<any>('artifact-paginated');
  const artifact = { ...list.artifacts[0], id: 11, name: 'verify-report', size_in_bytes: size };
  scope.get(`/repos/${RUNNER.owner}/${RUNNER.repo}/actions/runs/${RUN_ID}/artifacts`).query(true).reply(200, { total_count: zip ? 1 : 0, artifacts: zip ? [artifact] : [] });
  if (!zip) return;
  scope.get(`/repos/${RUNNER.owner}/${RUNNER.repo}/actions/artifacts/11/zip`).reply(302, '', { Location: `${BLOB}/actions-results/report.zip?sig=x` });
  nock(BLOB).get('/actions-results/report.zip').query(true).reply(200, Buffer.from(zip), contentType === null ? {} : { 'Content-Type': contentType });
}

describe('/verify with the actions driver', () => {
  it('dispatches the runner workflow with the request, then reports the artifact', async () => {
    const s = sent();
    const { probot, settle } = await dispatchOne(s, { kernel: 'kernel-6.8' });
    const { ref, inputs, return_run_details } = s.dispatches[0];
    expect({ ref, return_run_details, request_id: inputs.request_id, kernel: inputs.kernel }).toEqual({
      ref: 'main', return_run_details: true, request_id: 'ic492700400', kernel: 'kernel-6.8',
    });
    const request = JSON.parse(inputs.request);
    expect(request).toMatchObject({ repository: 'Codertocat/Hello-World', file: 'study/week1/hgd.md', commentId: 1 });
    expect(request.oneLiners).toHaveLength(4);
    expect(s.commentUpdates).toEqual([]); // still ⏳ until the run completes

    const scope = nock(API);
    mockAppAuth(scope);
    mockArtifact(scope, await reportZip());
    mockCommentUpdate(scope, s, 'issue');
    mockCheckRunUpdate(scope, s);
    await probot.receive(workflowRunEvent({ runId: RUN_ID, title: 'verify ic492700400', conclusion: 'success' }));
    await settle();
    expect(s.commentUpdates[0]).toContain('❌ 오류');
    expect(s.commentUpdates[0]).toContain('레이블 `kernel-6.8`');
    expect(s.checkUpdates.at(-1)).toMatchObject({ status: 'completed', conclusion: 'failure' });
  });

  // @octokit/request decodes a body as text for no content type, text/*, JSON or charset=utf-8:
  // blob storage and proxies send any of these for the zip.
  it.each([
    ['no content type', null],
    ['text/plain', 'text/plain'],
    ['text/plain; charset=utf-8', 'text/plain; charset=utf-8'],
    ['application/json', 'application/json'],
    ['application/zip; charset=utf-8', 'application/zip; charset=utf-8'],
    ['application/octet-stream', 'application/octet-stream'],
  ])('reads the artifact zip whatever its content type: %s', async (_name, contentType) => {
    const s = sent();
    const { probot, settle } = await dispatchOne(s);
    const scope = nock(API);
    mockAppAuth(scope);
    const zip = await reportZip();
    mockArtifact(scope, zip, zip.byteLength, contentType);
    mockCommentUpdate(scope, s, 'issue');
    mockCheckRunUpdate(scope, s);
    await probot.receive(workflowRunEvent({ runId: RUN_ID, title: 'verify ic492700400', conclusion: 'success' }));
    await settle();
    expect(s.commentUpdates[0]).toContain('❌ 오류'); // the report's own verdict, not a runner error
    expect(s.commentUpdates[0]).not.toContain('💥 러너 오류');
  });

  it('stops reading an artifact body past the cap even when its listed size was small', async () => {
    const s = sent();
    const { probot, settle } = await dispatchOne(s);
    const scope = nock(API);
    mockAppAuth(scope);
    mockArtifact(scope, new Uint8Array(9 * 1024 * 1024), 1000, null);
    mockCommentUpdate(scope, s, 'issue');
    mockCheckRunUpdate(scope, s);
    await probot.receive(workflowRunEvent({ runId: RUN_ID, title: 'verify ic492700400', conclusion: 'success' }));
    await settle();
    expect(s.commentUpdates[0]).toContain('💥 러너 오류');
  });

  it.each([
    ['failure', '러너 워크플로가 실패했습니다'],
    ['cancelled', '러너 워크플로가 취소됐습니다'],
    ['timed_out', '시간 제한'],
  ])('reports a run that ended %s as a runner error, with a link to the run', async (conclusion, text) => {
    const s = sent();
    const { probot, settle } = await dispatchOne(s);
    const scope = nock(API);
    mockAppAuth(scope);
    mockCommentUpdate(scope, s, 'issue');
    mockCheckRunUpdate(scope, s);
    await probot.receive(workflowRunEvent({ runId: RUN_ID, title: 'verify ic492700400', conclusion }));
    await settle();
    expect(s.commentUpdates[0]).toContain(text);
    expect(s.commentUpdates[0]).toContain(`https://github.com/${RUNNER.owner}/${RUNNER.repo}/actions/runs/${RUN_ID}`);
    expect(s.commentUpdates[0]).toContain('💥 러너 오류');
    expect(s.checkUpdates.at(-1)).toMatchObject({ status: 'completed', conclusion: 'neutral' });
  });

  it.each([
    ['not valid JSON', () => zipSync({ 'report.json': strToU8('{"runner": ') }), '올바른 JSON이 아닙니다'],
    ['not the runner contract', () => zipSync({ 'report.json': strToU8(JSON.stringify({ runner: { kernel: 1 }, results: 'x' })) }), '러너 계약과 다릅니다'],
    ['a huge entry', () => zipSync({ 'report.json': new Uint8Array(64 * 1024 * 1024) }, { level: 9 }), '너무 큽니다'],
    ['no report.json', () => zipSync({ 'other.txt': strToU8('hi') }), 'report.json`이 없습니다'],
  ])('reports an artifact with %s as a runner error, without crashing', async (_name, build, text) => {
    const s = sent();
    const { probot, settle } = await dispatchOne(s);
    const scope = nock(API);
    mockAppAuth(scope);
    mockArtifact(scope, build());
    mockCommentUpdate(scope, s, 'issue');
    mockCheckRunUpdate(scope, s);
    await probot.receive(workflowRunEvent({ runId: RUN_ID, title: 'verify ic492700400', conclusion: 'success' }));
    await settle();
    expect(s.commentUpdates[0]).toContain(text);
    expect(s.commentUpdates[0]).toContain('💥 러너 오류');
  });

  it.each([
    ['another repository', { repo: STUDY }],
    ['another workflow', { path: '.github/workflows/member.yml' }],
    ['not a workflow_dispatch', { event: 'push' }],
    ['an unknown request', { title: 'verify ic1' }],
    ['another run of the same title', { runId: 1 }],
    ['a title that is not ours', { title: 'ci(action): update actions/setup-node' }],
  ])('ignores a completed run from %s', async (_name, override) => {
    const s = sent();
    const { probot, settle } = await dispatchOne(s);
    await probot.receive(workflowRunEvent({ runId: RUN_ID, title: 'verify ic492700400', conclusion: 'success', ...override }));
    await settle();
    expect(s.commentUpdates).toEqual([]);
    expect(s.checkUpdates).toEqual([]);
  });
});
