/**
 * listFolder: one member's project folder by its exact path, for when the repository's
 * listing came back cut (attack review 15). The contents API names the folder's entries
 * (GitHub's own entry shapes from its OpenAPI description: a file, a folder, a submodule
 * listed as a "file"); each sub-folder is one recursive tree request.
 */
import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyStudyRepository } from '../../src/github/verify-study-repository.js';
import { openapiExample } from '../helpers/github-examples.js';
import { API, FakeCommit, OWNER, REPO, REPO_PATH, blobSha } from '../helpers/push-github.js';

const octokit = () => new ProbotOctokit({ auth: { token: 'ghs_test' }, retry: { enabled: false }, throttle: { enabled: false } } as any);
const study = () => verifyStudyRepository(octokit(), { owner: OWNER, repo: REPO });
const HEAD = 'c'.repeat(40);
const FOLDER = 'project/김철수';

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

const [fileShape, dirShape] = openapiExample<any[]>('content-file-response-if-content-is-a-directory');
const submoduleShape = openapiExample<any>('content-file-response-if-content-is-a-submodule');
const file = (name: string, text: string) => ({ ...fileShape, name, path: `${FOLDER}/${name}`, sha: blobSha(text), size: Buffer.byteLength(text) });
const contentsPath = (folder: string) => `${REPO_PATH}/contents/${encodeURIComponent(folder)}`;

describe('listFolder', () => {
  it('lists the files, reads each sub-folder whole, and leaves out a submodule GitHub lists as a "file"', async () => {
    const sub = new FakeCommit(HEAD, [
      { path: `${FOLDER}/src/probe.bpf.c`, content: 'SEC("tp/x") int f(void *c) { return 0; }\n' },
      { path: `${FOLDER}/src/include/vmlinux.h`, content: '/* h */\n' },
    ]);
    const submodule = { ...submoduleShape, type: 'file', name: 'libbpf', path: `${FOLDER}/libbpf` };
    nock(API)
      .get(contentsPath(FOLDER)).query({ ref: HEAD })
      .reply(200, [file('README.md', '# 프로젝트\n'), { ...dirShape, name: 'src', path: `${FOLDER}/src`, sha: sub.folderSha(`${FOLDER}/src`) }, submodule])
      .get(`${REPO_PATH}/git/trees/${sub.folderSha(`${FOLDER}/src`)}`).query({ recursive: '1' })
      .reply(200, sub.folderResponse(`${FOLDER}/src`, true));
    const listed = await study().listFolder(HEAD, FOLDER);
    expect(listed?.complete).toBe(true);
    expect(listed?.files.map((f) => f.path).sort()).toEqual([`${FOLDER}/README.md`, `${FOLDER}/src/include/vmlinux.h`, `${FOLDER}/src/probe.bpf.c`]);
    expect(listed?.files.find((f) => f.path.endsWith('probe.bpf.c'))?.sha).toBe(blobSha('SEC("tp/x") int f(void *c) { return 0; }\n'));
  });

  it('says it is not complete when the folder has GitHub\'s 1,000 entries (the contents API stops there)', async () => {
    nock(API).get(contentsPath(FOLDER)).query({ ref: HEAD }).reply(200, Array.from({ length: 1000 }, (_, i) => file(`f${i}.c`, `${i}`)));
    const listed = await study().listFolder(HEAD, FOLDER);
    expect(listed?.files).toHaveLength(1000);
    expect(listed?.complete).toBe(false);
  });

  it('answers null for a folder that is not there, and for a file at that path', async () => {
    nock(API)
      .get(contentsPath(FOLDER)).query({ ref: HEAD }).reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/contents#get-repository-content', status: '404' })
      .get(contentsPath('project/hgd')).query({ ref: HEAD }).reply(200, openapiExample('content-file-response-if-content-is-a-file'));
    expect(await study().listFolder(HEAD, FOLDER)).toBeNull();
    expect(await study().listFolder(HEAD, 'project/hgd')).toBeNull();
  });
});
