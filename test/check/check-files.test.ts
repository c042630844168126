import { describe, expect, it } from 'vitest';
import { checkFiles, mapConcurrent } from '../../src/check/check-files.js';
import type { RepoFile, RepoTree } from '../../src/check/types.js';
import { studyConfigSchema } from '../../src/config/schema.js';

const config = studyConfigSchema.parse({
  members: [
    { login: 'hong-gildong', name: 'hgd', aliases: ['홍길동'] },
    { login: 'jiwoo', name: 'jiwoo' },
  ],
});
const file = (path: string, text = ''): RepoFile => ({ path, content: new TextEncoder().encode(text) });
const treeOf = (paths: string[]): RepoTree => ({ has: (p) => paths.includes(p), paths: () => paths });

describe('checkFiles', () => {
  it('reports in input order with kinds, and status only for submissions', async () => {
    const files = [
      file('study/week1/hgd.md', '# Week 1 - hgd\n'),
      file('study/week1/hgd_md/a.png'),
      file('study/week01/jiwoo.md', '# Week 1 - jiwoo\n'),
      file('study/week1/stranger.md', '# hi\n'),
      file('project/hgd/main.c'),
      file('.github/study.yml'),
    ];
    const reports = await checkFiles({ files, tree: treeOf(files.map((f) => f.path)), config });
    expect(reports.map((r) => [r.path, r.kind, r.status])).toEqual([
      ['study/week1/hgd.md', 'submission', 'fail'],
      ['study/week1/hgd_md/a.png', 'asset', null],
      ['study/week01/jiwoo.md', 'misplaced', null],
      ['study/week1/stranger.md', 'unknown', null],
      ['project/hgd/main.c', 'project', null],
      ['.github/study.yml', 'config', null],
    ]);
    // week notes the bot cannot count fail (the severity policy); a stranger's file only warns
    expect(reports[2].findings).toEqual([
      { rule: 'path', severity: 'error', line: null, message: expect.stringContaining('`study/week1/jiwoo.md`') },
    ]);
    expect(reports[3].findings[0]).toMatchObject({ rule: 'path', severity: 'warning' });
    expect(reports[0].oneliners).toBe(0);
    expect(reports[1].oneliners).toBeNull();
  });

  it('warns about two files of one member for one week (name and alias)', async () => {
    const files = [file('study/week2/hgd.md', '# Week 2 - hgd\n'), file('study/week2/홍길동.md', '# Week 2 - 홍길동\n')];
    const reports = await checkFiles({ files: [files[0]], tree: treeOf(files.map((f) => f.path)), config, lang: 'en' });
    expect(reports[0].findings.filter((f) => f.rule === 'duplicate')).toEqual([
      { rule: 'duplicate', severity: 'warning', line: null, message: 'hgd has 2 notes for week 2 (also `study/week2/홍길동.md`); keep one' },
    ]);
  });

  it('does not suggest a move or rename onto a file that already exists (also an alias’s)', async () => {
    const roster = studyConfigSchema.parse({
      members: [
        { login: 'hong-gildong', name: 'hgd', aliases: ['홍길동'] },
        { login: 'cs-kim', name: 'kcs', aliases: ['김철수'] },
      ],
    });
    const paths = ['study/week1/HGD.md', 'study/week1/hgd.md', 'project/kcs/week1.md', 'study/week1/김철수.md', 'study/week2/HGD.md', 'project/hgd/week3.md'];
    const files = ['study/week1/HGD.md', 'project/kcs/week1.md', 'study/week2/HGD.md', 'project/hgd/week3.md'].map((p) => file(p));
    const reports = await checkFiles({ files, tree: treeOf(paths), config: roster });
    const messages = reports.map((r) => r.findings.map((f) => f.message));
    expect(messages).toEqual([
      ['파일 이름의 대소문자가 명단과 다릅니다 — 이미 `study/week1/hgd.md`이(가) 있습니다 — 둘 중 하나를 정리하세요'],
      ['1주차 노트로 보이는데 주차 폴더 밖에 있습니다 — 이미 `study/week1/김철수.md`이(가) 있습니다 — 둘 중 하나를 정리하세요'],
      // nothing in the way: the suggestion stands
      ['파일 이름의 대소문자가 명단과 다릅니다 — `study/week2/hgd.md`로 바꾸세요'],
      ['3주차 노트로 보이는데 주차 폴더 밖에 있습니다 — `study/week3/hgd.md`에 두세요'],
    ]);
    const [en] = await checkFiles({ files: [files[0]!], tree: treeOf(paths), config: roster, lang: 'en' });
    expect(en!.findings[0]!.message).toBe('the file name’s case differs from the roster — `study/week1/hgd.md` already exists: keep one of the two');
  });

  it('an unknown name that resembles nobody hints at `ignore` for organizer material', async () => {
    const files = [file('study/week1/공지.md', '# 공지\n'), file('study/week1/hgdd.md', '# x\n')];
    const reports = await checkFiles({ files, tree: treeOf(files.map((f) => f.path)), config });
    expect(reports[0]!.findings[0]!.message).toBe(
      '`공지`은(는) 명단(.github/study.yml의 members)에 없는 이름입니다 — 운영진 자료라면 .github/study.yml의 `ignore`에 넣으세요 (예: `ignore: [study/week1/공지.md]`)',
    );
    // a near miss is a typo, not organizer material: "did you mean", no ignore hint
    expect(reports[1]!.findings[0]!.message).toContain('`hgd`을(를) 말씀하신 건가요?');
    expect(reports[1]!.findings[0]!.message).not.toContain('ignore');
    const ignored = studyConfigSchema.parse({ ...config, ignore: ['study/week1/공지.md'] });
    const [after] = await checkFiles({ files: [files[0]!], tree: treeOf([files[0]!.path]), config: ignored });
    expect(after).toMatchObject({ kind: 'ignored', findings: [] });
  });

  it('a week without a rubric gets a note, not a crash', async () => {
    const long = studyConfigSchema.parse({ weeks: 10 });
    const [r] = await checkFiles({ files: [file('study/week9/a.md', '# Week 9 - a\n')], tree: treeOf([]), config: long });
    expect(r).toMatchObject({ kind: 'submission', week: 9, status: 'pass', oneliners: null });
    expect(r.findings).toEqual([expect.objectContaining({ rule: 'rubric', severity: 'info' })]);
  });

  it('passes the member and its aliases to the rubric (an alias title is the member’s)', async () => {
    const [r] = await checkFiles({ files: [file('study/week1/hgd.md', '# Week 1 - 홍길동\n')], tree: treeOf([]), config });
    expect(r.findings.filter((f) => f.rule === 'title')).toEqual([]);
  });

  it('mapConcurrent keeps order and the bound', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapConcurrent([5, 1, 4, 2, 3, 0], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n * 3));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
    expect(await mapConcurrent([], 4, async () => 1)).toEqual([]);
  });
});
