/**
 * Attack review 20 (open, HIGH; around aa39c3d/edc73d0): when GitHub's listing is cut, /verify
 * project reads the member's own folder by its path (read-project.ts withOwnFolders →
 * verify-study-repository.ts listFolder): the contents API's entries, then ONE RECURSIVE TREE PER
 * SUB-FOLDER, up to 50 of them, each kept whole (GitHub lists up to 100,000 entries in a recursive
 * tree; `truncated` only clears `complete`). Nothing bounds the entries, and git shares trees:
 * kim-cs (any member: everyone pushes to main) adds 50 folders d00 … d49 to Codertocat's
 * project/홍길동/, all naming one tree of N files (one push of a few MB), with the repository's
 * listing cut (one more shared tree, as in verify-project-shared-subtree.test.ts, or review 15's
 * 40,000 folders).
 *
 * What happens, measured here at N = 10,000 (load 8.7-9.5, 2 shared cores): Codertocat's own
 * /verify project downloads 111 MB of listings, the heap grows by ~450 MB, and then
 * withOwnFolders' `found.push(...listed.files)` spreads 500,000 arguments: "Maximum call stack
 * size exceeded", and the member reads "봇 내부 오류로 검증하지 못했습니다. 잠시 뒤 다시 시도해
 * 주세요" on every request while the folders are there; his two programs never reach the
 * verifier. At N = 100,000 (GitHub's recursive bound) the 5 million paths are ~4.5 GB at the
 * measured rate, past node's heap here (4.3 GB): the process dies with every running /verify
 * (not run: it would take the shared machine down with it).
 *
 * Severity HIGH (a member blocks another member's /verify project for good, and can crash the
 * bot through it).
 * Fix idea: listFolder stops at MAX_LISTED_FILES entries (not only at 50 requests) and says the
 * folder was cut; no spread of a listing into call arguments; filter and sort a listing in turns.
 *
 * The repro: the whole app (createTestProbot) with GitHub by nock in its own shapes (contents
 * entries and git-tree entries with their url); longest turn in main-thread CPU.
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
/** sub-folders listFolder reads with one recursive tree each */
const FOLDERS = 50;
const N = Number(process.env.ATTACK_OWN_FOLDER_FILES ?? 10_000);
const OWN = 'project/홍길동';

const FILES: Record<string, string> = {
  'null-check.bpf.c': readFileSync(`${FIXTURES}/broken/null-check.bpf.c`, 'utf8'),
  'loop.bpf.c': readFileSync(`${FIXTURES}/broken/loop.bpf.c`, 'utf8'),
};

describe('attack review 20: /verify project reads the member\'s own folder whole when the listing is cut', () => {
  // distinct: the half fix's test (each folder its own tree, no sha to share: only a budget in entries bounds the reads)
  it.each([
    { distinct: false, what: `naming one tree of ${N} files` },
    { distinct: true, what: `each naming its own tree of ${N} files` },
  ])(`HIGH: kim-cs's ${FOLDERS} folders in Codertocat's project/홍길동/, $what, still let Codertocat's /verify project verify his two programs, within a bounded heap`, async ({ distinct }) => {
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
    const PROJECT = treeSha('project');
    const SHARED = treeSha('shared');
    const readme = blob('README.md', '# eBPF 스터디\n');
    // the listings are cut: the repository's, project/'s recursive one, and project/'s own level
    scope.get(`${base}/${HEAD_SHA}`).query({ recursive: '1' }).reply(200, { sha: HEAD_SHA, url: treeUrl(HEAD_SHA), tree: [readme], truncated: true });
    scope.get(`${base}/${HEAD_SHA}`).reply(200, { sha: HEAD_SHA, url: treeUrl(HEAD_SHA), tree: [readme, sub('project', PROJECT)], truncated: false });
    // (GitHub's cut listings: the first entries, here one of hong-gildong's folders sorting first)
    scope.get(`${base}/${PROJECT}`).query({ recursive: '1' }).reply(200, { sha: PROJECT, url: treeUrl(PROJECT), tree: [blob('a000/x.c', 'int a;\n')], truncated: true });
    scope.get(`${base}/${PROJECT}`).reply(200, { sha: PROJECT, url: treeUrl(PROJECT), tree: [sub('a000', treeSha('a000'))], truncated: true });
    // the member's folder by its path (contents API): his two programs and hong-gildong's 50 folders
    const fileEntry = openapiExample<any>('content-file-response-if-content-is-a-directory')[0];
    const contentsEntry = (name: string, type: 'file' | 'dir', sha: string, size: number) => ({
      ...fileEntry,
      type,
      name,
      path: `${OWN}/${name}`,
      sha,
      size,
      download_url: type === 'file' ? `https://raw.githubusercontent.com/${STUDY.owner}/${STUDY.repo}/main/${OWN}/${name}` : null,
    });
    const own = [
      ...Object.entries(FILES).map(([name, text]) => contentsEntry(name, 'file', gitSha(text), Buffer.byteLength(text))),
      ...Array.from({ length: FOLDERS }, (_, i) => contentsEntry(`d${String(i).padStart(2, '0')}`, 'dir', distinct ? treeSha(`shared ${i}`) : SHARED, 0)),
    ];
    scope
      .get(/\/contents\/project(?:\/|%2F)[^?]*/)
      .query(true)
      .times(6)
      .reply((uri) => {
        const path = decodeURIComponent(uri.slice(uri.indexOf('/contents/') + '/contents/'.length).split('?')[0]!);
        return path === OWN ? [200, own] : [404, { message: 'Not Found' }];
      });
    const shared = Array.from({ length: N }, (_, i) => blob(`f${String(i).padStart(6, '0')}.c`, `int x${i};\n`));
    const bodyOf = (sha: string) => JSON.stringify({ sha, url: treeUrl(sha), tree: shared, truncated: false });
    expect(bodyOf(SHARED).length).toBeLessThan(7 * 1024 * 1024);
    let downloaded = 0;
    let requests = 0;
    scope.get(/\/git\/trees\/[0-9a-f]{40}$/).query({ recursive: '1' }).times(FOLDERS).optionally().reply(200, (uri) => {
      const body = bodyOf(/trees\/([0-9a-f]{40})/.exec(uri.split('?')[0]!)![1]!);
      downloaded += body.length;
      requests++;
      return body;
    }, { 'content-type': 'application/json; charset=utf-8' });
    for (const text of Object.values(FILES)) {
      scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/blobs/${gitSha(text)}`).optionally().reply(200, () => ({ ...openapiExample<any>('blob'), content: Buffer.from(text).toString('base64'), encoding: 'base64', size: Buffer.byteLength(text) }));
    }
    scope.get(/\/git\/blobs\//).times(1000).optionally().reply(200, () => ({ ...openapiExample<any>('blob'), content: Buffer.from('int x;\n').toString('base64'), encoding: 'base64', size: 7 }));
    mockCheckRun(scope, s, 4, 1);
    mockCommentUpdate(scope, s, 'issue');

    let peakHeap = 0;
    const heapBefore = process.memoryUsage().heapUsed;
    const heap = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 20);
    const { turn } = await longestTurn(async () => {
      await probot.receive(issueCommentEvent('/verify project'));
      await settle().catch((error: unknown) => console.log(`the run failed: ${String((error as Error)?.stack ?? error).split("\n").slice(0, 2).join(" ")}`));
    }).finally(() => clearInterval(heap));
    const answer = [...s.replies, ...s.commentUpdates].at(-1) ?? '';
    console.log(
      `/verify project, own folder with ${FOLDERS} folders x ${N} files (${distinct ? 'distinct trees' : 'one shared tree'}, ${requests} tree requests, ${FOLDERS * N} paths, ${Math.round(downloaded / 1e6)} MB of listings): longest turn ${turn.cpuMs} ms of main-thread CPU (${turn.measuredCpu ? 'CPU' : 'wall'}), ${Math.round(turn.wallMs)} ms wall; heap +${Math.round((peakHeap - heapBefore) / 1e6)} MB at its peak; sources reaching the verifier: ${JSON.stringify(calls)}; answer: ${answer.replace(/<!--[^]*?-->/g, '').replace(/\n+/g, ' ').slice(0, 200)}`,
    );
    expect(downloaded).toBeGreaterThan(0);
    // one tree is read once, shared or not: the first already fills the folder's budget in entries
    expect(requests).toBe(1);
    // the member's own programs are verified (the folder said to be cut), and the request keeps
    // no more than it looks at
    expect(calls).toEqual([['loop.bpf.c', 'null-check.bpf.c']]);
    expect(turn.cpuMs).toBeLessThan(500);
    expect(peakHeap - heapBefore).toBeLessThan(200e6);
  }, 300_000);
});
