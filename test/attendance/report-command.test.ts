import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/report-command.js';
import type { CliIO } from '../../src/cli/io.js';
import { STUDY_YML } from '../helpers/attendance-study.js';

/**
 * A study checkout with real-looking history, built with git at test time: commits from a
 * VM as `Ubuntu <ubuntu@ip-…>`, a Korean file name committed decomposed (NFD, as macOS
 * does), a rename inside a week folder, a file moved in from the wrong place, a late file.
 */
let dir: string;
const VM = { GIT_AUTHOR_NAME: 'Ubuntu', GIT_AUTHOR_EMAIL: 'ubuntu@ip-172-31-7-12', GIT_COMMITTER_NAME: 'Ubuntu', GIT_COMMITTER_EMAIL: 'ubuntu@ip-172-31-7-12' };

function commit(message: string, date: string, change: () => void) {
  change();
  execFileSync('git', ['add', '-A'], { cwd: dir });
  execFileSync('git', ['commit', '-q', '-m', message], { cwd: dir, env: { ...process.env, ...VM, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
}
const write = (path: string, text = `# ${path}\n`) => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
};
const move = (from: string, to: string) => {
  mkdirSync(dirname(join(dir, to)), { recursive: true });
  renameSync(join(dir, from), join(dir, to));
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'study-report-'));
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  execFileSync('git', ['config', 'core.precomposeunicode', 'false'], { cwd: dir });
  commit('OT', '2025-09-03T12:00:00+09:00', () => {
    write('.github/study.yml', STUDY_YML);
    write('study/week1/OT.md');
  });
  commit('week1 hgd', '2025-09-06T23:10:00+09:00', () => write('study/week1/홍길동.md'.normalize('NFD')));
  commit('week1', '2025-09-07T10:00:00+09:00', () => {
    write('study/week1/jwk.md', '# Week 1 - 지우\n\nlong enough to be detected as the same file by git rename detection\n'.repeat(5));
    write('study/week1/이영희.md');
  });
  // the notes first landed in the project folder, then were moved where they belong (late)
  commit('oops', '2025-09-08T09:00:00+09:00', () => write('project/minsu/week1.md', 'minsu week 1 notes\n'.repeat(10)));
  commit('rename jwk -> jiwoo', '2025-09-13T09:00:00+09:00', () => move('study/week1/jwk.md', 'study/week1/jiwoo.md'));
  commit('move minsu notes', '2025-09-12T08:00:00+09:00', () => move('project/minsu/week1.md', 'study/week1/minsu.md'));
  commit('week2', '2025-09-14T21:00:00+09:00', () => {
    write('study/week2/hgd.md');
    write('study/week2/sora.md');
  });
  writeFileSync(
    join(dir, 'attendance.json'),
    JSON.stringify({ weeks: { '1': { 'hong-gildong': 'present', jiwoo: 'present', '이영희': '출석', minsu: 'absent', sora: 'excused' }, '2': { hgd: 'online' } } }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function report(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: dir, env: {}, isTTY: false };
  const code = await run(['--repo', dir, '--now', '2025-09-19T12:00:00+09:00', ...args], io);
  return { code, stdout, stderr };
}

describe('study-bot report', () => {
  it('gives the right table from git history: renames, NFD Korean names, moved files, VM commits', async () => {
    const { code, stdout } = await report('--format', 'json', '--attendance', 'attendance.json');
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    const week1 = Object.fromEntries(json.members.map((m: any) => [m.name, m.weeks['1']]));
    expect(week1.hgd).toEqual({
      attendance: 'present',
      submission: { path: 'study/week1/홍길동.md', firstSeen: '2025-09-06T23:10:00+09:00', onTime: true, status: null },
    });
    // renamed inside the folder: keeps the first-seen time of jwk.md
    expect(week1.jiwoo.submission).toMatchObject({ path: 'study/week1/jiwoo.md', firstSeen: '2025-09-07T10:00:00+09:00', onTime: true });
    // moved in from project/: it counts from when it arrived in the week folder
    expect(week1.minsu).toMatchObject({ attendance: 'absent', submission: { path: 'study/week1/minsu.md', firstSeen: '2025-09-12T08:00:00+09:00', onTime: false } });
    expect(week1.sora).toEqual({ attendance: 'excused', submission: null });
    // week 2 has attendance data (hgd online), so minsu without a record was absent there too
    expect(json.members.find((m: any) => m.name === 'minsu')).toMatchObject({ absences: 2, completion: 'at-risk' });
    expect(json.members.find((m: any) => m.name === 'hgd').weeks['2'].attendance).toBe('online');
    expect(json.weeks[1]).toEqual({ week: 2, session: '2025-09-11T20:00:00+09:00', deadline: '2025-09-18T20:00:00+09:00', mode: 'hybrid' });
  });

  it('markdown is the visible comment, without the hidden marker and ledger', async () => {
    const { code, stdout } = await report('--format', 'markdown', '--attendance', 'attendance.json');
    expect(code).toBe(0);
    expect(stdout.startsWith('## 📊 출석 · 제출 현황')).toBe(true);
    expect(stdout).not.toContain('study-bot:ledger');
    expect(stdout).toContain('| minsu<br><sub>park-minsu</sub> | **결석**<br>지각 제출 ⏳ |');
  });

  it('text for people', async () => {
    const { stdout } = await report();
    expect(stdout).toContain('jiwoo (jiwoo-kim) — 진행 중, 결석 0/3, 제출 1/8');
    expect(stdout).toContain('  1주차  -     제출 ⏳ study/week1/jiwoo.md (9/7 (일) 10:00)');
    expect(stdout).toContain('  1주차  -     제출 ⏳ study/week1/홍길동.md (9/6 (토) 23:10)');
  });

  it.each([
    [['--format', 'html'], '--format html: expected text, markdown or json'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['--now', 'yesterday'], '--now yesterday'],
  ])('bad usage %j exits 2 with a message', async (args, message) => {
    const { code, stderr } = await report(...args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('a broken attendance file names the entry and what is expected', async () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ weeks: { '1': { nobody: 'present', hgd: 'maybe' } } }));
    const { code, stderr } = await report('--attendance', 'bad.json');
    expect(code).toBe(2);
    expect(stderr).toContain('weeks.1.nobody: not on the roster');
    expect(stderr).toContain('"maybe" is not one of present, online, absent, excused');
  });

  it('a directory without git history is a clear error', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'not-git-'));
    let stderr = '';
    const code = await run(['--repo', empty], { stdout: () => {}, stderr: (t) => (stderr += t), cwd: empty, env: {}, isTTY: false });
    rmSync(empty, { recursive: true, force: true });
    expect(code).toBe(2);
    expect(stderr).toContain('git 기록을 읽을 수 없습니다');
  });
});
