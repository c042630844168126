/**
 * Attack review 15 (High, fixed): `/verify project` holds the event loop for more than a second
 * on a tree of many paths. readProject lists the whole tree at the commit (GitHub's recursive
 * trees API gives it whole up to 100,000 entries or 7 MB) and resolveProjectTarget
 * (src/verify/resolve-project-target.ts) asks `projectOwnerOf` of EVERY path, in one
 * synchronous loop, on the event loop (the background task of handle-verify-command.ts runs
 * there too); a folder named for nobody is matched against the roster (suggestMember). The
 * push path classifies in chunks with the event loop let go (StudyPaths.prime, review 5) and
 * remembers at most 50,000 paths (nothing after a restart); this loop does not let go. A
 * member who pushes 30,000 one-file folders under `project/` (a tree of 6.9 MB: GitHub still
 * lists it whole) makes every `/verify project`, and every `/verify weekN` that falls back to
 * the project, by anyone, a block of 1.5-1.9 s.
 *
 * Seen through the app (40-member roster, load 2-4): longest turn 1,470-1,890 ms of
 * main-thread CPU; the same 30,000 entries as top-level files (the tree read, parsed and
 * listed, no folder to ask about; logged first by the test) 340-610 ms. On
 * resolveProjectTarget alone, with the test helpers' 2-member roster and 100,000 paths (a
 * tree GitHub would cut): 3.2 s in distinct folders under project/, 1.4 s in one folder.
 * Not run: a tree GitHub cuts (completeTree then lists `project/` by levels, and an
 * incomplete project folder is not found: everyone's `/verify project` is refused).
 *
 * The repro: the whole app (createTestProbot) with GitHub by nock in its own shapes (the
 * tree's entries with their url), as test/verify/verify-project-week.test.ts builds
 * `/verify`'s project run; the longest turn is counted in main-thread CPU
 * (test/helpers/main-thread-cpu.ts).
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
/** as many entries as GitHub's recursive listing gives whole (7 MB with its url fields) */
const FLOOD = 30_000;
/** a study of 40: the two members of studyYaml and 38 more */
const ROSTER = Array.from({ length: 38 }, (_, i) => `  - login: member-${i + 1}\n    name: member-${i + 1}`).join('\n');

const FILES: Record<string, string> = {
  'project/홍길동/null-check.bpf.c': readFileSync(`${FIXTURES}/broken/null-check.bpf.c`, 'utf8'),
  'project/홍길동/loop.bpf.c': readFileSync(`${FIXTURES}/broken/loop.bpf.c`, 'utf8'),
};

describe('attack review 15: /verify project on a tree of 30,000 paths', () => {
  const run = async (floodPath: (i: number) => string) => {
    const calls: string[][] = [];
    const projectVerifier: ProjectVerifier = async (root: string, collected: CollectedProject) => {
      calls.push(collected.payload?.sources.map((s) => s.path) ?? []);
      throw new Error(`stand-in VM: not run (${root})`);
    };
    const { probot, settle } = await createTestProbot({ verifier: fakeVerifier(), projectVerifier });
    const s = sent();
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml(ROSTER));
    mockAck(scope, s, 'issue');
    scope.get(`/repos/${STUDY.owner}/${STUDY.repo}`).reply(200, { ...openapiExample<any>('full-repository'), default_branch: 'main' });
    scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/ref/heads%2Fmain`).reply(200, { ...openapiExample<any>('git-ref'), ref: 'refs/heads/main' });
    const flood = Array.from({ length: FLOOD }, (_, i) => ({ path: floodPath(i), mode: '100644', type: 'blob', sha: gitSha(`f${i}`), size: 3, url: `${API}/repos/${STUDY.owner}/${STUDY.repo}/git/blobs/${gitSha(`f${i}`)}` }));
    const own = Object.entries(FILES).map(([path, text]) => ({ path, mode: '100644', type: 'blob', sha: gitSha(text), size: Buffer.byteLength(text) }));
    const tree = [...own, ...flood];
    const bytes = JSON.stringify({ sha: HEAD_SHA, url: '', tree, truncated: false }).length;
    expect(bytes).toBeLessThan(7 * 1024 * 1024);
    scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/trees/${HEAD_SHA}`).query({ recursive: '1' }).reply(200, { sha: HEAD_SHA, url: '', tree, truncated: false });
    for (const path of Object.keys(FILES)) {
      scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/blobs/${gitSha(FILES[path]!)}`).optionally().reply(200, () => ({ ...openapiExample<any>('blob'), content: Buffer.from(FILES[path]!).toString('base64'), encoding: 'base64', size: Buffer.byteLength(FILES[path]!) }));
    }
    mockCheckRun(scope, s, 4, 1);
    mockCommentUpdate(scope, s, 'issue');

    const { turn } = await longestTurn(async () => {
      await probot.receive(issueCommentEvent('/verify project'));
      await settle().catch(() => undefined);
    });
    console.log(`/verify project over ${tree.length} tree entries, ${bytes} bytes (${flood[0]!.path}): longest turn ${turn.cpuMs} ms of main-thread CPU (${turn.measuredCpu ? 'CPU' : 'wall'}), ${Math.round(turn.wallMs)} ms wall; the member's sources reached the verifier: ${JSON.stringify(calls)}`);
    // the member's own folder was found among the flood
    expect(calls).toEqual([['loop.bpf.c', 'null-check.bpf.c']]);
    return turn;
  };

  it('HIGH (fixed: the folders are asked about in turns of 20 ms): another member\'s 30,000 one-file folders under project/ make /verify project block the event loop for over a second', async () => {
    // for the log: the same 30,000 entries as top-level files (the tree read and listed, no folder to ask about)
    await run((i) => `${createHash('sha256').update(`f${i}`).digest('hex').slice(0, 20)}.c`);
    expect((await run((i) => `project/${createHash('sha256').update(`f${i}`).digest('hex').slice(0, 8)}/x.c`)).cpuMs).toBeLessThan(1_000);
  }, 60_000);
});
