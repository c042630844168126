/**
 * Attack review 19 (HIGH, fixed: the cut listing's own-folder read asks for each name in NFC and NFD, so the pair is seen and refused; around 322eaf3/aa39c3d): /verify project refuses a project
 * folder in two Unicode forms (NFC and NFD) only when it sees both, and when the repository's
 * listing is cut it sees only what withOwnFolders (read-project.ts) asks for by exact path: the
 * roster name's bytes (NFC). kim-cs's own project/김철수/ is in NFD (macOS commits it so, the
 * case review 18 fixed at 04c0477); hong-gildong's 40,000 folders under project/ cut every
 * listing (as in review 15's attack) and his NFC copy project/김철수/ holds three files of his.
 * The contents API answers the NFC path with his folder, kim-cs's NFD folder is never listed, no
 * pair is seen, and kim-cs's /verify project compiles and loads hong-gildong's programs and
 * reports them as project/김철수 in the bot's name.
 *
 * The repro: verify-project-cut-tree.test.ts (review 15's, fixed) with kim-cs's folder in NFD and
 * hong-gildong's NFC copy after it (GitHub lists by the names' bytes: U+1100… before U+AE40…),
 * the stand-in verifier of verify-project-lookalike-nfd-owner.test.ts.
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
const NFC = '김철수'.normalize('NFC');
const NFD = '김철수'.normalize('NFD');
/** kim-cs's own project: two programs, in project/김철수/ as NFD */
const FILES: Record<string, string> = {
  'null-check.bpf.c': readFileSync(`${FIXTURES}/broken/null-check.bpf.c`, 'utf8'),
  'loop.bpf.c': readFileSync(`${FIXTURES}/broken/loop.bpf.c`, 'utf8'),
};
/** hong-gildong's three files in the NFC copy */
const CORE = readFileSync(`${FIXTURES}/broken/core.bpf.c`, 'utf8');
const PLANTED: Record<string, string> = Object.fromEntries(['a', 'b', 'c'].map((n) => [`${n}.bpf.c`, `${CORE}\n// ${n}\n`]));
/** what one cut listing holds: GitHub stops at 7 MB (~30,000 entries with their url) */
const CUT = 30_000;
const FLOOD = 40_000;

describe('attack review 19: an NFC copy of an NFD project folder behind a cut listing', () => {
  it('HIGH (fixed): with project/ too big to list, hong-gildong\'s NFC copy of kim-cs\'s NFD project/김철수/ is not what kim-cs\'s /verify project verifies', async () => {
    const { answer, projects } = await verifyByNock({
      command: '/verify project',
      project: true,
      mockRepo: (scope) => {
        // project/'s children: 40,000 folders named in hex, then 김철수 (sorted after the hex: GitHub lists by name)
        const floodNames = Array.from({ length: FLOOD }, (_, i) => createHash('sha256').update(`f${i}`).digest('hex').slice(0, 8)).sort();
        const projectLevel = [...floodNames.map((n) => folder(n, `project/${n}`)), folder(NFD, `project/${NFD}`), folder(NFC, `project/${NFC}`)];
        const projectRecursive = [
          ...floodNames.flatMap((n) => [folder(n, `project/${n}`), blob(`${n}/x.c`, `f${n}`)]),
          folder(NFD, `project/${NFD}`),
          ...Object.entries(FILES).map(([p, t]) => blob(`${NFD}/${p}`, t)),
          folder(NFC, `project/${NFC}`),
          ...Object.entries(PLANTED).map(([p, t]) => blob(`${NFC}/${p}`, t)),
        ];
        const top = [blob('README.md', '# eBPF 스터디\n'), folder('project'), folder('study')];
        const recursive = [...top, ...projectRecursive.map((e) => ({ ...e, path: `project/${e.path}` }))];
        const cut = (entries: unknown[]) => ({ sha: HEAD_SHA, url: '', tree: entries.slice(0, CUT), truncated: entries.length > CUT });
        scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/trees/${HEAD_SHA}`).query({ recursive: '1' }).reply(200, cut(recursive));
        scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/trees/${HEAD_SHA}`).query((q) => !q.recursive).reply(200, { sha: HEAD_SHA, url: '', tree: top, truncated: false });
        scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/trees/${treeSha('project')}`).query({ recursive: '1' }).reply(200, { ...cut(projectRecursive), sha: treeSha('project') });
        scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/trees/${treeSha('project')}`).query((q) => !q.recursive).optionally().reply(200, { ...cut(projectLevel), sha: treeSha('project') });
        for (const [name, files] of [[NFD, FILES], [NFC, PLANTED]] as const) {
          scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/trees/${treeSha(`project/${name}`)}`).query(true).optionally().reply(200, { sha: treeSha(`project/${name}`), url: '', tree: Object.entries(files).map(([p, t]) => blob(p, t)), truncated: false });
          // the contents API by exact path (git keeps names as bytes): each form its own folder (GitHub's own entry shape)
          const [fileExample] = openapiExample<any[]>('content-file-response-if-content-is-a-directory');
          const contents = Object.entries(files).map(([p, t]) => ({ ...fileExample, name: p, path: `project/${name}/${p}`, sha: gitSha(t), size: Buffer.byteLength(t) }));
          scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/contents/${encodeURIComponent(`project/${name}`)}`).query({ ref: HEAD_SHA }).optionally().reply(200, contents);
        }
        mockBlobs(scope, [...Object.values(FILES), ...Object.values(PLANTED)]);
      },
    });
    const calls = projects.map((p) => p.sources);
    console.log(`kim-cs's /verify project: sources that reached the verifier ${JSON.stringify(calls)}; answer: ${answer.replace(/<!--[^]*?-->/g, '').slice(0, 300)}`);
    // hong-gildong's programs never reach the verifier as kim-cs's project (refused, or kim-cs's own)
    expect(calls.flat().some((p) => /^[abc]\.bpf\.c$/.test(p))).toBe(false);
  }, 60_000);
});
