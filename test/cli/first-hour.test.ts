/**
 * Issue 16, "smaller, each seen": what a new member and a new organizer met in their first
 * hour, each through the CLI as they ran it.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'study-bot-first-hour-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function io(cwd: string, env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const cli: CliIO = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    cwd,
    env: { PATH: process.env.PATH, HOME: work, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: join(work, 'gitconfig'), ...env },
    isTTY: false,
  };
  return { cli, out: () => out, err: () => err };
}

const fresh = (name: string) => {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  return dir;
};

describe('study-bot new', () => {
  it('outside any repository refuses as check does, and writes nothing', async () => {
    const home = fresh('home');
    const t = io(home);
    expect(await main(['new', '1', '--name', 'kim', '--lang', 'en'], t.cli)).toBe(2);
    expect(t.err()).toMatch(/^study-bot new: .* does not look like a study repository .*nothing was written\./);
    expect(readdirSync(home)).toEqual([]);
    // check refuses there too: the two agree
    const c = io(home);
    expect(await main(['check', '--lang', 'en'], c.cli)).toBe(2);
  });

  it('--help shows --lang in the usage line, in both languages', async () => {
    for (const lang of ['ko', 'en']) {
      const t = io(work);
      expect(await main(['new', '--help', '--lang', lang], t.cli)).toBe(0);
      expect(t.out().split('\n')[0]).toMatch(/\[--lang ko\|en\]$/);
    }
  });

  it('weeks: 12 lets `new 9` write a note with its title, which check passes', async () => {
    const study = fresh('long-study');
    await execa('git', ['init', '-q'], { cwd: study });
    mkdirSync(join(study, '.github'));
    writeFileSync(join(study, '.github/study.yml'), 'weeks: 12\n');
    const t = io(study);
    expect(await main(['new', '9', '--name', 'kim', '--lang', 'en'], t.cli)).toBe(0);
    expect(readFileSync(join(study, 'study/week9/kim.md'), 'utf8')).toBe('# Week 9 - kim\n\n');
    expect(t.out()).toContain('no template or rubric for week 9');
    const c = io(study);
    expect(await main(['check', '--lang', 'en'], c.cli)).toBe(0);
    const past = io(study);
    expect(await main(['new', '13', '--name', 'kim', '--lang', 'en'], past.cli)).toBe(2);
    expect(past.err()).toContain('from 1 to 12');
  });
});

describe('--lang', () => {
  it.each([
    [['check', '--repo', '/nonexistent-study'], '--repo /nonexistent-study: no such folder'],
    [['check', 'no-such-note.md'], 'no-such-note.md: no such file'],
    [['check', '/etc/hostname'], '/etc/hostname: outside the repository'],
  ])('en: %j says it in English only', async (args, message) => {
    const t = io(repo);
    expect(await main([...args, '--lang', 'en'], t.cli)).toBe(2);
    expect(t.err()).toContain(message);
    expect(t.err()).not.toMatch(/[가-힣]/);
    const ko = io(repo);
    await main([...args, '--lang', 'ko'], ko.cli);
    expect(ko.err()).not.toMatch(/\((no such|outside)/);
  });

  it.each([[['--lang', 'fr', 'check']], [['--lang=fr', '--help']], [['check', '--lang', 'fr']], [['new', '1', '--lang', 'fr']]])('fr is refused: %j', async (args) => {
    const t = io(repo);
    expect(await main(args, t.cli)).toBe(2);
    expect(t.err()).toMatch(/--lang fr: ko 또는 en 중 하나여야 합니다/);
    expect(t.err()).not.toMatch(/알 수 없는 명령입니다/);
  });
});

describe('study-bot report', () => {
  it('from study/week1 reads the study at the top of the checkout (its roster, its notes)', async () => {
    const study = fresh('report-study');
    cpSync(join(repo, '.github/study.yml'), join(study, '.github/study.yml'));
    cpSync(join(repo, 'study/week1/hgd.md'), join(study, 'study/week1/hgd.md'));
    const env = { GIT_AUTHOR_NAME: 'hgd', GIT_AUTHOR_EMAIL: 'hgd@example.com', GIT_COMMITTER_NAME: 'hgd', GIT_COMMITTER_EMAIL: 'hgd@example.com' };
    await execa('git', ['init', '-q'], { cwd: study });
    await execa('git', ['add', '.'], { cwd: study });
    await execa('git', ['commit', '-qm', 'week 1'], { cwd: study, env });
    const t = io(join(study, 'study/week1'));
    expect(await main(['report', '--format', 'json', '--lang', 'en'], t.cli), t.err()).toBe(0);
    const report = JSON.parse(t.out()) as { members: { login: string }[] };
    expect(report.members.map((m) => m.login)).toContain('hong-gildong');
  });
});

/** The CLI as a member without root runs it: a child process as `nobody`. */
const asNobody = typeof process.getuid === 'function' && process.getuid() === 0 && existsSync('/usr/bin/setpriv');
describe.skipIf(!asNobody)('without root (run as nobody)', () => {
  const cli = (args: string[]) =>
    run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, join(repo, 'bin/study-bot.js'), ...args], {
      cwd: repo,
      env: { PATH: process.env.PATH, HOME: work, STUDY_BOT_RUNNER_DIR: join(work, 'no-runner') },
      timeout: 120_000,
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it('verify says once that bpftrace needs root, and runs nothing', async () => {
    const result = await cli(['verify', 'study/week1/hgd.md', '--lang', 'en']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('study-bot verify: bpftrace needs root: sudo study-bot verify study/week1/hgd.md\n');
    expect(result.stdout).toBe('');
  });

  it('doctor says tracefs is mounted but unreadable, not "not mounted"', async (ctx) => {
    const mounted = readFileSync('/proc/self/mounts', 'utf8').split('\n').find((l) => l.split(' ')[2] === 'tracefs');
    if (!mounted) return ctx.skip();
    const result = await cli(['doctor', '--lang', 'en']);
    expect(result.stdout).toMatch(/❌ tracefs +mounted at \/\S+, not readable by this user \(root only\)\n +fix: run with sudo: sudo study-bot doctor/);
    expect(result.stdout).not.toContain('not mounted');
    expect(result.stdout).toMatch(/kprobes +unknown: tracefs is not readable/);
    expect(result.stdout).toMatch(/vm-image +none in .*no-runner: the server's \/verify answers every request with a runner error/);
  });
});
