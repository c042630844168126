import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { didYouMean, parseCliArgs } from '../../src/cli/parse-cli-args.js';

function captureIO(): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd: '/nonexistent-cwd', env: {}, isTTY: false, out: () => out, err: () => err };
}

const spec = {
  command: 'demo',
  allowPositionals: true,
  options: { format: { type: 'string', default: 'text' }, repo: { type: 'string' }, quiet: { type: 'boolean' } },
  choices: { format: ['text', 'json'] },
  usage: (lang: 'ko' | 'en') => (lang === 'ko' ? '사용법: study-bot demo\n' : 'usage: study-bot demo\n'),
} as const;

describe('parseCliArgs', () => {
  it('returns typed values, positionals and the --lang given', () => {
    const io = captureIO();
    const parsed = parseCliArgs(['a.md', '--format', 'json', '--quiet', '--lang', 'en'], io, spec);
    expect(parsed).toEqual({ ok: true, values: { format: 'json', quiet: true, lang: 'en' }, positionals: ['a.md'], lang: 'en' });
    expect(io.err()).toBe('');
    const defaults = parseCliArgs([], io, spec);
    expect(defaults).toMatchObject({ ok: true, values: { format: 'text' }, lang: undefined });
  });

  it.each([
    [['--help'], '사용법: study-bot demo\n'],
    [['-h'], '사용법: study-bot demo\n'],
    [['--help', '--lang', 'en'], 'usage: study-bot demo\n'],
    [['--format', 'nonsense', '--help'], '사용법: study-bot demo\n'], // help wins over a bad value
  ])('%j prints the usage on stdout and exits 0', (args, usage) => {
    const io = captureIO();
    expect(parseCliArgs(args, io, spec)).toEqual({ ok: false, exit: 0 });
    expect(io.out()).toBe(usage);
    expect(io.err()).toBe('');
  });

  // Node's own words for each of these are long and English: 'Unknown option '--formt'. To specify a positional…'
  it.each([
    [['--formt', 'json'], 'ko', '알 수 없는 옵션입니다: --formt — `--format`을(를) 말씀하신 건가요?'],
    [['--formt=json'], 'ko', '알 수 없는 옵션입니다: --formt — `--format`을(를) 말씀하신 건가요?'],
    [['--rpeo', '.'], 'ko', '알 수 없는 옵션입니다: --rpeo — `--repo`을(를) 말씀하신 건가요?'],
    [['--verbose'], 'ko', '알 수 없는 옵션입니다: --verbose'],
    [['-x'], 'ko', '알 수 없는 옵션입니다: -x'],
    [['--format'], 'ko', '--format 뒤에 값이 필요합니다 (-로 시작하는 값은 --format=값 으로 쓰세요)'],
    [['--format', '--quiet'], 'ko', '--format 뒤에 값이 필요합니다'],
    [['--quiet=yes'], 'ko', '--quiet은(는) 값을 받지 않습니다'],
    [['--format', 'jsn'], 'ko', '--format jsn: text 또는 json 중 하나여야 합니다 — `json`을(를) 말씀하신 건가요?'],
    [['--format', 'yaml'], 'ko', '--format yaml: text 또는 json 중 하나여야 합니다'],
    [['--lang', 'kr'], 'ko', '--lang kr: ko 또는 en 중 하나여야 합니다 — `ko`을(를) 말씀하신 건가요?'],
    [['--formt', 'json', '--lang', 'en'], 'en', 'unknown option --formt — did you mean `--format`?'],
    [['--lang=en', '--format', 'jsn'], 'en', '--format jsn: expected text or json — did you mean `json`?'],
    [['--lang', 'en', '--format'], 'en', '--format needs a value'],
  ])('%j → a short message with the usage, exit 2', (args, lang, message) => {
    const io = captureIO();
    expect(parseCliArgs(args, io, spec)).toEqual({ ok: false, exit: 2 });
    expect(io.err().startsWith(`study-bot demo: ${message}`)).toBe(true);
    expect(io.err().endsWith(`\n\n${lang === 'ko' ? '사용법' : 'usage'}: study-bot demo\n`)).toBe(true);
    expect(io.out()).toBe('');
  });

  it('rejects positionals for commands that take none', () => {
    const io = captureIO();
    expect(parseCliArgs(['extra'], io, { ...spec, allowPositionals: false })).toEqual({ ok: false, exit: 2 });
    expect(io.err()).toContain('이 명령은 인자를 받지 않습니다: extra');
  });

  it('a value that only looks like --lang after -- is not taken as the language', () => {
    const io = captureIO();
    parseCliArgs(['--bogus', '--', '--lang', 'en'], io, spec);
    expect(io.err()).toContain('알 수 없는 옵션입니다: --bogus');
  });
});

describe('didYouMean', () => {
  it.each([
    ['--formt', ['--format', '--repo'], '--format'],
    ['--fromat', ['--format', '--repo'], '--format'],
    ['jsn', ['text', 'json'], 'json'],
    ['repot', ['check', 'new', 'report', 'verify'], 'report'],
    ['--verbose', ['--format', '--repo'], null],
    ['x', [], null],
  ])('%s among %j → %s', (input, candidates, expected) => {
    expect(didYouMean(input, candidates)).toBe(expected);
  });
});

describe('study-bot (top level)', () => {
  it('--help is Korean first, with every command', async () => {
    const io = captureIO();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out()).toMatch(/^사용법: study-bot <명령> \[옵션\]\n/);
    for (const name of ['check', 'new', 'report', 'verify', 'runner', 'doctor']) expect(io.out()).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(io.out()).toContain('주차 노트가 그 주의 형식을 지켰는지 검사');
    expect(io.out()).not.toContain('check week notes against their rubric');
  });

  it('--help --lang en (either order) is English', async () => {
    for (const args of [['--help', '--lang', 'en'], ['--lang', 'en', '--help'], ['--lang=en', 'help']]) {
      const io = captureIO();
      expect(await main(args, io)).toBe(0);
      expect(io.out()).toMatch(/^usage: study-bot <command> \[options\]\n/);
      expect(io.out()).not.toMatch(/[가-힣]/);
    }
  });

  it('no command prints the usage and exits 2', async () => {
    const io = captureIO();
    expect(await main([], io)).toBe(2);
    expect(io.out()).toContain('사용법: study-bot <명령>');
  });

  it('an unknown command suggests the nearest one', async () => {
    const io = captureIO();
    expect(await main(['repot'], io)).toBe(2);
    expect(io.err()).toMatch(/^알 수 없는 명령입니다: repot — `report`을\(를\) 말씀하신 건가요\?\n\n사용법/);
    const en = captureIO();
    expect(await main(['--lang', 'en', 'chek'], en)).toBe(2);
    expect(en.err()).toMatch(/^unknown command: chek — did you mean `check`\?/);
  });

  it('--lang before the command is passed on to it', async () => {
    const io = captureIO();
    expect(await main(['--lang', 'en', 'doctor', '--help'], io)).toBe(0);
    expect(io.out()).toMatch(/^usage: study-bot doctor/);
  });
});
