import { describe, expect, it } from 'vitest';
import { checkNotePath, parseVerifyCommand } from '../../src/verify/parse-verify-command.js';

const parse = (line: string) => parseVerifyCommand(line.split(/\s+/).filter(Boolean), { weeks: 8 });

describe('parseVerifyCommand', () => {
  it.each([
    ['help', { kind: 'help' }],
    ['도움말', { kind: 'help' }],
    ['study/week1/hgd.md', { kind: 'path', path: 'study/week1/hgd.md', kernels: [] }],
    ['./study/week1/hgd.md', { kind: 'path', path: 'study/week1/hgd.md', kernels: [] }],
    ['study/week1/홍길동.md', { kind: 'path', path: 'study/week1/홍길동.md', kernels: [] }],
    // macOS-decomposed Hangul in the comment is composed before lookup
    ['study/week1/\u1112\u1169\u11BC\u1100\u1175\u11AF\u1103\u1169\u11BC.md', { kind: 'path', path: 'study/week1/홍길동.md', kernels: [] }],
    ['week1', { kind: 'week', week: 1, member: null, kernels: [] }],
    ['Week01', { kind: 'week', week: 1, member: null, kernels: [] }],
    ['week 3', { kind: 'week', week: 3, member: null, kernels: [] }],
    ['w2', { kind: 'week', week: 2, member: null, kernels: [] }],
    ['1주차', { kind: 'week', week: 1, member: null, kernels: [] }],
    ['week1 @hong-gd', { kind: 'week', week: 1, member: 'hong-gd', kernels: [] }],
    ['week1 kernel-6.8', { kind: 'week', week: 1, member: null, kernels: ['kernel-6.8'] }],
    ['week1 --kernel 5.15', { kind: 'week', week: 1, member: null, kernels: ['kernel-5.15'] }],
    ['--kernel=6.8 study/week1/a.md', { kind: 'path', path: 'study/week1/a.md', kernels: ['kernel-6.8'] }],
    ['week1 --kernel 6.1 --kernel 6.12', { kind: 'week', week: 1, member: null, kernels: ['kernel-6.1', 'kernel-6.12'] }],
    ['week1 kernel-6.1 --kernel 6.1', { kind: 'week', week: 1, member: null, kernels: ['kernel-6.1'] }],
    ['project', { kind: 'project', member: null, kernels: [] }],
    ['Project --kernel 6.1', { kind: 'project', member: null, kernels: ['kernel-6.1'] }],
    ['프로젝트', { kind: 'project', member: null, kernels: [] }],
    ['project @hong-gd', { kind: 'project', member: 'hong-gd', kernels: [] }],
  ])('/verify %s', (args, expected) => {
    expect(parse(args)).toEqual(expected);
  });

  it.each([
    [''],
    ['week9'],
    ['week0'],
    ['week1 hong'],
    ['project hong'],
    ['project @a @b'],
    ['week1 @a @b'],
    ['study/week1/hgd.md extra'],
    ['/etc/shadow'],
    ['study/../.github/study.yml'],
    ['study/week1/run.sh'],
    ['study//week1/a.md'],
    ['everything'],
    ['week1 --kernel'],
    ['week1 --kernel 5.4 --kernel 5.10 --kernel 5.15 --kernel 6.1 --kernel 6.8'],
    ['week1 --kernel=6.8"]'],
  ])('/verify %s is a usage error', (args) => {
    const result = parse(args);
    expect(result.kind).toBe('usage');
    if (result.kind === 'usage') {
      expect(result.problem.ko.length).toBeGreaterThan(0);
      expect(result.problem.en.length).toBeGreaterThan(0);
    }
  });

  it('refuses control characters and backslashes in paths', () => {
    expect(checkNotePath('study\\week1\\a.md').ok).toBe(false);
    expect(checkNotePath('study/week1/a\u0000.md').ok).toBe(false);
    expect(checkNotePath('a'.repeat(400) + '.md').ok).toBe(false);
  });
});
