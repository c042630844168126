/** "Re-run" and "Re-run all checks": the push is redone from what our earlier check run recorded. */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFIG_PATH } from '../../src/config/schema.js';
import { acceptCheckRun, acceptCheckRunUpdate, githubScope, REPO_PATH, serveCheckRunsForRef, serveCommit, servePermission, requestLines as lines } from '../helpers/push-github.js';
import { buildPushApp, checkRunRerequestedPayload, checkSuiteRerequestedPayload, pushPayload, sha, type PushApp } from '../helpers/push-probot.js';
import { baseCommit, FAILING_HGD, GOOD_HGD } from '../helpers/push-world.js';

type Body = Record<string, any>;
let app: PushApp;
let gh: ReturnType<typeof githubScope>;

beforeEach(async () => {
  app = await buildPushApp();
  gh = githubScope();
});
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

const before = baseCommit();

describe('re-runs', () => {
  it('check_run.rerequested on our run: redone from the trees, the original pusher judged', async () => {
    const after = before.with(sha('rerun'), { set: [{ path: 'study/week1/hgd.md', content: GOOD_HGD }], remove: ['study/week1/kcs.md'] });
    serveCommit(gh.scope, after, [CONFIG_PATH, 'study/week1/hgd.md']);
    serveCommit(gh.scope, before);
    // The original pusher was hong-gildong, though octocat pressed Re-run.
    servePermission(gh.scope, 'hong-gildong', 'write');
    let created: Body = {};
    acceptCheckRun(gh.scope, 5, (b) => (created = b));

    await app.probot.receive({
      id: 'rerun-1',
      name: 'check_run',
      payload: checkRunRerequestedPayload({ after: after.sha, name: 'study-bot / 제출물 검사', externalId: `push:${before.sha}:hong-gildong` }),
    } as never);
    expect(await app.settle()).toEqual([]);

    expect(lines(gh.requests)).toEqual([
      `GET ${REPO_PATH}/git/trees/${after.sha}`,
      `GET ${REPO_PATH}/git/blobs/${after.shaOf(CONFIG_PATH)}`,
      `GET ${REPO_PATH}/git/trees/${before.sha}`,
      `GET ${REPO_PATH}/collaborators/hong-gildong/permission`,
      `GET ${REPO_PATH}/git/blobs/${after.shaOf('study/week1/hgd.md')}`,
      `POST ${REPO_PATH}/check-runs`,
    ]);
    expect(created.conclusion).toBe('failure');
    expect(created.output.summary).toContain(`git checkout ${before.sha} -- study/week1/kcs.md`);
  });

  it('check_run.rerequested for another app’s check or name is ignored', async () => {
    await app.probot.receive({ id: 'r-2', name: 'check_run', payload: checkRunRerequestedPayload({ after: sha('x'), name: 'randscape', externalId: '' }) } as never);
    await app.probot.receive({
      id: 'r-3',
      name: 'check_run',
      payload: checkRunRerequestedPayload({ after: sha('x'), name: 'study-bot / 제출물 검사', externalId: '', appId: 2 }),
    } as never);
    expect(await app.settle()).toEqual([]);
    expect(gh.requests).toEqual([]);
  });

  it('check_suite.rerequested: finds our earlier run for the pusher, then checks again', async () => {
    const after = before.with(sha('suite'), { set: [{ path: 'study/week1/hgd.md', content: FAILING_HGD }] });
    serveCheckRunsForRef(gh.scope, after.sha, [{ id: 3, name: 'study-bot / 제출물 검사', external_id: `push:${before.sha}:hong-gildong` }]);
    serveCommit(gh.scope, after, [CONFIG_PATH, 'study/week1/hgd.md']);
    serveCommit(gh.scope, before);
    let created: Body = {};
    acceptCheckRun(gh.scope, 6, (b) => (created = b));

    await app.probot.receive({ id: 'suite-1', name: 'check_suite', payload: checkSuiteRerequestedPayload({ before: before.sha, after: after.sha }) } as never);
    expect(await app.settle()).toEqual([]);

    expect(lines(gh.requests)[0]).toBe(`GET ${REPO_PATH}/commits/${after.sha}/check-runs`);
    expect(created.external_id).toBe(`push:${before.sha}:hong-gildong`);
    expect(created.conclusion).toBe('failure');
  });

  it('check_suite.rerequested on another branch is ignored', async () => {
    await app.probot.receive({ id: 'suite-2', name: 'check_suite', payload: checkSuiteRerequestedPayload({ before: before.sha, after: sha('f'), branch: 'feature' }) } as never);
    expect(await app.settle()).toEqual([]);
    expect(gh.requests).toEqual([]);
  });
});

describe('failures after the check run exists', () => {
  it('an annotation update failing turns the run into a bot failure instead of leaving it half done', async () => {
    const many = FAILING_HGD + '\n## 학습 내용\n\n' + Array.from({ length: 60 }, () => '[실행 결과 스크린샷]\n').join('\n');
    const after = before.with(sha('half'), { set: [{ path: 'study/week1/hgd.md', content: many }] });
    serveCommit(gh.scope, after, [CONFIG_PATH, 'study/week1/hgd.md']);
    acceptCheckRun(gh.scope, 8);
    gh.scope.patch(`${REPO_PATH}/check-runs/8`).reply(500, { message: 'Server Error' });
    let completed: Body = {};
    acceptCheckRunUpdate(gh.scope, 8, (b) => (completed = b));

    await app.probot.receive({
      id: 'half-1',
      name: 'push',
      payload: pushPayload({ before: before.sha, after: after.sha, commits: [{ modified: ['study/week1/hgd.md'] }] }),
    } as never);
    const errors = await app.settle();

    expect(errors).toHaveLength(1);
    expect(completed).toMatchObject({ status: 'completed', conclusion: 'failure', output: { title: 'study-bot 오류: 검사를 마치지 못했습니다' } });
  });
});
