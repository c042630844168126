import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { CollectedProject } from '../../src/project/collect-sources.js';
import { collectProject } from '../../src/project/collect-sources.js';
import { diskProjectFiles } from '../../src/project/disk-files.js';
import { projectReport } from '../../src/project/verify-project.js';
import type { ProjectVmRun } from '../../src/runner/vm/verify-in-vm.js';
import type { ProjectVerifier } from '../../src/verify/drivers/types.js';
import { openapiExample } from '../helpers/github-examples.js';
import { createTestProbot, mockInstallationToken } from '../helpers/probot-app.js';
import { fakeVerifier } from '../helpers/verify-fake-verifier.js';
import { API, HEAD_SHA, STUDY, issueCommentEvent, mockAck, mockCheckRun, mockCommentUpdate, mockConfig, sent, studyYaml } from '../helpers/verify-github.js';

/**
 * `/verify week5` on a week that takes the note or the project (the curriculum's default for
 * weeks 4-7): no note there, so the member's project folder is read through the git trees
 * and blob APIs (never the contents API) and handed to the project verifier, here one that
 * answers with the guest's answers recorded from a real 6.1 VM run (verdicts/broken.json).
 */
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

const FIXTURES = 'test/fixtures/project';
const recorded = JSON.parse(readFileSync(`${FIXTURES}/verdicts/broken.json`, 'utf8')) as { runs: ProjectVmRun[] };
const gitSha = (text: string) => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0${text}`).digest('hex');

const FILES: Record<string, string> = {
  'project/홍길동/null-check.bpf.c': readFileSync(`${FIXTURES}/broken/null-check.bpf.c`, 'utf8'),
  'project/홍길동/loop.bpf.c': readFileSync(`${FIXTURES}/broken/loop.bpf.c`, 'utf8'),
  'project/홍길동/README.md': '# my project\n',
  'project/김철수/other.bpf.c': 'not theirs',
};

describe('/verify on a project week', () => {
  it('runs the project when the week takes either and there is no note, reading only the blobs it needs', async () => {
    const calls: { root: string; sources: string[] }[] = [];
    const projectVerifier: ProjectVerifier = async (root: string, collected: CollectedProject) => {
      calls.push({ root, sources: collected.payload?.sources.map((s) => s.path) ?? [] });
      // The recorded verdicts of the same programs, in the folder the app found.
      const disk = collectProject('broken', diskProjectFiles(FIXTURES, `${FIXTURES}/broken`));
      return { ...projectReport('broken', disk, disk.payload!, recorded.runs, 1), root };
    };
    const { probot, settle } = await createTestProbot({ verifier: fakeVerifier(), projectVerifier });
    const s = sent();
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockAck(scope, s, 'issue');
    scope.get(`/repos/${STUDY.owner}/${STUDY.repo}`).reply(200, { ...openapiExample<any>('full-repository'), default_branch: 'main' });
    scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/ref/heads%2Fmain`).reply(200, { ...openapiExample<any>('git-ref'), ref: 'refs/heads/main' });
    // No week-5 note: the folder is not there.
    scope.get(/\/contents\/study(?:\/|%2F)week5/).query(true).reply(404, { message: 'Not Found' });
    const tree = Object.entries(FILES).map(([path, text]) => ({ path, mode: '100644', type: 'blob', sha: gitSha(text), size: Buffer.byteLength(text), url: '' }));
    scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/trees/${HEAD_SHA}`).query({ recursive: '1' }).reply(200, { sha: HEAD_SHA, url: '', tree, truncated: false });
    const blobs: string[] = [];
    for (const path of ['project/홍길동/null-check.bpf.c', 'project/홍길동/loop.bpf.c']) {
      scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/blobs/${gitSha(FILES[path]!)}`).reply(200, () => {
        blobs.push(path);
        return { ...openapiExample<any>('blob'), content: Buffer.from(FILES[path]!).toString('base64'), encoding: 'base64', size: Buffer.byteLength(FILES[path]!) };
      });
    }
    mockCheckRun(scope, s, 4, 1);
    mockCommentUpdate(scope, s, 'issue');

    await probot.receive(issueCommentEvent('/verify week5'));
    await settle();

    expect(calls).toEqual([{ root: 'project/홍길동', sources: ['loop.bpf.c', 'null-check.bpf.c'] }]);
    expect(blobs.sort()).toEqual(['project/홍길동/loop.bpf.c', 'project/홍길동/null-check.bpf.c']);
    expect(s.checkCreates[0]).toMatchObject({ head_sha: HEAD_SHA, name: 'study-bot / project 검증 (@Codertocat)', status: 'in_progress' });
    const reply = s.commentUpdates.at(-1)!;
    expect(reply).toContain('노트 대신 프로젝트를 검증했습니다');
    expect(reply).toMatch(/null-check\.bpf\.c:23\][^\n]*❌ 검증기 거부[^\n]*\(null-check\)/);
    expect(reply).toContain('kernel `6.1.0-50-cloud-amd64`');
    expect(s.checkUpdates.at(-1)).toMatchObject({ status: 'completed', conclusion: 'failure' });
  });
});
