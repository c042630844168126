/**
 * Attack review 18 (HIGH, fixed: two folders equal after NFC are refused, both named): another member's look-alike folder is verified as kim-cs's
 * project.
 *
 * resolveProjectTarget (src/verify/resolve-project-target.ts) takes, among the folders whose
 * owner (projectOwnerOf, which compares names after NFC and case folding) is the member, the
 * BIGGER one. Git keeps names as bytes: `project/김철수/` written in NFD (the decomposed jamo a
 * macOS file system hands git) is another folder than kim-cs's NFC `project/김철수/`, and GitHub
 * shows both under the same name. hong-gildong adds an NFD `project/김철수/` with three files of
 * his own (adding files to someone else's folder is never flagged by the record guard, and
 * nothing names the pusher of a `/verify project` folder). From then on kim-cs's own
 * `/verify project` compiles, loads and judges hong-gildong's programs and answers, in the
 * bot's name, with a Check Run on the study's commit, what "김철수's project" does: the
 * reply names `project/김철수/`, which reads exactly as kim-cs's folder. He decides what it says
 * (every program loads, or every one is refused), for as long as the folder stays on main
 * (a case-only copy, `project/HGD/` against `project/hgd/`, works the same for ASCII names).
 *
 * The same with `project/김철수` + U+FEFF (attack review 19's trimmed and hidden names): it reads as
 * kim-cs's folder too, so it is one look-alike pair with it (src/paths/name-key.ts) and refused alike.
 *
 * The repro: the whole app (createTestProbot), GitHub by nock in its own shapes, as
 * verify-project-cut-tree.test.ts builds `/verify project`; the verifier is a stand-in that
 * records which sources reached it.
 */
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { mockBlobs, treeBlob as blob, treeFolder as folder, verifyByNock } from '../helpers/verify-by-nock.js';
import { HEAD_SHA, STUDY } from '../helpers/verify-github.js';

afterEach(() => {
  nock.cleanAll();
});

const FIXTURES = 'test/fixtures/project';
const NFC = '김철수'.normalize('NFC');
const NFD = '김철수'.normalize('NFD');
const BOM = `${NFC}\ufeff`;
/** kim-cs's own project: two programs */
const OWN: Record<string, string> = {
  'null-check.bpf.c': readFileSync(`${FIXTURES}/broken/null-check.bpf.c`, 'utf8'),
  'loop.bpf.c': readFileSync(`${FIXTURES}/broken/loop.bpf.c`, 'utf8'),
};
/** hong-gildong's three files in the look-alike folder */
const CORE = readFileSync(`${FIXTURES}/broken/core.bpf.c`, 'utf8');
const PLANTED: Record<string, string> = Object.fromEntries(['a', 'b', 'c'].map((n) => [`${n}.bpf.c`, `${CORE}\n// ${n}\n`]));

describe('attack review 18: a look-alike project folder', () => {
  it.each([
    ['NFD', NFD, 'project/\\u1100\\u1175\\u11b7\\u110e\\u1165\\u11af\\u1109\\u116e'],
    ['U+FEFF after the name', BOM, 'project/김철수\\ufeff'],
  ])('HIGH (fixed): with hong-gildong\'s %s copy of project/김철수/ beside it, kim-cs\'s /verify project verifies nothing of his and names both folders', async (_what, COPY, shownCopy) => {
    expect(COPY).not.toBe(NFC);
    // GitHub lists a tree by the names' bytes: the NFD name (U+1100...) before the NFC one (U+AE40...), the NFC one before NFC + U+FEFF
    const copy = [folder(`project/${COPY}`), ...Object.entries(PLANTED).map(([p, t]) => blob(`project/${COPY}/${p}`, t))];
    const own = [folder(`project/${NFC}`), ...Object.entries(OWN).map(([p, t]) => blob(`project/${NFC}/${p}`, t))];
    const tree = [
      blob('README.md', '# eBPF 스터디\n'),
      folder('project'),
      ...(COPY === NFD ? [...copy, ...own] : [...own, ...copy]),
      folder('study'),
    ];
    const { answer, projects } = await verifyByNock({
      command: '/verify project',
      project: true,
      mockRepo: (scope) => {
        scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/trees/${HEAD_SHA}`).query({ recursive: '1' }).reply(200, { sha: HEAD_SHA, url: '', tree, truncated: false });
        mockBlobs(scope, [...Object.values(OWN), ...Object.values(PLANTED)]);
      },
    });
    const calls = projects.map((p) => [p.root, ...p.sources]);
    const folderShown = calls[0]?.[0] ?? '';
    console.log(`kim-cs's /verify project: folder ${JSON.stringify(folderShown)} (${folderShown === `project/${COPY}` ? 'the copy: hong-gildong\'s' : 'NFC: kim-cs\'s'}), sources ${JSON.stringify(calls[0]?.slice(1))}; answer: ${answer.replace(/<!--[^]*?-->/g, '').slice(0, 200)}`);
    // hong-gildong's look-alike is never verified as kim-cs's: with two folders of one name,
    // nothing runs and the answer names both (it verified hong-gildong's, the bigger)
    expect(calls).toEqual([]);
    expect(answer).toContain('NFC/NFD');
    expect(answer).toContain('`project/김철수`');
    expect(answer).toContain(`\`${shownCopy}\``);
  }, 60_000);
});
