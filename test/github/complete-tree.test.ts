import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { afterEach, describe, expect, it } from 'vitest';
import { GitObjectCache } from '../../src/github/git-cache.js';
import { createHash } from 'node:crypto';
import { completeTree, coversPath, readTree, WALK_ENTRY_BUDGET, WALK_REQUEST_BUDGET } from '../../src/github/push-git.js';
import { FakeCommit, REPO_PATH } from '../helpers/push-github.js';

const octokit = () => new ProbotOctokit({ auth: { token: 'ghs_test' }, retry: { enabled: false }, throttle: { enabled: false } } as any);
const ref = { owner: 'Codertocat', repo: 'Hello-World' };
const API = 'https://api.github.com';

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

const repo = () =>
  new FakeCommit('c'.repeat(40), [
    { path: 'README.md', content: '# r\n' },
    { path: 'study/week1/hgd.md', content: '# Week 1 - hgd\n' },
    { path: 'study/week2/hgd.md', content: '# Week 2 - hgd\n' },
    ...Array.from({ length: 30 }, (_, i) => ({ path: `vendor/f${i}.c`, content: `${i}` })),
  ]);

describe('completeTree', () => {
  it('a whole listing costs nothing more', async () => {
    const commit = repo();
    nock(API).get(`${REPO_PATH}/git/trees/${commit.sha}`).query({ recursive: '1' }).reply(200, commit.treeResponse());
    const tree = await readTree(octokit(), ref, commit.sha);
    expect(await completeTree(octokit(), ref, tree, () => true)).toBe(tree);
  });

  it('walks a folder level by level when even its own recursive listing is cut', async () => {
    const commit = repo();
    const cut = { ...commit.folderResponse('study', true), tree: [], truncated: true };
    nock(API)
      .get(`${REPO_PATH}/git/trees/${commit.sha}`).query({ recursive: '1' }).reply(200, commit.truncatedTreeResponse(3))
      .get(`${REPO_PATH}/git/trees/${commit.sha}`).reply(200, commit.folderResponse('', false))
      .get(`${REPO_PATH}/git/trees/${commit.folderSha('study')}`).query({ recursive: '1' }).reply(200, cut)
      .get(`${REPO_PATH}/git/trees/${commit.folderSha('study')}`).reply(200, commit.folderResponse('study', false))
      .get(`${REPO_PATH}/git/trees/${commit.folderSha('study/week1')}`).reply(200, commit.folderResponse('study/week1', false))
      .get(`${REPO_PATH}/git/trees/${commit.folderSha('study/week2')}`).reply(200, commit.folderResponse('study/week2', false));
    const tree = await completeTree(octokit(), ref, await readTree(octokit(), ref, commit.sha), (f) => f === 'study');
    expect(tree.entries.get('study/week2/hgd.md')?.sha).toBe(commit.shaOf('study/week2/hgd.md'));
    expect(coversPath(tree, 'study/week1/x.md')).toBe(true);
    expect(coversPath(tree, 'README.md')).toBe(true);
    expect(coversPath(tree, 'vendor/f29.c')).toBe(false);
  });

  it('many folders that look like week folders cannot make it spend more than its budget', async () => {
    const commit = new FakeCommit('d'.repeat(40), Array.from({ length: WALK_REQUEST_BUDGET + 50 }, (_, i) => ({ path: `week${i}/x.md`, content: `${i}` })));
    const scope = nock(API)
      .get(`${REPO_PATH}/git/trees/${commit.sha}`).query({ recursive: '1' }).reply(200, commit.truncatedTreeResponse(3))
      .get(`${REPO_PATH}/git/trees/${commit.sha}`).reply(200, () => root);
    let folderReads = 0;
    // each folder's listing, made once (the fake computes them slowly)
    const root = commit.folderResponse('', false) as { tree: { path: string; sha: string }[] };
    const listing = new Map(root.tree.map((e) => [e.sha, { sha: e.sha, tree: [{ path: 'x.md', mode: '100644', type: 'blob', sha: commit.shaOf(`${e.path}/x.md`), size: 2 }], truncated: false }]));
    scope.get(/\/git\/trees\/[0-9a-f]{40}$/).query({ recursive: '1' }).times(WALK_REQUEST_BUDGET + 50).optionally().reply(200, (uri) => {
      folderReads++;
      return listing.get(/trees\/([0-9a-f]{40})/.exec(uri)![1]!)!;
    });
    await completeTree(octokit(), ref, await readTree(octokit(), ref, commit.sha), () => true);
    expect(folderReads).toBeLessThanOrEqual(WALK_REQUEST_BUDGET);
    nock.cleanAll();
  });
});

describe('GitObjectCache', () => {
  it('two readers of one push share one request, a failed read is tried again', async () => {
    const cache = new GitObjectCache();
    let reads = 0;
    const read = async () => {
      reads++;
      return { sha: 't', entries: new Map(), truncated: false };
    };
    const [a, b] = await Promise.all([cache.tree(ref, 'a'.repeat(40), read), cache.tree(ref, 'a'.repeat(40), read)]);
    expect(a).toBe(b);
    expect(reads).toBe(1);
    await expect(cache.tree(ref, 'b'.repeat(40), async () => Promise.reject(new Error('502')))).rejects.toThrow('502');
    await cache.tree(ref, 'b'.repeat(40), read);
    expect(reads).toBe(2);
    // another repository never gets this one's objects
    await cache.tree({ owner: 'x', repo: 'y' }, 'a'.repeat(40), read);
    expect(reads).toBe(3);
  });
});

/**
 * Git lets many folders name one tree (attack review 20): study/a000 … study/a189 naming one tree
 * of 5,000 files were 950,000 paths to a walk bounded only in requests. A listing of the top level
 * and of study/ (its recursive listing cut), in GitHub's git-tree shape; `trees` answers the rest.
 */
describe('completeTree over folders that name one tree, or many', () => {
  const sha = (text: string) => createHash('sha1').update(text).digest('hex');
  const TOP = sha('top');
  const STUDY = sha('study');
  const blob = (path: string) => ({ path, mode: '100644', type: 'blob', sha: sha(`blob ${path}`), size: 4 });
  const sub = (path: string, treeSha: string) => ({ path, mode: '040000', type: 'tree', sha: treeSha });
  /** the walk over `folders` (name → tree sha) under study/, each tree of `files` files; the requests per tree sha */
  async function walkOver(folders: [string, string][], files: number) {
    const requests = new Map<string, number>();
    const listing = (treeSha: string) => ({ sha: treeSha, tree: Array.from({ length: files }, (_, i) => blob(`f${String(i).padStart(5, '0')}.md`)), truncated: false });
    const trees = new Set(folders.map(([, t]) => t));
    nock(API)
      .get(`${REPO_PATH}/git/trees/${TOP}`).query({ recursive: '1' }).reply(200, { sha: TOP, tree: [blob('README.md')], truncated: true })
      .get(`${REPO_PATH}/git/trees/${TOP}`).reply(200, { sha: TOP, tree: [blob('README.md'), sub('study', STUDY)], truncated: false })
      .get(`${REPO_PATH}/git/trees/${STUDY}`).query({ recursive: '1' }).reply(200, { sha: STUDY, tree: [], truncated: true })
      .get(`${REPO_PATH}/git/trees/${STUDY}`).reply(200, { sha: STUDY, tree: [...folders.map(([name, t]) => sub(name, t)), sub('week1', sha('week1'))], truncated: false })
      .get(`${REPO_PATH}/git/trees/${sha('week1')}`).optionally().reply(200, { sha: sha('week1'), tree: [blob('김철수.md')], truncated: false })
      .get(/\/git\/trees\/[0-9a-f]{40}$/).times(folders.length).optionally().reply(200, (uri) => {
        const treeSha = /trees\/([0-9a-f]{40})/.exec(uri)![1]!;
        expect(trees.has(treeSha)).toBe(true);
        requests.set(treeSha, (requests.get(treeSha) ?? 0) + 1);
        return listing(treeSha);
      });
    const tree = await completeTree(octokit(), ref, await readTree(octokit(), ref, TOP), (f) => f === 'study');
    nock.cleanAll();
    return { tree, requests };
  }
  const named = (n: number, treeOf: (i: number) => string): [string, string][] => Array.from({ length: n }, (_, i) => [`a${String(i).padStart(3, '0')}`, treeOf(i)]);

  it('lists a tree three folders share once, and every folder\'s files under its own path', async () => {
    const { tree, requests } = await walkOver(named(3, () => sha('shared')), 10);
    expect([...requests.values()]).toEqual([1]);
    expect(tree.cut).toBeUndefined();
    expect(coversPath(tree, 'study/a002/f00009.md')).toBe(true);
    for (const folder of ['a000', 'a001', 'a002']) expect(tree.entries.get(`study/${folder}/f00009.md`)?.sha).toBe(sha('blob f00009.md'));
    expect(tree.entries.has('study/week1/김철수.md')).toBe(true);
  });

  it('190 folders naming one tree of 5,000 files: read once, at most WALK_ENTRY_BUDGET entries kept, study/ said to be cut', async () => {
    const { tree, requests } = await walkOver(named(190, () => sha('shared')), 5_000);
    expect([...requests.values()]).toEqual([1]);
    expect(tree.entries.size).toBeLessThanOrEqual(1 + WALK_ENTRY_BUDGET);
    expect(tree.cut).toEqual(['study']);
    expect(coversPath(tree, 'study/week1/김철수.md')).toBe(false);
  });

  it('190 folders of distinct trees of 5,000 files (no sha to share): the entry budget stops the walk after a few requests', async () => {
    const { tree, requests } = await walkOver(named(190, (i) => sha(`tree ${i}`)), 5_000);
    expect([...requests.values()].every((n) => n === 1)).toBe(true);
    expect(requests.size).toBeLessThanOrEqual(WALK_ENTRY_BUDGET / 5_000 + 1);
    expect(tree.entries.size).toBeLessThanOrEqual(1 + WALK_ENTRY_BUDGET);
    expect(tree.cut).toEqual(['study']);
  });
});
