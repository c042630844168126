/**
 * Attack review 18 (HIGH, fixed: which form is the note is not told from the names; a look-alike
 * group's verdict is recorded only from the owner's or an organizer's push; around b33d680):
 * the look-alike rule in reverse. The fix makes the NFC name "the note" and any other Unicode
 * form of it a look-alike whose verdict is never recorded (check-files.ts flagDuplicates,
 * isLookalike). But the genuine note is often the NFD one: macOS hands git Hangul names
 * decomposed (the code says so itself: roster.ts, resolve-verify-target.ts). kim-cs, on a Mac,
 * pushes a passing `study/week1/김철수.md` in NFD (recorded: '제출 ✅'). hong-gildong adds a
 * failing copy under the NFC bytes: it is now "the note", its failing verdict is recorded on
 * kim-cs's row ('제출 ❌'), and kim-cs's own note is the one the push check calls a look-alike
 * ("not counted as a note; remove it"); `/verify week1` by kim-cs takes the NFC name first, so
 * runs hong-gildong's copy too (resolve-verify-target.ts lookUp; not run here).
 *
 * The repro: note-lookalike-verdict.test.ts with the two forms swapped (the whole app against
 * the fake GitHub server, two pushes).
 */
import { describe, expect, it } from 'vitest';
import { appOnFakeGitHub, useAppOnFakeGitHub, weekCell } from '../helpers/app-on-fake-github.js';
import { FAILING_HGD, GOOD_HGD } from '../helpers/push-world.js';

const CONFIG = `# 스터디 설정
language: ko
members:
  - login: hong-gildong
    name: hgd
    aliases: [홍길동]
  - login: kim-cs
    name: 김철수
`;
const NFC = 'study/week1/김철수.md'.normalize('NFC');
const NFD = 'study/week1/김철수.md'.normalize('NFD');
const GOOD = GOOD_HGD.replace('# Week 1 - hgd', '# Week 1 - 김철수');

useAppOnFakeGitHub();

describe('attack: an NFC copy of another member\'s NFD note', () => {
  it('HIGH (fixed): kim-cs pushes study/week1/김철수.md in NFD (as macOS does); hong-gildong adds a failing NFC copy; kim-cs\'s unchanged passing note still passes', async () => {
    expect(NFD).not.toBe(NFC);
    const { server, errors, base, push, reports } = await appOnFakeGitHub({ config: CONFIG, base: 'nfd-base' });
    const week1 = (): string => weekCell(reports()[0] ?? '', '김철수');

    const own = await push('nfd-own', base, 'kim-cs', '2025-09-04T11:05:00Z', [{ path: NFD, content: GOOD }]);
    console.log(`after kim-cs's push: check ${server.checkRuns.at(-1)?.conclusion}; 김철수 week 1 = ${week1()}`);
    expect(week1()).toContain('제출 ✅');

    await push('nfd-copy', own, 'hong-gildong', '2025-09-05T02:00:00Z', [{ path: NFC, content: FAILING_HGD }]);
    console.log(`after hong-gildong's NFC copy: check ${server.checkRuns.at(-1)?.conclusion}; 김철수 week 1 = ${week1()}; kim-cs's NFD note unchanged: ${own.files.has(NFD)}`);
    expect(errors).toEqual([]);
    // kim-cs's note did not change: the row still says it passes (it said '제출 ❌')
    expect(week1()).toContain('제출 ✅');
  }, 120_000);
});
