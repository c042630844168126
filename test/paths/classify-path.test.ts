import { describe, expect, it } from 'vitest';
import { studyConfigSchema, type StudyConfig } from '../../src/config/schema.js';
import { classifyPath } from '../../src/paths/classify-path.js';
import { memberByLogin, memberByName, studyPaths } from '../../src/paths/study-paths.js';

const roster = (extra: Partial<StudyConfig> = {}): StudyConfig =>
  studyConfigSchema.parse({
    members: [
      { login: 'hong-gildong', name: 'hgd', aliases: ['홍길동'] },
      { login: 'JiwooKim', name: 'jiwoo', aliases: [] },
      { login: 'cs-kim', name: '김철수', aliases: ['cskim'] },
    ],
    ...extra,
  });
const config = roster();
const empty = studyConfigSchema.parse({});

const nfd = (s: string) => s.normalize('NFD');

type Row = [path: string, kind: string, week: number | null, member: string | null, suggestion?: string];

describe('classifyPath with a roster', () => {
  const rows: Row[] = [
    // submissions
    ['study/week1/hgd.md', 'submission', 1, 'hgd'],
    ['study/week8/jiwoo.md', 'submission', 8, 'jiwoo'],
    ['study/week3/홍길동.md', 'submission', 3, 'hgd'], // alias resolves to the roster name
    [nfd('study/week3/홍길동.md'), 'submission', 3, 'hgd'], // macOS commits Hangul decomposed
    [nfd('study/week2/김철수.md'), 'submission', 2, '김철수'],
    ['study/week2/cskim.md', 'submission', 2, '김철수'],
    ['./study/week1/hgd.md', 'submission', 1, 'hgd'],
    ['study//week1/hgd.md', 'submission', 1, 'hgd'],
    ['study/week2/../week1/hgd.md', 'submission', 1, 'hgd'], // resolved, still inside the repository
    // config and ignored
    ['.github/study.yml', 'config', null, null],
    ['study/week1/OT.md', 'ignored', null, null], // default ignore glob
    ['study/week4/README.md', 'ignored', 4, null], // the week's assignment page
    ['study/week4/readme.md', 'ignored', 4, null],
    ['study/README.md', 'ignored', null, null],
    ['project/README.md', 'ignored', null, null],
    ['README.md', 'ignored', null, null],
    ['src/index.ts', 'ignored', null, null],
    ['templates/week1.md', 'ignored', null, null], // a template, not notes
    ['.github/workflows/ci.yml', 'ignored', null, null],
    // assets
    ['study/week1/hgd_md/practice_5.png', 'asset', 1, 'hgd'],
    ['study/week2/jiwoo_assets/map.svg', 'asset', 2, 'jiwoo'],
    ['study/week2/hgd.assets/image-2025.png', 'asset', 2, 'hgd'], // Typora
    ['study/week2/홍길동-images/1.png', 'asset', 2, 'hgd'],
    ['study/week1/hgd_1.png', 'asset', 1, 'hgd'],
    ['study/week1/diagram.png', 'asset', 1, null],
    ['study/week5/images/a/b/c.jpg', 'asset', 5, null],
    ['study/week5/hgd/trace.py', 'asset', 5, 'hgd'],
    // projects
    ['project/hgd/README.md', 'project', null, 'hgd'],
    ['project/hgd/src/main.c', 'project', null, 'hgd'],
    ['project/홍길동/tool.py', 'project', null, 'hgd'],
    ['project/hgd/vendor/libbpf/src/btf.c', 'project', null, 'hgd'], // inside a submodule
    ['project/hgd', 'project', null, 'hgd'], // the submodule's gitlink itself
    ['project/hgd/docs/week1-plan.md', 'project', null, 'hgd'], // the project's own docs
    ['project/hgd/.gitmodules', 'project', null, 'hgd'],
    // misplaced week notes
    ['Study/Week1/hgd.md', 'misplaced', 1, 'hgd', 'study/week1/hgd.md'],
    ['study/Week1/hgd.md', 'misplaced', 1, 'hgd', 'study/week1/hgd.md'],
    ['study/week01/hgd.md', 'misplaced', 1, 'hgd', 'study/week1/hgd.md'],
    ['study/week 2/jiwoo.md', 'misplaced', 2, 'jiwoo', 'study/week2/jiwoo.md'],
    ['study/week_3/jiwoo.md', 'misplaced', 3, 'jiwoo', 'study/week3/jiwoo.md'],
    ['study/1주차/홍길동.md', 'misplaced', 1, 'hgd', 'study/week1/홍길동.md'],
    [nfd('study/1주차/홍길동.md'), 'misplaced', 1, 'hgd', 'study/week1/홍길동.md'],
    ['study/w4/hgd.md', 'misplaced', 4, 'hgd', 'study/week4/hgd.md'],
    ['study/week1/hgd/notes.md', 'misplaced', 1, 'hgd', 'study/week1/hgd.md'], // one level too deep
    ['study/week1/hgd_md/hgd.md', 'misplaced', 1, 'hgd', 'study/week1/hgd.md'],
    ['study/week1/hgd.MD', 'misplaced', 1, 'hgd', 'study/week1/hgd.md'],
    ['study/week1/hgd.markdown', 'misplaced', 1, 'hgd', 'study/week1/hgd.md'],
    ['study/week1/HGD.md', 'misplaced', 1, 'hgd', 'study/week1/hgd.md'], // case differs from the roster
    ['study/week9/hgd.md', 'misplaced', 9, 'hgd'], // the study has 8 weeks
    ['study/week0/hgd.md', 'misplaced', 0, 'hgd'],
    ['study/hgd.md', 'misplaced', null, 'hgd', 'study/week{week}/hgd.md'],
    ['study/week3.md', 'misplaced', 3, null, 'study/week3/{name}.md'],
    ['study/week2-jiwoo.md', 'misplaced', 2, 'jiwoo', 'study/week2/jiwoo.md'],
    ['week1/hgd.md', 'misplaced', 1, 'hgd', 'study/week1/hgd.md'],
    ['notes/1주차/홍길동.md', 'misplaced', 1, 'hgd', 'study/week1/홍길동.md'],
    ['hgd_week2.md', 'misplaced', 2, 'hgd', 'study/week2/hgd.md'],
    ['project/hgd/week1.md', 'misplaced', 1, 'hgd', 'study/week1/hgd.md'], // notes inside the project
    ['project/hgd/1주차.md', 'misplaced', 1, 'hgd', 'study/week1/hgd.md'],
    ['project/hgd/week3/hgd.md', 'misplaced', 3, 'hgd', 'study/week3/hgd.md'],
    ['project/hgd/week2_hgd.md', 'misplaced', 2, 'hgd', 'study/week2/hgd.md'],
    ['project/week1.md', 'misplaced', 1, null, 'study/week1/{name}.md'],
    ['project/hgd.md', 'misplaced', null, 'hgd', 'project/hgd/README.md'],
    ['projects/hgd/main.c', 'misplaced', null, 'hgd', 'project/hgd/main.c'], // plural
    ['Project/jiwoo/README.md', 'misplaced', null, 'jiwoo', 'project/jiwoo/README.md'],
    ['projects/stranger/main.c', 'misplaced', null, null],
    ['project/HGD/main.c', 'misplaced', null, 'hgd', 'project/hgd/main.c'],
    ['study\\week1\\hgd.md', 'misplaced', 1, 'hgd', 'study/week1/hgd.md'], // a Windows path as one file name
    // unknown names
    ['study/week1/hgb.md', 'unknown', 1, null, 'study/week1/hgd.md'], // typo: did you mean hgd
    ['study/week1/홍길둥.md', 'unknown', 1, null, 'study/week1/홍길동.md'],
    ['study/week1/jiwo.md', 'unknown', 1, null, 'study/week1/jiwoo.md'],
    ['study/week1/stranger.md', 'unknown', 1, null],
    ['study/week1/schedule.md', 'unknown', 1, null],
    ['project/hgdd/main.c', 'unknown', null, null, 'project/hgd/main.c'],
    ['project/nobody/main.c', 'unknown', null, null],
    // weird Unicode: a name GitHub shows as the member's is theirs, one group with the real
    // spelling (name-key.ts; the look-alike rule is check-files.ts's and the push check's);
    // a name that reads otherwise gets a suggestion, never a match
    ['study/week1/h\u200Bgd.md', 'submission', 1, 'hgd'], // zero-width space: reads as hgd.md
    ['study/week1/hgd.md\uFEFF', 'submission', 1, 'hgd'], // BOM at the end: reads as hgd.md
    ['study/week1/ｈｇｄ.md', 'unknown', 1, null, 'study/week1/hgd.md'], // full-width
    ['study/week1/hgd .md', 'misplaced', 1, 'hgd', 'study/week1/hgd.md'], // trailing space: a near miss of the member's own name
    ['study/week1/\u202Edm.dgh.md', 'unknown', 1, null],
    ['study/week1/🐝.md', 'unknown', 1, null],
    // not repository paths
    ['/study/week1/hgd.md', 'unknown', null, null],
    ['C:\\study\\week1\\hgd.md', 'unknown', null, null],
    ['../study/week1/hgd.md', 'unknown', null, null],
    ['study/../../etc/passwd', 'unknown', null, null],
    ['', 'unknown', null, null],
  ];

  it.each(rows)('%s → %s', (path, kind, week, member, suggestion) => {
    const c = classifyPath(path, config);
    expect({ kind: c.kind, week: c.week, member: c.member }).toEqual({ kind, week, member });
    if (suggestion !== undefined) expect(c.suggestion).toBe(suggestion);
    if (kind === 'misplaced' || kind === 'unknown') {
      expect(c.reason?.ko).toMatch(/\S/);
      expect(c.reason?.en).toMatch(/\S/);
    }
  });

  it('names the unknown name and the roster spelling it resembles', () => {
    const c = classifyPath('study/week1/hgb.md', config);
    expect(c.pathName).toBe('hgb');
    expect(c.reason?.ko).toContain('hgb');
    expect(c.reason?.ko).toContain('`hgd`');
    expect(c.reason?.en).toContain('did you mean `hgd`?');
  });

  it('an unknown name that resembles nobody says organizer material goes under `ignore`', () => {
    const notice = classifyPath(nfd('study/week1/공지.md'), config);
    expect(notice.reason?.ko).toBe(
      '`공지`은(는) 명단(.github/study.yml의 members)에 없는 이름입니다 — 운영진 자료라면 .github/study.yml의 `ignore`에 넣으세요 (예: `ignore: [study/week1/공지.md]`)',
    );
    expect(notice.reason?.en).toContain('list it under `ignore` in .github/study.yml (e.g. `ignore: [study/week1/공지.md]`)');
    expect(classifyPath('project/staff/slides.pdf', config).reason?.ko).toContain('`ignore: [project/staff/**]`');
    // the glob the hint shows does ignore the file
    expect(classifyPath('project/staff/slides.pdf', roster({ ignore: ['project/staff/**'] })).kind).toBe('ignored');
    expect(classifyPath('study/week1/hgb.md', config).reason?.ko).not.toContain('ignore');
  });

  it('keeps pathName as written (NFC) while member is the roster name', () => {
    const c = classifyPath(nfd('study/week1/홍길동.md'), config);
    expect(c.pathName).toBe('홍길동');
    expect(c.pathName).toBe('홍길동'.normalize('NFC'));
    expect(c.member).toBe('hgd');
  });

  it('says why a week folder is out of range', () => {
    expect(classifyPath('study/week9/hgd.md', config).reason?.ko).toContain('1–8주차');
    expect(classifyPath('study/week9/hgd.md', roster({ weeks: 10 })).kind).toBe('submission');
  });
});

describe('classifyPath with an empty roster', () => {
  const rows: Row[] = [
    ['study/week1/anyone.md', 'submission', 1, 'anyone'],
    [nfd('study/week1/홍길동.md'), 'submission', 1, '홍길동'], // NFC, as written
    ['study/week1/HGD.md', 'submission', 1, 'HGD'],
    ['project/whoever/main.c', 'project', null, 'whoever'],
    ['study/week1/anyone_md/x.png', 'asset', 1, 'anyone'],
    ['study/week1/x.png', 'asset', 1, null],
    ['Study/Week1/anyone.md', 'misplaced', 1, 'anyone', 'study/week1/anyone.md'],
    ['projects/x/main.c', 'misplaced', null, 'x', 'project/x/main.c'],
    ['study/week1/OT.md', 'ignored', null, null],
  ];
  it.each(rows)('%s → %s', (path, kind, week, member, suggestion) => {
    const c = classifyPath(path, empty);
    expect({ kind: c.kind, week: c.week, member: c.member }).toEqual({ kind, week, member });
    if (suggestion !== undefined) expect(c.suggestion).toBe(suggestion);
  });
  it('stores the NFC form of a decomposed name', () => {
    expect(classifyPath(nfd('study/week1/홍길동.md'), empty).member).toBe('홍길동'.normalize('NFC'));
  });
});

describe('ignore globs and custom path templates', () => {
  it('applies picomatch globs from the config, dotfiles included', () => {
    const c = roster({ ignore: ['study/*/OT*.md', 'study/**/.DS_Store', 'study/week8/*.pdf'] });
    expect(classifyPath('study/week1/OT.md', c).kind).toBe('ignored');
    expect(classifyPath('study/week2/OT-slides.md', c).kind).toBe('ignored');
    expect(classifyPath('study/week2/hgd_md/.DS_Store', c).kind).toBe('ignored');
    expect(classifyPath('study/week8/slides.pdf', c).kind).toBe('ignored');
    expect(classifyPath('study/week7/slides.pdf', c).kind).toBe('asset');
  });

  it('an empty ignore list ignores nothing', () => {
    expect(classifyPath('study/week1/OT.md', roster({ ignore: [] })).kind).toBe('unknown');
    expect(classifyPath('study/week1/OT.md', studyConfigSchema.parse({ ignore: [] })).kind).toBe('submission');
  });

  it('derives the patterns from config.paths', () => {
    const c = roster({ paths: { study: 'notes/{name}/w{week}.md', project: 'apps/{name}/' } });
    expect(classifyPath('notes/hgd/w3.md', c)).toMatchObject({ kind: 'submission', week: 3, member: 'hgd' });
    expect(classifyPath('notes/hgd/w03.md', c)).toMatchObject({ kind: 'misplaced', week: 3, suggestion: 'notes/hgd/w3.md' });
    expect(classifyPath('notes/hgd/shot.png', c)).toMatchObject({ kind: 'asset', member: 'hgd' });
    expect(classifyPath('apps/jiwoo/main.py', c)).toMatchObject({ kind: 'project', member: 'jiwoo' });
    expect(classifyPath('study/week1/hgd.md', c).kind).toBe('misplaced');
    expect(classifyPath('project/hgd/main.c', c).kind).toBe('ignored');
  });

  it('a week written twice in the template must agree', () => {
    const c = roster({ paths: { study: 'study/week{week}/week{week}-{name}.md', project: 'project/{name}/' } });
    expect(classifyPath('study/week2/week2-hgd.md', c)).toMatchObject({ kind: 'submission', week: 2, member: 'hgd' });
    expect(classifyPath('study/week2/week3-hgd.md', c).kind).not.toBe('submission');
  });
});

describe('ownerOf and roster helpers', () => {
  it.each([
    ['study/week1/hgd.md', 'hgd'],
    [nfd('study/week1/홍길동.md'), 'hgd'],
    ['study/week1/hgd_md/x.png', 'hgd'],
    ['project/jiwoo/src/a.c', 'jiwoo'],
    ['Study/Week1/jiwoo.md', 'jiwoo'],
    ['study/week1/OT.md', null],
    ['study/week1/stranger.md', null],
    ['study/week1/README.md', null],
    ['.github/study.yml', null],
    ['README.md', null],
  ])('ownerOf(%s) = %s', (path, owner) => {
    expect(studyPaths(config).ownerOf(path)).toBe(owner);
  });

  it('memberByLogin ignores case, memberByName normalizes', () => {
    expect(memberByLogin('jiwookim', config)?.name).toBe('jiwoo');
    expect(memberByLogin('HONG-GILDONG', config)?.name).toBe('hgd');
    expect(memberByLogin('nobody', config)).toBeNull();
    expect(memberByName(nfd('홍길동'), config)?.name).toBe('hgd');
    expect(memberByName('cskim', config)?.name).toBe('김철수');
    expect(memberByName('HGD', config)).toBeNull();
  });
});

describe('renamed files', () => {
  it.each([
    ['study/week3/hgd_week3.md', 'study/week3/hgd.md', 'hgd'],
    ['study/week3/week3-홍길동.md', 'study/week3/홍길동.md', 'hgd'],
    ['study/week3/jiwoo-notes.md', 'study/week3/jiwoo.md', 'jiwoo'],
    ['study/week3/jiwoo.final.md', 'study/week3/jiwoo.md', 'jiwoo'],
  ])('%s is misplaced: rename to %s', (path, suggestion, member) => {
    expect(classifyPath(path, config)).toMatchObject({ kind: 'misplaced', week: 3, member, suggestion });
  });
});
