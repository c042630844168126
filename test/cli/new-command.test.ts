import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { machineFacts, type MachineProbe } from '../../src/cli/new-command.js';

let repo: string;
let home: string;
const ROSTER = 'members:\n  - login: hong-gildong\n    name: hgd\n    aliases: [홍길동]\n  - login: jiwoo\n    name: jiwoo\n';

function captureIO(env: NodeJS.ProcessEnv = {}): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    cwd: repo,
    // no global git config of this machine may decide whose notes these are
    env: { PATH: process.env.PATH, HOME: home, GIT_CONFIG_GLOBAL: join(home, 'gitconfig'), GIT_CONFIG_NOSYSTEM: '1', ...env },
    isTTY: false,
    out: () => out,
    err: () => err,
  };
}

beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'new-study-'));
  home = await mkdtemp(join(tmpdir(), 'new-home-'));
  await mkdir(join(repo, '.github'));
  await writeFile(join(repo, '.github/study.yml'), ROSTER);
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

describe('study-bot new', () => {
  it('writes the week file from the template with the name and the machine filled in', async () => {
    const io = captureIO();
    expect(await main(['new', '1', '--name', 'hgd', '--repo', repo], io)).toBe(0);
    const text = await readFile(join(repo, 'study/week1/hgd.md'), 'utf8');
    expect(text.split('\n')[0]).toBe('# Week 1 - hgd');
    expect(text).not.toContain('{이름}');
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(await readFile('/etc/os-release', 'utf8').catch(() => ''))?.[1];
    if (pretty) expect(text).toContain(`- OS: ${pretty}`);
    expect(text).not.toContain('{Kernel}');
    expect(io.out()).toContain('study/week1/hgd.md');
    expect(io.err()).toBe('');
  });

  it('reports only the machine fields the week’s template has (week 2 has none)', async () => {
    const two = captureIO();
    expect(await main(['new', '2', '--name', 'hgd', '--repo', repo], two)).toBe(0);
    expect(two.out()).toContain('study/week2/hgd.md');
    expect(two.out()).not.toContain('이 컴퓨터에서 채운 항목');
    expect(two.out()).not.toContain('직접 채울 항목');
    expect(two.out()).not.toMatch(/\bKernel\b|\bOS\b/u);
    const one = captureIO();
    expect(await main(['new', '1', '--name', 'hgd', '--repo', repo], one)).toBe(0);
    // the kernel release is always known (os.release()); OS and tools depend on this machine
    expect(one.out()).toMatch(/이 컴퓨터에서 채운 항목: (?:OS, )?Kernel/u);
  });

  it('refuses to overwrite, also under another spelling of the same member', async () => {
    await mkdir(join(repo, 'study/week2'), { recursive: true });
    await writeFile(join(repo, 'study/week2/hgd.md'), 'mine');
    const again = captureIO();
    expect(await main(['new', '2', '--name', 'hgd', '--repo', repo], again)).toBe(1);
    expect(again.err()).toContain('이미 있어 덮어쓰지 않았습니다');
    const alias = captureIO();
    expect(await main(['new', '2', '--name', '홍길동', '--repo', repo], alias)).toBe(1);
    expect(alias.err()).toContain('study/week2/hgd.md');
    expect(await readFile(join(repo, 'study/week2/hgd.md'), 'utf8')).toBe('mine');
  });

  it('finds the member by GITHUB_USER, case-insensitively', async () => {
    const io = captureIO({ GITHUB_USER: 'Hong-Gildong' });
    expect(await main(['new', '3', '--repo', repo], io)).toBe(0);
    expect(await readFile(join(repo, 'study/week3/hgd.md'), 'utf8')).toMatch(/^# Week 3 - hgd/);
  });

  it('finds the member by a GitHub noreply address in git config', async () => {
    await execa('git', ['init', '-q'], { cwd: repo });
    await execa('git', ['config', 'user.email', '1234+jiwoo@users.noreply.github.com'], { cwd: repo });
    const io = captureIO();
    expect(await main(['new', '2', '--repo', repo], io)).toBe(0);
    expect(await readFile(join(repo, 'study/week2/jiwoo.md'), 'utf8')).toMatch(/^# Week 2 - jiwoo/);
  });

  it.each([
    [['new', '1'], '--name'], // nobody to look up
    [['new', '9', '--name', 'hgd'], '1부터 8까지'],
    [['new', 'abc', '--name', 'hgd'], '1부터 8까지'],
    [['new', '--name', 'hgd'], '주차를 하나'],
    [['new', '1', '--name', 'hgb'], '`hgd`'], // did you mean
    [['new', '1', '--name', '../x'], '쓸 수 없는 이름'],
    [['new', '1', '--bogus'], 'bogus'],
  ])('%j is a usage error (exit 2)', async (args, says) => {
    const io = captureIO();
    expect(await main([...args, '--repo', repo], io)).toBe(2);
    expect(io.err()).toContain(says);
  });

  it('with an empty roster any --name goes', async () => {
    await writeFile(join(repo, '.github/study.yml'), '');
    const io = captureIO();
    expect(await main(['new', 'week4', '--name', '김철수'.normalize('NFD'), '--repo', repo], io)).toBe(0);
    expect(await readFile(join(repo, 'study/week4/김철수.md'), 'utf8')).toMatch(/^# Week 4 - 김철수/);
  });
});

describe('machineFacts', () => {
  const probe = (over: Partial<MachineProbe> & { commands?: Record<string, string | null> }): MachineProbe => ({
    readText: over.readText ?? (async () => 'NAME="Ubuntu"\nPRETTY_NAME="Ubuntu 24.04.1 LTS"\nID=ubuntu\n'),
    kernelRelease: over.kernelRelease ?? (() => '6.8.0-45-generic'),
    run: async (cmd, args) => over.commands?.[[cmd, ...args].join(' ')] ?? null,
  });

  it('reads the OS, the kernel, bpftrace and bcc from dpkg', async () => {
    const facts = await machineFacts(
      probe({ commands: { 'bpftrace --version': 'bpftrace v0.20.2', 'dpkg-query -W -f=${Version} python3-bpfcc': '0.29.1+ds-1ubuntu7' } }),
    );
    expect(facts).toEqual({ os: 'Ubuntu 24.04.1 LTS', kernel: '6.8.0-45-generic', tools: 'bpftrace 0.20.2, bcc 0.29.1' });
  });

  it('falls back to python for bcc, and leaves out what is missing', async () => {
    expect(await machineFacts(probe({ commands: { "python3 -c import bcc; print(bcc.__version__)": '0.18.0' } }))).toEqual({
      os: 'Ubuntu 24.04.1 LTS',
      kernel: '6.8.0-45-generic',
      tools: 'bcc 0.18.0',
    });
    expect(await machineFacts(probe({ readText: async () => null, kernelRelease: () => '' }))).toEqual({});
  });

  it('understands unquoted PRETTY_NAME values', async () => {
    expect((await machineFacts(probe({ readText: async () => 'PRETTY_NAME=Arch\n' }))).os).toBe('Arch');
  });
});
