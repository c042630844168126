/**
 * Attack review 20 (open, HIGH; the same root cause as verify-project-shared-subtree.test.ts,
 * reached without any command): completeTree's walk is bounded in requests (200), never in
 * entries, and git shares trees. Every push's report refresh lists the study folder
 * (report-client.ts treePaths: completeTree(folder === 'study'), then
 * `[...listing.entries.values()].filter(...).map(...)` in one synchronous pass, then
 * studyFilesOf), and every push check completes the listing of the folders that matter
 * (run-push-check.ts: completeTree(afterTree, wanted)) the same way. hong-gildong pushes once:
 * study/a000 … study/a189 all naming one tree of N files (the push carries that tree once). The
 * repository's recursive listing and study/'s are then cut, and every later push, by anyone,
 * walks 190 × N paths on the one event loop, keeping all of them.
 *
 * Measured here (treePaths alone, as pushChanges calls it; load 6.3-7.9 on the shared 2 cores) at
 * N = 5,000: 209 MB of listings, 950,002 paths returned, heap +625 MB at its peak, longest turn
 * 250 ms of main-thread CPU (then studyFilesOf classifies all of them, and the push check keeps its
 * own completed copy). At N = 30,000 (a 6.6 MB listing, listed whole) that is ~3.8 GB for this
 * listing alone: the heap passes node's default (4.3 GB here) and the process dies; at the next
 * start the reconcile (recovery/reconcile-pushes.ts) checks the push that has no check run yet,
 * which dies the same way: the bot stays down for every member until an organizer removes the
 * folders (not run: it would take the shared machine down with it).
 *
 * Severity HIGH (one member's push freezes, then crash-loops, the bot for everyone).
 * Fix idea: completeTree stops at a bound in entries (GitHub's 100,000) and says the listing is
 * cut, as it does when the request budget runs out; the loops over a listing go in turns.
 *
 * The repro: report-client.ts's treePaths with the real Octokit against GitHub by nock, in
 * GitHub's git-tree shape (entries with their url); longest turn in main-thread CPU.
 */
import { createHash } from 'node:crypto';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { reportClient } from '../../src/github/report-client.js';
import { longestTurn } from '../helpers/main-thread-cpu.js';
import { testOctokit } from '../helpers/probot-app.js';

afterEach(() => {
  nock.cleanAll();
});

const API = 'https://api.github.com';
const REF = { owner: 'Codertocat', repo: 'Hello-World' };
const gitSha = (text: string) => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0${text}`).digest('hex');
const treeSha = (text: string) => createHash('sha1').update(`tree ${text}`).digest('hex');
const FOLDERS = 190;
const N = Number(process.env.ATTACK_SHARED_TREE_FILES ?? 5_000);

describe('attack review 20: every push over one tree shared by 190 study folders', () => {
  // distinct: the half fix's test (each folder its own tree, no sha to share: only a budget in entries bounds the walk)
  it.each([
    { distinct: false, what: `naming one tree of ${N} files` },
    { distinct: true, what: `each naming its own tree of ${N} files` },
  ])(`HIGH: hong-gildong's study/a000 … study/a189 $what make every push's report refresh walk and keep ${FOLDERS} x ${N} paths on the event loop`, async ({ distinct }) => {
    const octokit = new (testOctokit())({ auth: 'ghs_test' });
    const scope = nock(API);
    const base = `/repos/${REF.owner}/${REF.repo}/git/trees`;
    const blobUrl = (sha: string) => `${API}/repos/${REF.owner}/${REF.repo}/git/blobs/${sha}`;
    const treeUrl = (sha: string) => `${API}${base}/${sha}`;
    const blob = (path: string, text: string) => ({ path, mode: '100644', type: 'blob', sha: gitSha(text), size: Buffer.byteLength(text), url: blobUrl(gitSha(text)) });
    const sub = (path: string, sha: string) => ({ path, mode: '040000', type: 'tree', sha, url: treeUrl(sha) });
    const HEAD = treeSha('head');
    const STUDY = treeSha('study');
    const WEEK1 = treeSha('week1');
    const SHARED = treeSha('shared');
    const shared = Array.from({ length: N }, (_, i) => blob(`f${String(i).padStart(5, '0')}.md`, `# ${i}\n`));
    const bodyOf = (sha: string) => JSON.stringify({ sha, url: treeUrl(sha), tree: shared, truncated: false });
    const sharedBody = bodyOf(SHARED);
    expect(sharedBody.length).toBeLessThan(7 * 1024 * 1024);
    const folderTree = (i: number) => (distinct ? treeSha(`shared ${i}`) : SHARED);
    const readme = blob('README.md', '# eBPF 스터디\n');
    scope.get(`${base}/${HEAD}`).query({ recursive: '1' }).reply(200, { sha: HEAD, url: treeUrl(HEAD), tree: [readme], truncated: true });
    scope.get(`${base}/${HEAD}`).reply(200, { sha: HEAD, url: treeUrl(HEAD), tree: [readme, sub('study', STUDY)], truncated: false });
    scope.get(`${base}/${STUDY}`).query({ recursive: '1' }).reply(200, { sha: STUDY, url: treeUrl(STUDY), tree: [], truncated: true });
    const folders = Array.from({ length: FOLDERS }, (_, i) => sub(`a${String(i).padStart(3, '0')}`, folderTree(i)));
    scope.get(`${base}/${STUDY}`).reply(200, { sha: STUDY, url: treeUrl(STUDY), tree: [...folders, sub('week1', WEEK1)], truncated: false });
    let downloaded = 0;
    let requests = 0;
    scope.get(`${base}/${WEEK1}`).optionally().reply(200, { sha: WEEK1, url: treeUrl(WEEK1), tree: [blob('김철수.md', '# 1주차\n')], truncated: false });
    scope.get(/\/git\/trees\/[0-9a-f]{40}$/).times(FOLDERS).optionally().reply(200, (uri) => {
      const body = bodyOf(/trees\/([0-9a-f]{40})/.exec(uri)![1]!);
      downloaded += body.length;
      requests++;
      return body;
    }, { 'content-type': 'application/json; charset=utf-8' });

    let peakHeap = 0;
    const heapBefore = process.memoryUsage().heapUsed;
    const heap = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 20);
    const { result: paths, turn } = await longestTurn(() => reportClient(octokit as never, REF).treePaths(HEAD, 'study')).finally(() => clearInterval(heap));
    console.log(
      `treePaths over ${FOLDERS} folders x ${N} files (${distinct ? 'distinct trees' : 'one shared tree'}, ${requests} tree requests, ${Math.round(downloaded / 1e6)} MB of listings): ${paths?.length ?? 'null'} paths; longest turn ${turn.cpuMs} ms of main-thread CPU (${turn.measuredCpu ? 'CPU' : 'wall'}), ${Math.round(turn.wallMs)} ms wall; heap +${Math.round((peakHeap - heapBefore) / 1e6)} MB at its peak`,
    );
    // bounded like GitHub's own listing (null: said to be cut, the refresh goes on from the push's
    // own file lists); when listed, kim-cs's note is in it
    expect(paths === null || paths.includes('study/week1/김철수.md')).toBe(true);
    expect(paths?.length ?? 0).toBeLessThanOrEqual(100_000);
    // one shared tree is read once; distinct ones only until the walk's budget in entries is spent
    expect(requests).toBeLessThanOrEqual(distinct ? 100_000 / N + 1 : 1);
    expect(turn.cpuMs).toBeLessThan(500);
    expect(peakHeap - heapBefore).toBeLessThan(200e6);
  }, 300_000);
});
