/**
 * No duplicate writes on a retry. Probot's Octokit retries a POST after a 5xx; GitHub can
 * answer 502 after storing what was posted. Here "GitHub" (nock) stores the object on the
 * first POST and then answers 502: a second POST would be a second check run / comment /
 * issue / workflow run. Octokit is built with retries ON, as in production.
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFIG_PATH } from '../../src/config/schema.js';
import { appendAnnotations, createCheckRunOnce, type CheckAnnotation } from '../../src/github/check-runs.js';
import { deliveryLog } from '../../src/github/app-deliveries.js';
import { createMarkedComment, markerFor, postCommentOnce } from '../../src/github/marker-comment.js';
import { findOrCreateReportIssue, REPORT_LABEL } from '../../src/github/report-issue.js';
import { runnerRepository } from '../../src/github/verify-runner-repository.js';
import { createOnce } from '../../src/github/write-once.js';
import { appOpenedIssue, openapiExample } from '../helpers/github-examples.js';
import { testOctokit } from '../helpers/probot-app.js';
import { githubScope, REPO_PATH, requestLines, serveCommit } from '../helpers/push-github.js';
import { buildPushApp, pushPayload, sha } from '../helpers/push-probot.js';
import { baseCommit, GOOD_HGD } from '../helpers/push-world.js';

const API = 'https://api.github.com';
const ref = { owner: 'Codertocat', repo: 'Hello-World' };
const retrying = () => new (testOctokit({ retry: true }))({ auth: 'ghs_test' });
const fast = { delaysMs: [1, 1] };

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

/** GitHub's check runs on one commit: POSTs store a run; the first one answers 502 anyway. */
function checkRunStore(scope: nock.Scope, headSha: string, failFirst = 1) {
  const runs: Record<string, any>[] = [];
  let posts = 0;
  scope
    .post(`${REPO_PATH}/check-runs`)
    .times(4)
    .optionally()
    .reply((_uri, body: any) => {
      posts++;
      const run = { ...openapiExample('check-run'), id: 100 + runs.length, name: body.name, head_sha: body.head_sha, external_id: body.external_id, status: body.status ?? 'queued', conclusion: body.conclusion ?? null, pull_requests: [] };
      run.output = { ...run.output, ...body.output, annotations_count: body.output?.annotations?.length ?? 0 };
      runs.push(run);
      return posts <= failFirst ? [502, { message: 'Server Error' }] : [201, run];
    });
  scope
    .get(`${REPO_PATH}/commits/${headSha}/check-runs`)
    .query(true)
    .times(4)
    .optionally()
    .reply((uri) => {
      const name = new URL(uri, API).searchParams.get('check_name');
      const list = runs.filter((r) => r.name === name);
      return [200, { total_count: list.length, check_runs: list }];
    });
  return { runs, posts: () => posts };
}

describe('check runs', () => {
  it('a push check whose create answers 502 after storing the run publishes one run, not two (through probot.receive)', async () => {
    const app = await buildPushApp({ retry: true });
    const gh = githubScope();
    const before = baseCommit();
    const after = before.with(sha('retry-502'), { set: [{ path: 'study/week1/hgd.md', content: GOOD_HGD }] });
    serveCommit(gh.scope, after, [CONFIG_PATH, 'study/week1/hgd.md']);
    const store = checkRunStore(gh.scope, after.sha);

    await app.probot.receive({ id: 'retry-1', name: 'push', payload: pushPayload({ before: before.sha, after: after.sha, commits: [{ added: ['study/week1/hgd.md'] }] }) } as never);
    expect(await app.settle()).toEqual([]);

    expect(store.runs).toHaveLength(1);
    expect(store.posts()).toBe(1);
    expect(store.runs[0].conclusion).toBe('success');
    expect(requestLines(gh.requests).slice(-2)).toEqual([`POST ${REPO_PATH}/check-runs`, `GET ${REPO_PATH}/commits/${after.sha}/check-runs`]);
  });

  it('creates again when the failed create stored nothing, and a run of another app with the same key does not count', async () => {
    const scope = nock(API);
    const forged = { ...openapiExample('check-run'), id: 7, name: 'n', head_sha: 'a'.repeat(40), external_id: 'push:x', app: { ...openapiExample('check-run').app, id: 999 } };
    let posts = 0;
    scope.post(`${REPO_PATH}/check-runs`).times(2).reply(() => (++posts === 1 ? [502, { message: 'Server Error' }] : [201, { ...openapiExample('check-run'), id: 8 }]));
    scope.get(`${REPO_PATH}/commits/${'a'.repeat(40)}/check-runs`).query(true).reply(200, { total_count: 1, check_runs: [forged] });
    // an Octokit with app credentials would know its id; a token-only one compares nothing, so give it one
    const octokit = retrying();
    (octokit as any).auth = async () => ({ type: 'app', appId: 1 });
    const out = await createCheckRunOnce(octokit, ref, { name: 'n', headSha: 'a'.repeat(40), externalId: 'push:x' }, { status: 'completed', conclusion: 'success', output: { title: 't', summary: 's' } }, fast);
    expect(out).toEqual({ id: 8, reused: false });
    expect(posts).toBe(2);
  });

  it('a re-run is not mistaken for the run it replaces (same key)', async () => {
    const scope = nock(API);
    const store = checkRunStore(scope, 'b'.repeat(40));
    store.runs.push({ ...openapiExample('check-run'), id: 50, name: 'n', head_sha: 'b'.repeat(40), external_id: 'push:y' });
    const out = await createCheckRunOnce(retrying(), ref, { name: 'n', headSha: 'b'.repeat(40), externalId: 'push:y' }, { status: 'completed', conclusion: 'success', output: { title: 't', summary: 's' } }, { ...fast, supersedes: [50] });
    expect(out).toEqual({ id: 101, reused: true });
    expect(store.posts()).toBe(1);
  });

  it('annotations past the first 50 are appended once even when the update answers 502 after applying it', async () => {
    const scope = nock(API);
    let count = 50;
    let patches = 0;
    scope.patch(`${REPO_PATH}/check-runs/4`).times(3).optionally().reply((_uri, body: any) => {
      patches++;
      count += body.output.annotations.length;
      return patches === 1 ? [502, { message: 'Server Error' }] : [200, { ...openapiExample('check-run'), id: 4 }];
    });
    scope.get(`${REPO_PATH}/check-runs/4`).reply(() => [200, { ...openapiExample('check-run'), id: 4, output: { ...openapiExample('check-run').output, annotations_count: count } }]);
    const batch: CheckAnnotation[] = Array.from({ length: 20 }, (_, i) => ({ path: 'a.md', start_line: i + 1, end_line: i + 1, annotation_level: 'warning', message: 'm' }));
    await appendAnnotations(retrying(), ref, 4, { title: 't', summary: 's' }, batch, 70);
    expect(patches).toBe(1);
    expect(count).toBe(70);
  });
});

describe('comments and issues', () => {
  const issuePath = `${REPO_PATH}/issues/1347/comments`;

  /** An issue's comments: POSTs store a bot comment, the first answers 502. */
  function commentStore(scope: nock.Scope, path: string) {
    const comments: Record<string, any>[] = [];
    let posts = 0;
    scope.post(path).times(4).optionally().reply((_uri, body: any) => {
      posts++;
      const c = openapiExample('issue-comment');
      const comment = { ...c, id: 500 + comments.length, body: body.body, user: { ...c.user, type: 'Bot' } };
      comments.push(comment);
      return posts === 1 ? [502, { message: 'Server Error' }] : [201, comment];
    });
    scope.get(path).query(true).times(4).optionally().reply(() => [200, comments]);
    return { comments, posts: () => posts };
  }

  it('the report comment (found by its marker) is posted once', async () => {
    const store = commentStore(nock(API), issuePath);
    const marker = markerFor('report');
    const out = await createMarkedComment(retrying(), { ...ref, issue_number: 1347 }, marker, `${marker}\n표`, fast);
    expect(out.id).toBe(500);
    expect(store.comments).toHaveLength(1);
  });

  it('a reply (no marker: found by its exact body from a bot) is posted once, on an issue or a commit', async () => {
    const issue = commentStore(nock(API), issuePath);
    expect(await postCommentOnce(retrying(), ref, { kind: 'issue', issueNumber: 1347 }, '> /출석\n\n출석했습니다', fast)).toBe(500);
    expect(issue.comments).toHaveLength(1);
    const commit = commentStore(nock(API), `${REPO_PATH}/commits/${'c'.repeat(40)}/comments`);
    expect(await postCommentOnce(retrying(), ref, { kind: 'commit', sha: 'c'.repeat(40) }, 'hi', fast)).toBe(500);
    expect(commit.comments).toHaveLength(1);
  });

  it('a 4xx is not retried and not looked up: nothing was made', async () => {
    const scope = nock(API).post(issuePath).reply(422, { message: 'Validation Failed' });
    await expect(postCommentOnce(retrying(), ref, { kind: 'issue', issueNumber: 1347 }, 'x', fast)).rejects.toMatchObject({ status: 422 });
    scope.done();
  });

  it('the report issue is opened once', async () => {
    const issues: Record<string, any>[] = [];
    let posts = 0;
    nock(API)
      .get(`${REPO_PATH}/issues`).query(true).times(4).reply(() => [200, issues])
      .post(`${REPO_PATH}/issues`).times(2).optionally().reply((_uri, body: any) => {
        posts++;
        const issue = appOpenedIssue({ number: 10 + issues.length, title: body.title, labels: [{ ...openapiExample('issue').labels[0], name: REPORT_LABEL }] });
        issues.push(issue);
        return posts === 1 ? [502, { message: 'Server Error' }] : [201, issue];
      });
    // the real delays (500 ms) this once: the default path is what production runs
    expect(await findOrCreateReportIssue(retrying(), ref, '📊', 'body')).toMatchObject({ number: 10 });
    expect(issues).toHaveLength(1);
  });
});

describe('POSTs that are not idempotent are sent once after a 5xx (issue 17 item 12)', () => {
  it('the note on a duplicate report issue is posted once, and the duplicate is closed all the same', async () => {
    // Another process opened #10 at the same moment; this one made #11, which it closes with a note.
    const example = appOpenedIssue();
    const labelled = (n: number) => ({ ...example, number: n, labels: [{ ...example.labels[0], name: REPORT_LABEL }] });
    const notes: string[] = [];
    let closed = false;
    nock(API)
      .get(`${REPO_PATH}/issues`).query(true).times(2).reply(200, [])
      .post(`${REPO_PATH}/issues`).reply(201, labelled(11))
      .get(`${REPO_PATH}/issues`).query(true).reply(200, [labelled(10), labelled(11)])
      .post(`${REPO_PATH}/issues/11/comments`).times(4).optionally().reply((_uri, body: any) => {
        notes.push(body.body);
        return [502, { message: 'Server Error' }];
      })
      .patch(`${REPO_PATH}/issues/11`).reply((_uri, body: any) => {
        closed = body.state === 'closed';
        return [200, { ...labelled(11), state: 'closed' }];
      });
    expect(await findOrCreateReportIssue(retrying(), ref, '📊', 'body')).toMatchObject({ number: 10, created: false });
    expect(notes).toHaveLength(1);
    expect(closed).toBe(true);
  });

  it('a redelivery the recovery pass asks for is asked once (GitHub may be delivering it already)', async () => {
    let posts = 0;
    nock(API).post('/app/hook/deliveries/1001/attempts').times(4).optionally().reply(() => {
      posts++;
      return [502, { message: 'Server Error' }];
    });
    await expect(deliveryLog(retrying()).redeliver(1001)).rejects.toMatchObject({ status: 502 });
    expect(posts).toBe(1);
  });
});

describe('workflow dispatch', () => {
  it('a dispatch that answers 502 after starting the run is found by its run name, not started twice', async () => {
    const runner = { owner: 'study', repo: 'runner' };
    const runs: Record<string, any>[] = [];
    let posts = 0;
    nock(API)
      .post('/repos/study/runner/actions/workflows/ebpf-verify.yml/dispatches').times(2).optionally().reply((_uri, body: any) => {
        posts++;
        const run = { ...openapiExample('workflow-run'), id: 30 + runs.length, display_title: `verify ${body.inputs.request_id}`, html_url: `https://github.com/study/runner/actions/runs/${30 + runs.length}` };
        runs.push(run);
        return posts === 1 ? [502, { message: 'Server Error' }] : [200, { workflow_run_id: run.id, html_url: run.html_url }];
      })
      .get('/repos/study/runner/actions/workflows/ebpf-verify.yml/runs').query(true).reply(() => [200, { total_count: runs.length, workflow_runs: [{ ...openapiExample('workflow-run'), id: 1, display_title: 'verify ic9' }, ...runs] }]);
    const repo = runnerRepository(retrying(), runner, { dispatchRetryDelaysMs: [1] });
    expect(await repo.dispatch('ebpf-verify.yml', 'main', { request_id: 'ic42', kernel: '', request: '{}' })).toEqual({ runId: 30, htmlUrl: 'https://github.com/study/runner/actions/runs/30' });
    expect(posts).toBe(1);
  });
});

describe('createOnce', () => {
  it('gives up after its attempts with the last error', async () => {
    let calls = 0;
    const fail = async () => {
      calls++;
      throw Object.assign(new Error('boom'), { status: 503 });
    };
    await expect(createOnce(fail, async () => null, { delaysMs: [0, 0] })).rejects.toThrow('boom');
    expect(calls).toBe(3);
  });
});
