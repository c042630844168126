/**
 * Attack review 18 (HIGH, fixed: in a look-alike group only the owner's or an organizer's push is
 * recorded; anyone else's is an error on the check: run-push-check.ts foreignLookalikes): a look-alike copy of another member's note puts its verdict on
 * that member's row.
 *
 * The ledger keys a note by its path after NFC (study-files.ts studyFileOf, ledger.ts), but git
 * keeps names as bytes: `study/week1/김철수.md` in NFD (the decomposed jamo a macOS file system
 * hands git) is another file than kim-cs's NFC note, and GitHub shows both under one name. The
 * push check checks the NFD copy as a file of its own and its verdict is recorded under the
 * NFC key, newest wins (`checks[path]`). So after kim-cs's passing week-1 note is recorded
 * (`제출 ✅`), hong-gildong adds an NFD copy that fails the rubric: adding a file is never
 * flagged by the record guard (docs/push-checks.md: "Not flagged: adding files"), and the
 * report, in the bot's name, now says kim-cs's week-1 note fails (`제출 ❌`), though kim-cs's
 * note did not change. It stays so until kim-cs changes their own note (a new verdict under the
 * same key), and any later push of the copy by hong-gildong puts the ❌ back; the copy sits
 * under a name GitHub shows as kim-cs's own file. (The same copy is what kim-cs's
 * `/verify week1` reads when GitHub lists it first: resolve-verify-target.ts lookUp takes the
 * first name equal after NFC, and GitHub lists the NFD bytes before the NFC ones; not run here.)
 *
 * The repro: the whole app (createApp) against the fake GitHub server, as
 * rename-takes-others-record.test.ts builds it, two pushes.
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

describe('attack: an NFD copy of another member\'s note', () => {
  it('HIGH (fixed): hong-gildong adds a failing NFD copy of study/week1/김철수.md; kim-cs\'s unchanged passing note still passes, and the copy fails its own check as a look-alike', async () => {
    expect(NFD).not.toBe(NFC);
    const { server, errors, base, push, reports } = await appOnFakeGitHub({ config: CONFIG, base: 'nfd-base' });
    const week1 = (): string => weekCell(reports()[0] ?? '', '김철수');

    const own = await push('nfd-own', base, 'kim-cs', '2025-09-04T11:05:00Z', [{ path: NFC, content: GOOD }]);
    console.log(`after kim-cs's push: check ${server.checkRuns.at(-1)?.conclusion}; 김철수 week 1 = ${week1()}`);
    expect(week1()).toContain('제출 ✅');

    await push('nfd-copy', own, 'hong-gildong', '2025-09-05T02:00:00Z', [{ path: NFD, content: FAILING_HGD }]);
    console.log(`after hong-gildong's NFD copy: check ${server.checkRuns.at(-1)?.conclusion}; 김철수 week 1 = ${week1()}; kim-cs's note unchanged: ${own.files.has(NFC)}`);
    expect(errors).toEqual([]);
    // kim-cs's note did not change: the row still says it passes (it said '제출 ❌')
    expect(week1()).toContain('제출 ✅');
    // the copy's push check names the look-alike (an error on the copy, not counted as a note)
    const copyRun = server.checkRuns.at(-1)!;
    expect(copyRun.conclusion).toBe('failure');
    expect(JSON.stringify(copyRun.output)).toContain('push했습니다: 기록하지 않습니다');
  }, 120_000);
});
