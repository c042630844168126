/**
 * Attack review 20 (open, HIGH; around c6a71ef/aa39c3d/edc73d0): completeTree's walk is bounded in
 * requests (WALK_REQUEST_BUDGET, 200), never in entries, and git shares trees: one tree of N files
 * named under project/ by 190 folders (project/a000 … project/a189, all the same tree sha; the push
 * carries that tree once, a couple of MB) is 190 × N paths to GitHub's listings. The repository's
 * recursive listing and project/'s are cut (too many entries), so readProject's listFiles walks
 * project/ level by level: 192 requests, each folder's listing the same N entries (a non-recursive
 * listing, under GitHub's 7 MB), and every one is kept: in completeTree's Map, then in listFiles'
 * array, then the synchronous `listing.files.map(f => f.path)`, `new Map(listing.files.map(...))`
 * (read-project.ts) and the loops of fetchProjectFiles, on the event loop, for every member's
 * `/verify project` (and every project-week `/verify weekN`), by anyone, for as long as the folders
 * are on main.
 *
 * What the attacker does: hong-gildong (any member) pushes the 190 folders once. Then any
 * `/verify project` holds the one event loop for the longest turn below, and its heap grows with
 * 190 × N. Measured here (load 8.4, 2 cores shared) at N = 5,000 (950,000 paths, 209 MB of
 * listings): longest turn 1,210 ms of main-thread CPU, heap +959 MB at its peak, the request 60 s;
 * the member's own two programs still reached the verifier. At N = 30,000 (6.6 MB a listing with
 * GitHub's url fields, still listed whole) that is 5.7 million paths, ~1.25 GB downloaded per
 * request and ~6 GB of heap at ~1 KB a path: past node's default heap here (4.3 GB), the process
 * dies (every running /verify with it), and the next /verify project does it again (not run: it
 * would take the shared machine down with it).
 *
 * Severity HIGH (a member freezes the bot for everyone, or crashes it, with one push).
 * Fix idea: bound the walk by entries as well as requests (stop at GitHub's own 100,000, say the
 * listing is cut: withOwnFolders then reads the member's folder by its path), and never keep
 * entries outside the folders asked for; the loops over a listing in turns.
 *
 * The repro: the whole app (createTestProbot) with GitHub by nock in its own shapes (git-tree
 * entries with their url), as verify-project-tree-stall.test.ts; the longest turn counted in
 * main-thread CPU (test/helpers/main-thread-cpu.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { CollectedProject } from '../../src/project/collect-sources.js';
import type { ProjectVerifier } from '../../src/verify/drivers/types.js';
import { openapiExample } from '../helpers/github-examples.js';
import { longestTurn } from '../helpers/main-thread-cpu.js';
import { createTestProbot, mockInstallationToken } from '../helpers/probot-app.js';
import { fakeVerifier } from '../helpers/verify-fake-verifier.js';
import { API, HEAD_SHA, STUDY, issueCommentEvent, mockAck, mockCheckRun, mockCommentUpdate, mockConfig, sent, studyYaml } from '../helpers/verify-github.js';

afterEach(() => {
  nock.cleanAll();
});

const FIXTURES = 'test/fixtures/project';
const gitSha = (text: string) => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0${text}`).digest('hex');
const treeSha = (text: string) => createHash('sha1').update(`tree ${text}`).digest('hex');
/** folders of hong-gildong's naming the one shared tree (the walk's 200 requests cover them all) */
const FOLDERS = 190;
/** files in the shared tree */
const N = Number(process.env.ATTACK_SHARED_TREE_FILES ?? 5_000);

const FILES: Record<string, string> = {
  'null-check.bpf.c': readFileSync(`${FIXTURES}/broken/null-check.bpf.c`, 'utf8'),
  'loop.bpf.c': readFileSync(`${FIXTURES}/broken/loop.bpf.c`, 'utf8'),
};

describe('attack review 20: /verify project over one tree shared by 190 folders', () => {
  it(`HIGH: hong-gildong's 190 folders naming one tree of ${N} files make Codertocat's /verify project hold the event loop (and the heap grows with every copy)`, async () => {
    const calls: string[][] = [];
    const projectVerifier: ProjectVerifier = async (root: string, collected: CollectedProject) => {
      calls.push(collected.payload?.sources.map((s) => s.path) ?? []);
      throw new Error(`stand-in VM: not run (${root})`);
    };
    const { probot, settle } = await createTestProbot({ verifier: fakeVerifier(), projectVerifier });
    const s = sent();
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockAck(scope, s, 'issue');
    scope.get(`/repos/${STUDY.owner}/${STUDY.repo}`).reply(200, { ...openapiExample<any>('full-repository'), default_branch: 'main' });
    scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/ref/heads%2Fmain`).reply(200, { ...openapiExample<any>('git-ref'), ref: 'refs/heads/main' });
    const base = `/repos/${STUDY.owner}/${STUDY.repo}/git/trees`;
    const blobUrl = (sha: string) => `${API}/repos/${STUDY.owner}/${STUDY.repo}/git/blobs/${sha}`;
    const treeUrl = (sha: string) => `${API}${base}/${sha}`;
    const blob = (path: string, text: string) => ({ path, mode: '100644', type: 'blob', sha: gitSha(text), size: Buffer.byteLength(text), url: blobUrl(gitSha(text)) });
    const sub = (path: string, sha: string) => ({ path, mode: '040000', type: 'tree', sha, url: treeUrl(sha) });
    const SHARED = treeSha('shared');
    const PROJECT = treeSha('project');
    const OWN = treeSha('own');
    const shared = Array.from({ length: N }, (_, i) => blob(`f${String(i).padStart(5, '0')}.c`, `int x${i};\n`));
    const sharedBody = JSON.stringify({ sha: SHARED, url: treeUrl(SHARED), tree: shared, truncated: false });
    expect(sharedBody.length).toBeLessThan(7 * 1024 * 1024);
    const readme = blob('README.md', '# eBPF 스터디\n');
    // the repository's recursive listing and project/'s: cut (190 x N entries)
    scope.get(`${base}/${HEAD_SHA}`).query({ recursive: '1' }).reply(200, { sha: HEAD_SHA, url: treeUrl(HEAD_SHA), tree: [readme], truncated: true });
    scope.get(`${base}/${HEAD_SHA}`).reply(200, { sha: HEAD_SHA, url: treeUrl(HEAD_SHA), tree: [readme, sub('project', PROJECT)], truncated: false });
    scope.get(`${base}/${PROJECT}`).query({ recursive: '1' }).reply(200, { sha: PROJECT, url: treeUrl(PROJECT), tree: [], truncated: true });
    const folders = Array.from({ length: FOLDERS }, (_, i) => sub(`a${String(i).padStart(3, '0')}`, SHARED));
    scope.get(`${base}/${PROJECT}`).reply(200, { sha: PROJECT, url: treeUrl(PROJECT), tree: [...folders, sub('홍길동', OWN)], truncated: false });
    let downloaded = 0;
    scope.get(`${base}/${SHARED}`).times(FOLDERS).reply(200, () => {
      downloaded += sharedBody.length;
      return sharedBody;
    }, { 'content-type': 'application/json; charset=utf-8' });
    scope.get(`${base}/${OWN}`).reply(200, { sha: OWN, url: treeUrl(OWN), tree: Object.entries(FILES).map(([p, t]) => blob(p, t)), truncated: false });
    // After a fix that stops the walk early, the member's folder is read by its path (withOwnFolders)
    const fileEntry = openapiExample<any>('content-file-response-if-content-is-a-directory')[0];
    const ownEntries = Object.entries(FILES).map(([name, text]) => ({
      ...fileEntry,
      type: 'file',
      name,
      path: `project/홍길동/${name}`,
      sha: gitSha(text),
      size: Buffer.byteLength(text),
      download_url: `https://raw.githubusercontent.com/${STUDY.owner}/${STUDY.repo}/main/project/${encodeURIComponent('홍길동')}/${name}`,
    }));
    scope
      .get(/\/contents\/project(?:\/|%2F)[^?]*/)
      .query(true)
      .times(6)
      .optionally()
      .reply((uri) => {
        const path = decodeURIComponent(uri.slice(uri.indexOf('/contents/') + '/contents/'.length).split('?')[0]!);
        return path === 'project/홍길동' ? [200, ownEntries] : [404, { message: 'Not Found' }];
      });
    for (const text of Object.values(FILES)) {
      scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/blobs/${gitSha(text)}`).optionally().reply(200, () => ({ ...openapiExample<any>('blob'), content: Buffer.from(text).toString('base64'), encoding: 'base64', size: Buffer.byteLength(text) }));
    }
    mockCheckRun(scope, s, 4, 1);
    mockCommentUpdate(scope, s, 'issue');

    let peakHeap = 0;
    const heapBefore = process.memoryUsage().heapUsed;
    const heap = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 20);
    const { turn } = await longestTurn(async () => {
      await probot.receive(issueCommentEvent('/verify project'));
      await settle().catch(() => undefined);
    }).finally(() => clearInterval(heap));
    const answer = [...s.replies, ...s.commentUpdates].at(-1) ?? '';
    console.log(
      `/verify project over ${FOLDERS} folders x ${N} files (${FOLDERS * N} paths, ${Math.round(downloaded / 1e6)} MB of listings): longest turn ${turn.cpuMs} ms of main-thread CPU (${turn.measuredCpu ? 'CPU' : 'wall'}), ${Math.round(turn.wallMs)} ms wall; heap +${Math.round((peakHeap - heapBefore) / 1e6)} MB at its peak; sources reaching the verifier: ${JSON.stringify(calls)}; answer: ${answer.replace(/<!--[^]*?-->/g, '').replace(/\n+/g, ' ').slice(0, 200)}`,
    );
    // the member's own folder is what is verified
    expect(calls).toEqual([['loop.bpf.c', 'null-check.bpf.c']]);
    // and the request never holds every webhook for long, nor keeps what it does not read
    expect(turn.cpuMs).toBeLessThan(500);
    expect(peakHeap - heapBefore).toBeLessThan(200e6);
  }, 300_000);
});
