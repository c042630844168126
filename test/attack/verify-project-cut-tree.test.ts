/**
 * Attack review 15 (Medium, fixed): one member's push made everyone's `/verify project` refused.
 * Fixed: when the listing is cut, readProject asks for the member's own folders by their exact
 * paths (listFolder: the contents API, then one recursive tree per sub-folder).
 * readProject lists the tree at the commit (listFiles: the recursive trees API, completed by
 * completeTree when GitHub cuts it at 100,000 entries or 7 MB) and only files of folders
 * listed in full count (coversPath). hong-gildong pushes 40,000 one-file folders under
 * `project/` (~7.6 MB of listing): the recursive listing of the commit is cut, so is the
 * recursive listing of `project/`; the walk level by level then gives up, either because the
 * level listing of `project/` is cut too (as answered here) or, should GitHub give a level
 * whole, because 40,001 sub-folders exceed WALK_REQUEST_BUDGET (200 requests), and
 * `project/` is never covered. Every member's project folder, kim-cs's
 * `project/김철수/` with two real programs included, is then "not found" and `/verify project`
 * answers that there is no project folder for them, for as long as the flood stays on main
 * (anyone can push it back after a cleanup). Seen: no source reached the verifier; the answer
 * "⚠️ 검증하지 못했습니다: 김철수의 프로젝트 폴더(`project/김철수/`)를 찾지 못했습니다. 있는 프로젝트
 * 폴더: —", which also misleads (the folder is there; the listing was cut).
 *
 * The repro: the whole app (createTestProbot) with GitHub by nock in its own shapes, as
 * test/verify/verify-project-week.test.ts builds `/verify`'s project run; the listings GitHub
 * would cut are answered cut (`truncated: true`, the first entries only).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { openapiExample } from '../helpers/github-examples.js';
import { gitSha, mockBlobs, treeBlob as blob, treeFolder as folder, treeSha, verifyByNock } from '../helpers/verify-by-nock.js';
import { HEAD_SHA, STUDY } from '../helpers/verify-github.js';

afterEach(() => {
  nock.cleanAll();
});

const FIXTURES = 'test/fixtures/project';
const FILES: Record<string, string> = {
  'null-check.bpf.c': readFileSync(`${FIXTURES}/broken/null-check.bpf.c`, 'utf8'),
  'loop.bpf.c': readFileSync(`${FIXTURES}/broken/loop.bpf.c`, 'utf8'),
};
/** what one cut listing holds: GitHub stops at 7 MB (~30,000 entries with their url) */
const CUT = 30_000;
const FLOOD = 40_000;

describe('attack review 15: a project/ folder too big to list', () => {
  it('MEDIUM (fixed): hong-gildong\'s 40,000 folders under project/ do not hide kim-cs\'s project folder from /verify project', async () => {
    const { answer, projects } = await verifyByNock({
      command: '/verify project',
      project: true,
      mockRepo: (scope) => {
        // project/'s children: 40,000 folders named in hex, then 김철수 (sorted after the hex: GitHub lists by name)
        const floodNames = Array.from({ length: FLOOD }, (_, i) => createHash('sha256').update(`f${i}`).digest('hex').slice(0, 8)).sort();
        const projectLevel = [...floodNames.map((n) => folder(n, `project/${n}`)), folder('김철수', 'project/김철수')];
        const projectRecursive = [...floodNames.flatMap((n) => [folder(n, `project/${n}`), blob(`${n}/x.c`, `f${n}`)]), folder('김철수', 'project/김철수'), ...Object.entries(FILES).map(([p, t]) => blob(`김철수/${p}`, t))];
        const top = [blob('README.md', '# eBPF 스터디\n'), folder('project'), folder('study')];
        const recursive = [...top, ...projectRecursive.map((e) => ({ ...e, path: `project/${e.path}` }))];
        const cut = (entries: unknown[]) => ({ sha: HEAD_SHA, url: '', tree: entries.slice(0, CUT), truncated: entries.length > CUT });
        scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/trees/${HEAD_SHA}`).query({ recursive: '1' }).reply(200, cut(recursive));
        scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/trees/${HEAD_SHA}`).query((q) => !q.recursive).reply(200, { sha: HEAD_SHA, url: '', tree: top, truncated: false });
        scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/trees/${treeSha('project')}`).query({ recursive: '1' }).reply(200, { ...cut(projectRecursive), sha: treeSha('project') });
        scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/trees/${treeSha('project')}`).query((q) => !q.recursive).optionally().reply(200, { ...cut(projectLevel), sha: treeSha('project') });
        scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/trees/${treeSha('project/김철수')}`).query(true).optionally().reply(200, { sha: treeSha('project/김철수'), url: '', tree: Object.entries(FILES).map(([p, t]) => blob(p, t)), truncated: false });
        // The fix: the member's own folder by its exact path, from the contents API (GitHub's own entry shape).
        const [fileExample] = openapiExample<any[]>('content-file-response-if-content-is-a-directory');
        const contents = Object.entries(FILES).map(([p, t]) => ({ ...fileExample, name: p, path: `project/김철수/${p}`, sha: gitSha(t), size: Buffer.byteLength(t) }));
        scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/contents/${encodeURIComponent('project/김철수')}`).query({ ref: HEAD_SHA }).reply(200, contents);
        // and the name in its other Unicode form (NFD), which is not there
        scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/contents/${encodeURIComponent('project/김철수'.normalize('NFD'))}`).query({ ref: HEAD_SHA }).reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/contents#get-repository-content', status: '404' });
        mockBlobs(scope, Object.values(FILES));
      },
    });
    const calls = projects.map((p) => p.sources);
    console.log(`kim-cs's /verify project: sources that reached the verifier ${JSON.stringify(calls)}; answer: ${answer.replace(/<!--[^]*?-->/g, '').slice(0, 300)}`);
    expect(calls).toEqual([['loop.bpf.c', 'null-check.bpf.c']]);
  }, 60_000);
});
