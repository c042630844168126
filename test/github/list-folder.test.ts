/**
 * listFolder: one member's project folder by its exact path, for when the repository's
 * listing came back cut (attack review 15). The contents API names the folder's entries
 * (GitHub's own entry shapes from its OpenAPI description: a file, a folder, a submodule
 * listed as a "file"); each sub-folder is one recursive tree request. Past the contents API's
 * 1,000 entries the folder's own entries come from its git tree, found by exact names level by
 * level (push-git.ts readFolderAt).
 */
import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { afterEach, describe, expect, it } from 'vitest';
import { FOLDER_ENTRY_BUDGET, verifyStudyRepository } from '../../src/github/verify-study-repository.js';
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

  it('past the contents API\'s 1,000 entries, reads the folder\'s own entries from its tree, found level by level by its exact name', async () => {
    // 1,200 files in the member's folder (GitHub's contents listing: the first 1,000 by name) and
    // 300 folders beside it under project/ that are never read.
    const many = Array.from({ length: 1200 }, (_, i) => ({ path: `${FOLDER}/f${String(i).padStart(4, '0')}.c`, content: `${i}` }));
    const junk = Array.from({ length: 300 }, (_, i) => ({ path: `project/a${String(i).padStart(3, '0')}/x.c`, content: `${i}` }));
    const commit = new FakeCommit(HEAD, [...many, ...junk]);
    const fromTree = (folder: string) => `${REPO_PATH}/git/trees/${commit.folderSha(folder)}`;
    const trees: string[] = [];
    nock(API)
      .get(contentsPath(FOLDER)).query({ ref: HEAD })
      .reply(200, many.slice(0, 1000).map((f) => file(f.path.slice(FOLDER.length + 1), f.content)))
      .get(fromTree('')).reply(200, (uri) => (trees.push(uri), commit.folderResponse('', false)))
      .get(fromTree('project')).reply(200, (uri) => (trees.push(uri), commit.folderResponse('project', false)))
      .get(fromTree(FOLDER)).reply(200, (uri) => (trees.push(uri), commit.folderResponse(FOLDER, false)));
    const listed = await study().listFolder(HEAD, FOLDER);
    expect(listed?.complete).toBe(true);
    expect(listed?.files).toHaveLength(1200);
    expect(listed?.files.at(-1)).toEqual({ path: `${FOLDER}/f1199.c`, size: 4, sha: blobSha('1199') });
    // three listings, none recursive, none of a folder beside it
    expect(trees).toHaveLength(3);
  });

  it('says it is not complete when the folder\'s own tree is cut too, or its parent\'s listing is cut before it', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ path: `${FOLDER}/f${String(i).padStart(4, '0')}.c`, content: `${i}` }));
    const commit = new FakeCommit(HEAD, many);
    const fromTree = (folder: string) => `${REPO_PATH}/git/trees/${commit.folderSha(folder)}`;
    const cut = (folder: string, at: number) => {
      const whole = commit.folderResponse(folder, false) as { tree: unknown[] };
      return { ...whole, tree: whole.tree.slice(0, at), truncated: true };
    };
    const contents = many.map((f) => file(f.path.slice(FOLDER.length + 1), f.content));
    nock(API)
      .get(contentsPath(FOLDER)).query({ ref: HEAD }).times(2).reply(200, contents)
      .get(fromTree('')).times(2).reply(200, commit.folderResponse('', false))
      .get(fromTree('project')).reply(200, commit.folderResponse('project', false))
      .get(fromTree(FOLDER)).reply(200, cut(FOLDER, 900))
      .get(fromTree('project')).reply(200, cut('project', 0));
    const ownCut = await study().listFolder(HEAD, FOLDER);
    expect(ownCut?.complete).toBe(false);
    expect(ownCut?.files).toHaveLength(900);
    // the parent's listing stops before the folder: the contents API's 1,000 stay, said to be cut
    const parentCut = await study().listFolder(HEAD, FOLDER);
    expect(parentCut?.complete).toBe(false);
    expect(parentCut?.files).toHaveLength(1000);
  });

  it('answers null for a folder that is not there, and for a file at that path', async () => {
    nock(API)
      .get(contentsPath(FOLDER)).query({ ref: HEAD }).reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/contents#get-repository-content', status: '404' })
      .get(contentsPath('project/hgd')).query({ ref: HEAD }).reply(200, openapiExample('content-file-response-if-content-is-a-file'));
    expect(await study().listFolder(HEAD, FOLDER)).toBeNull();
    expect(await study().listFolder(HEAD, 'project/hgd')).toBeNull();
  });
  // Anyone can push into another member's folder, and git lets many folders name one tree (attack review 20).
  describe('folders naming one tree, or many big ones', () => {
    const dirs = (treeOf: (i: number) => string) => Array.from({ length: 50 }, (_, i) => ({ ...dirShape, name: `d${String(i).padStart(2, '0')}`, path: `${FOLDER}/d${String(i).padStart(2, '0')}`, sha: treeOf(i) }));
    const tree = (sha: string, files: number) => ({ sha, tree: Array.from({ length: files }, (_, i) => ({ path: `f${i}.c`, mode: '100644', type: 'blob', sha: blobSha(`${sha} ${i}`), size: 4 })), truncated: false });
    const own = [file('a.bpf.c', 'SEC("tp/x")\n'), file('b.bpf.c', 'SEC("tp/y")\n')];

    it('reads a tree 50 sub-folders share once, and lists its files under each', async () => {
      const shared = 'e'.repeat(40);
      nock(API)
        .get(contentsPath(FOLDER)).query({ ref: HEAD }).reply(200, [...own, ...dirs(() => shared)])
        .get(`${REPO_PATH}/git/trees/${shared}`).query({ recursive: '1' }).once().reply(200, tree(shared, 3));
      const listed = await study().listFolder(HEAD, FOLDER);
      expect(listed?.complete).toBe(true);
      expect(listed?.files).toHaveLength(2 + 50 * 3);
      expect(listed?.files.map((f) => f.path)).toContain(`${FOLDER}/d49/f2.c`);
    });

    it(`keeps at most FOLDER_ENTRY_BUDGET (${FOLDER_ENTRY_BUDGET}) entries and says the folder is cut, whether the trees are one shared or 50 distinct`, async () => {
      for (const treeOf of [() => 'e'.repeat(40), (i: number) => i.toString(16).padStart(40, '0')]) {
        let requests = 0;
        nock(API)
          .get(contentsPath(FOLDER)).query({ ref: HEAD }).reply(200, [...own, ...dirs(treeOf)])
          .get(/\/git\/trees\/[0-9a-f]{40}$/).query({ recursive: '1' }).times(50).optionally().reply(200, (uri) => {
            requests++;
            return tree(/trees\/([0-9a-f]{40})/.exec(uri)![1]!, 10_000);
          });
        const listed = await study().listFolder(HEAD, FOLDER);
        nock.cleanAll();
        expect(listed?.complete).toBe(false);
        expect(listed!.files.length).toBeLessThanOrEqual(FOLDER_ENTRY_BUDGET);
        // the member's own files first, whatever was pushed beside them
        expect(listed!.files.slice(0, 2).map((f) => f.path)).toEqual([`${FOLDER}/a.bpf.c`, `${FOLDER}/b.bpf.c`]);
        expect(requests).toBe(1);
      }
    });
  });
});
