import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { defaultConfig } from '../../src/config/schema.js';

const problemsOf = (text: string, lang: 'ko' | 'en' = 'ko') => {
  const r = parseConfig(text, lang);
  if (r.ok) throw new Error(`expected problems, got a config: ${JSON.stringify(r.config)}`);
  return r.problems;
};

describe('parseConfig', () => {
  it('reads the bundled .github/study.yml', () => {
    const r = parseConfig(readFileSync(new URL('../../.github/study.yml', import.meta.url), 'utf8'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.paths).toEqual({ study: 'study/week{week}/{name}.md', project: 'project/{name}/' });
    expect(r.config.members.length).toBeGreaterThan(0);
  });

  it('reads a full config with the public keys', () => {
    const r = parseConfig(
      [
        'language: en',
        'schedule:',
        '  timezone: Asia/Seoul',
        '  firstSession: 2025-09-04T20:00',
        '  skip: [2025-10-09]',
        'paths:',
        '  study: study/week{week}/{name}.md',
        '  project: project/{name}/',
        'ignore: [study/week1/OT.md, "study/*/slides/**"]',
        'members:',
        '  - login: hong-gildong',
        '    name: hgd',
        '    aliases: [홍길동]',
        '  - login: jiwoo',
        '    name: jiwoo',
      ].join('\n'),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.language).toBe('en');
    expect(r.config.schedule.skip).toEqual(['2025-10-09']);
    expect(r.config.members[1]).toEqual({ login: 'jiwoo', name: 'jiwoo', aliases: [] });
    expect(r.config.weeks).toBe(8); // untouched keys keep their defaults
    expect(r.config.attendance.maxAbsences).toBe(3);
  });

  it.each([
    ['a missing file', null],
    ['undefined', undefined],
    ['an empty file', ''],
    ['only whitespace', '  \n\n'],
    ['only comments', '# study-bot config\n# nothing yet\n'],
    ['an explicit null document', '~\n'],
  ])('%s means the defaults and an empty roster', (_, text) => {
    const r = parseConfig(text);
    expect(r).toEqual({ ok: true, config: defaultConfig() });
    if (r.ok) {
      expect(r.config.members).toEqual([]);
      expect(r.config.schedule).toMatchObject({ timezone: 'Asia/Seoul', firstSession: '2025-09-04T20:00', offlineWeeks: [1, 8] });
      expect(r.config.weeks).toBe(8);
      expect(r.config.attendance.maxAbsences).toBe(3);
    }
  });

  it('names an unknown key, its line and the nearest allowed key', () => {
    const [p, ...rest] = problemsOf('language: ko\nschedul:\n  timezone: Asia/Seoul\n');
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ key: 'schedul', line: 2 });
    expect(p.message).toContain('알 수 없는 키');
    expect(p.message).toContain('`schedule`');
    expect(problemsOf('language: ko\nschedul: {}\n', 'en')[0].message).toMatch(/^unknown key — did you mean `schedule`\?/);
  });

  it('names an unknown nested key by its dotted path', () => {
    const [p] = problemsOf('schedule:\n  timezone: Asia/Seoul\n  firstsession: 2025-09-04T20:00\n');
    expect(p).toMatchObject({ key: 'schedule.firstsession', line: 3 });
    expect(p.message).toContain('firstSession');
  });

  it('names a member key that does not exist', () => {
    const [p] = problemsOf('members:\n  - login: a\n    name: b\n    alias: [c]\n');
    expect(p).toMatchObject({ key: 'members[0].alias', line: 4 });
    expect(p.message).toContain('`aliases`');
  });

  it.each([
    ['weeks: eight\n', 'weeks', 1, '숫자여야 합니다 (받은 값: "eight")', 'expected a number, got "eight"'],
    ['members:\n  - login: hgd\n    name: 3\n', 'members[0].name', 3, '문자열이어야 합니다', 'expected a string, got 3'],
    ['members: hgd\n', 'members', 1, '목록', 'expected a list'],
    ['ignore: study/week1/OT.md\n', 'ignore', 1, '목록', 'expected a list'],
    ['language: jp\n', 'language', 1, 'ko, en', 'expected one of: ko, en, got "jp"'],
    ['schedule:\n  firstSession: 2025-09-04\n', 'schedule.firstSession', 2, '2025-09-04T20:00 같은 날짜와 시각', 'a local date and time'],
    ['members:\n  - login: "hong gildong"\n    name: hgd\n', 'members[0].login', 2, 'GitHub 로그인', 'a GitHub login'],
    ['members:\n  - login: hgd\n', 'members[0].name', 2, '필수 키가 없습니다', 'required key is missing'],
    ['attendance:\n  maxAbsences: 0\n', 'attendance.maxAbsences', 2, '1 이상이어야 합니다', 'must be at least 1'],
  ])('a wrong type or value: %j', (text, key, line, ko, en) => {
    const [p] = problemsOf(text);
    expect(p).toMatchObject({ key, line });
    expect(p.message).toContain(ko);
    expect(problemsOf(text, 'en')[0].message).toContain(en);
  });

  it('reports every problem, sorted by line', () => {
    const problems = problemsOf('weeks: x\nlanguage: jp\nfoo: 1\n');
    expect(problems.map((p) => [p.line, p.key])).toEqual([
      [1, 'weeks'],
      [2, 'language'],
      [3, 'foo'],
    ]);
  });

  it('points a YAML syntax error at its line', () => {
    const [p] = problemsOf('language: ko\nmembers:\n  - login: a\n   name: b\n');
    expect(p.line).toBe(4);
    expect(p.message).toMatch(/^YAML 문법 오류/);
    const [dup] = problemsOf('language: ko\nlanguage: en\n');
    expect(dup).toMatchObject({ line: 2, message: 'YAML 문법 오류: 같은 키가 두 번 있습니다' });
    expect(problemsOf('language: ko\nlanguage: en\n', 'en')[0].message).toMatch(/^YAML syntax error: Map keys must be unique/);
  });

  it('rejects a document that is not a mapping', () => {
    expect(problemsOf('- a\n- b\n')[0]).toMatchObject({ key: '', line: 1 });
    expect(problemsOf('hello')[0].message).toContain('맵');
  });

  it('finds duplicates in the roster: logins ignoring case, names and aliases after NFC', () => {
    const dupLogin = problemsOf('members:\n  - login: Hong\n    name: a\n  - login: hong\n    name: b\n');
    expect(dupLogin).toEqual([expect.objectContaining({ key: 'members[1].login', line: 4 })]);
    const nfd = '홍길동'.normalize('NFD');
    const dupAlias = problemsOf(`members:\n  - login: a\n    name: 홍길동\n  - login: b\n    name: x\n    aliases: ["${nfd}"]\n`);
    expect(dupAlias).toEqual([expect.objectContaining({ key: 'members[1].aliases', line: 6 })]);
    expect(dupAlias[0].message).toContain('두 번');
    const nameIsOthersAlias = problemsOf('members:\n  - login: a\n    name: hgd\n    aliases: [jw]\n  - login: b\n    name: jw\n');
    expect(nameIsOthersAlias[0]).toMatchObject({ key: 'members[1].name', line: 6 });
  });

  it('rejects a time zone that does not exist', () => {
    const [p] = problemsOf('schedule:\n  timezone: Asia/Busan\n');
    expect(p).toMatchObject({ key: 'schedule.timezone', line: 2 });
    expect(p.message).toContain('Asia/Seoul');
    expect(parseConfig('schedule:\n  timezone: Europe/Berlin\n').ok).toBe(true);
  });

  it('accepts exactly the time zones Intl.DateTimeFormat accepts (canonical names are read from a list, others asked)', () => {
    const canonical = Intl.supportedValuesOf('timeZone');
    const others = ['UTC', 'Etc/UTC', 'GMT', 'Asia/Calcutta', 'US/Pacific', 'asia/seoul', 'ASIA/SEOUL', 'Etc/GMT+9', 'Asia/Busan', 'Seoul', '', ' Asia/Seoul', 'Asia/Seoul ', '+09:00', 'Mars/Olympus'];
    const verdicts = [...canonical, ...others].map((zone) => {
      let intl = true;
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
      } catch {
        intl = false;
      }
      return { zone, intl, config: parseConfig(`schedule:\n  timezone: ${JSON.stringify(zone)}\n`).ok };
    });
    expect(canonical.length).toBeGreaterThan(300);
    expect(verdicts.filter((v) => v.intl !== v.config)).toEqual([]);
    // both verdicts occur among the names that are not canonical: the fallback was exercised
    expect(verdicts.filter((v) => !canonical.includes(v.zone)).map((v) => v.config)).toEqual(expect.arrayContaining([true, false]));
  });

  it('carries the file path for messages', () => {
    const r = parseConfig('weeks: x\n', 'ko', 'custom/study.yml');
    expect(r.ok === false && r.path).toBe('custom/study.yml');
  });
});

describe('parseConfig: the mistakes organizers make, each with its fix', () => {
  it('a date and time with a space instead of the T: one problem, which says how to write it', () => {
    for (const lang of ['ko', 'en'] as const) {
      const problems = problemsOf('schedule:\n  firstSession: 2026-09-03 20:00\n', lang);
      expect(problems).toHaveLength(1);
      expect(problems[0]!.message).toContain('`2026-09-03T20:00`');
      expect(problems[0]!.message).not.toMatch(/no such date|존재하지 않는/);
    }
  });

  it('a skip date that is not a session day names the weekday and the next session', () => {
    const text = 'schedule:\n  firstSession: 2026-09-03T20:00\n  skip: [2026-09-05, 2026-09-17, 2026-08-27]\n';
    const en = problemsOf(text, 'en');
    expect(en.map((p) => p.key)).toEqual(['schedule.skip[0]', 'schedule.skip[2]']);
    expect(en[0]!.message).toBe('2026-09-05 is not a session day (sessions are on Thursdays): write the date of the session to skip — `2026-09-10`?');
    expect(en[1]!.message).toMatch(/before the first session/);
    expect(problemsOf(text, 'ko')[0]!.message).toMatch(/모임 날이 아닙니다 \(모임은 매주 목요일\)/);
    // a session day (a Thursday, two weeks on) is fine
    expect(parseConfig('schedule:\n  firstSession: 2026-09-03T20:00\n  skip: [2026-09-17]\n').ok).toBe(true);
  });

  it('a roster name with a slash (one part of a path) is refused, with a name that works', () => {
    const [problem] = problemsOf('members:\n  - login: park\n    name: park/dev\n', 'en');
    expect(problem).toMatchObject({ key: 'members[0].name', line: 3 });
    expect(problem!.message).toContain('`park-dev`?');
    expect(problemsOf('members:\n  - login: park\n    name: park\n    aliases: [".."]\n', 'en')[0]!.key).toBe('members[0].aliases[0]');
  });

  it.each([['"@park"'], ['https://github.com/park'], ['github.com/park/']])('a login written as %s gets the bare login', (login) => {
    const [problem] = problemsOf(`members:\n  - login: ${login}\n    name: park\n`, 'en');
    expect(problem!.key).toBe('members[0].login');
    expect(problem!.message).toMatch(/ — write `park`$/);
  });

  it('an unquoted value containing `: ` says to quote it, in Korean or in English', () => {
    const text = 'attendance:\n  issueTitle: 출석: 현황\n';
    expect(problemsOf(text, 'ko')[0]!.message).toBe('YAML 문법 오류: 값 안에 `: `가 있습니다 — 값을 따옴표로 감싸세요 (예: issueTitle: "출석: 현황")');
    const en = problemsOf(text, 'en')[0]!.message;
    expect(en).toMatch(/put the value in quotes/);
    expect(en).not.toMatch(/[가-힣]/);
  });
});
