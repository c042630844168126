import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';

const problemsOf = (text: string, lang: 'ko' | 'en' = 'ko') => {
  const result = parseConfig(text, lang);
  return result.ok ? [] : result.problems.map((p) => `${p.line} ${p.key}: ${p.message}`);
};

describe('config problems a schema shape cannot catch', () => {
  it.each([
    ['a path template with a typo', 'paths:\n  study: study/week{wek}/{name}.md\n', /2 paths\.study: 알 수 없는 자리표시자 `\{wek\}` — `\{week\}`\?/],
    ['a path template without {name}', 'paths:\n  study: study/week{week}/notes.md\n', /2 paths\.study: `\{name\}` 자리표시자가 있어야 합니다/],
    ['a project path without {name}', 'paths:\n  project: projects/\n', /2 paths\.project: `\{name\}` 자리표시자/],
    ['a time zone with a typo', 'schedule:\n  timezone: Asia/Seol\n', /2 schedule\.timezone: IANA 시간대 .* `Asia\/Seoul`\?/],
    ['a date that does not exist', 'schedule:\n  skip: [2025-13-01]\n', /2 schedule\.skip\[0\]: 존재하지 않는 날짜/],
    ['a session time that does not exist', 'schedule:\n  firstSession: 2025-09-04T25:00\n', /2 schedule\.firstSession: 존재하지 않는 날짜나 시각/],
    ['an offline week past the last week', 'weeks: 8\nschedule:\n  offlineWeeks: [1, 9]\n', /3 schedule\.offlineWeeks\[1\]: 9주차는 없습니다/],
    ['a deadline for a week that does not exist', 'attendance:\n  deadlines:\n    "12": 2025-12-01T20:00\n', /3 attendance\.deadlines\.12: 12주차는 없습니다/],
  ])('%s', (_, text, expected) => {
    expect(problemsOf(text)).toEqual([expect.stringMatching(expected)]);
  });

  it('reports every problem in one round, cross-key ones included', () => {
    const problems = problemsOf(
      ['schedule:', '  timezone: Asia/Seol', '  offlineWeeks: [1, 9]', 'members:', '  - { login: a, name: x }', '  - { login: A, name: 3 }', ''].join('\n'),
    );
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^2 schedule\.timezone/),
        expect.stringMatching(/^3 schedule\.offlineWeeks\[1\]/),
        expect.stringMatching(/^6 members\[1\]\.login: `a`이\(가\) 명단에 두 번/),
        expect.stringMatching(/^6 members\[1\]\.name: 문자열이어야/),
      ]),
    );
  });

  it('speaks English when asked', () => {
    expect(problemsOf('paths:\n  study: s/{wek}/{name}.md\n', 'en')[0]).toMatch(/unknown placeholder `\{wek\}` — `\{week\}`\?/);
  });

  it('accepts the defaults written out', () => {
    expect(problemsOf('paths:\n  study: study/week{week}/{name}.md\n  project: project/{name}/\nschedule:\n  timezone: Asia/Seoul\n')).toEqual([]);
  });
});
