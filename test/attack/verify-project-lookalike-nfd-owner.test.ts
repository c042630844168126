/**
 * Attack review 18 (HIGH, fixed: two folders equal after NFC are refused, both named; around b33d680): the project folder's look-alike rule in
 * reverse. The fix takes the folder named exactly as on the roster first (the roster's YAML:
 * NFC), then another Unicode form. kim-cs works on a Mac, so their own `project/김철수/` reached
 * git in NFD; hong-gildong adds a folder under the NFC bytes with three programs of his, and it
 * is now the one kim-cs's own `/verify project` compiles, loads and reports as `project/김철수`
 * in the bot's name (the reply names kim-cs's real folder among "the others").
 *
 * The repro: verify-project-lookalike-folder.test.ts with the two forms swapped (the whole app
 * by createTestProbot, GitHub by nock in its own shapes, a stand-in verifier that records what
 * reached it).
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
/** kim-cs's own project: two programs */
const OWN: Record<string, string> = {
  'null-check.bpf.c': readFileSync(`${FIXTURES}/broken/null-check.bpf.c`, 'utf8'),
  'loop.bpf.c': readFileSync(`${FIXTURES}/broken/loop.bpf.c`, 'utf8'),
};
/** hong-gildong's three files in the look-alike folder */
const CORE = readFileSync(`${FIXTURES}/broken/core.bpf.c`, 'utf8');
const PLANTED: Record<string, string> = Object.fromEntries(['a', 'b', 'c'].map((n) => [`${n}.bpf.c`, `${CORE}\n// ${n}\n`]));

describe('attack review 18: an NFC copy of an NFD project folder', () => {
  it('HIGH (fixed): kim-cs\'s project/김철수/ is in NFD (as macOS commits it); hong-gildong\'s NFC copy with three files is not what kim-cs\'s /verify project verifies', async () => {
    expect(NFD).not.toBe(NFC);
    // GitHub lists a tree by the names' bytes: the NFD name (U+1100...) before the NFC one (U+AE40...)
    const tree = [
      blob('README.md', '# eBPF 스터디\n'),
      folder('project'),
      folder(`project/${NFD}`),
      ...Object.entries(OWN).map(([p, t]) => blob(`project/${NFD}/${p}`, t)),
      folder(`project/${NFC}`),
      ...Object.entries(PLANTED).map(([p, t]) => blob(`project/${NFC}/${p}`, t)),
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
    console.log(`kim-cs's /verify project: folder ${JSON.stringify(folderShown)} (${folderShown === `project/${NFD}` ? 'NFD: kim-cs\'s' : 'NFC: hong-gildong\'s'}), sources ${JSON.stringify(calls[0]?.slice(1))}; answer: ${answer.replace(/<!--[^]*?-->/g, '').slice(0, 200)}`);
    // kim-cs's own folder is the one verified (it was hong-gildong's look-alike)
    // hong-gildong's NFC copy is never verified as kim-cs's: the pair is refused, both named
    expect(calls).toEqual([]);
    expect(answer).toContain('NFC/NFD');
  }, 60_000);
});
