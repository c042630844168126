import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
  // the bundled example notes: a submission that passes its rubric
  commit('week1 hgd', '2025-09-06T23:10:00+09:00', () => write('study/week1/홍길동.md'.normalize('NFD'), readFileSync(new URL('../../study/week1/hgd.md', import.meta.url), 'utf8')));
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
  it('--week N --nudge prints the reminder the bot would post: only who owes, with the missing file or the failing items', async () => {
    const { code, stdout } = await report('--week', '2', '--nudge');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^### ⏰ 2주차 마감 24시간 전/);
    // no week-2 note
    expect(stdout).toContain('- @jiwoo-kim (jiwoo)\n  - 2주차 노트가 아직 없습니다: `study/week2/jiwoo.md`');
    // a week-2 note that fails the rubric, with its items and the command that checks it
    expect(stdout).toMatch(/- @hong-gildong \(hgd\)\n  - `study\/week2\/hgd\.md`이\(가\) 루브릭 항목을 통과하지 못했습니다:\n    - `[a-z-]+`/);
    expect(stdout).toContain('  - 확인: `study-bot check study/week2/hgd.md`');
    const en = await report('--week', '2', '--nudge', '--lang', 'en');
    expect(en.stdout).toContain('no week 2 note yet: `study/week2/jiwoo.md`');
    expect((await report('--nudge')).code).toBe(2);
    expect((await report('--week', '9', '--nudge')).stderr).toContain('9주차는 없습니다');
  });

  it('never says 수료 after the study without attendance data, in any format', async () => {
    const after = ['--now', '2025-11-30T12:00:00+09:00'];
    const json = JSON.parse((await report('--format', 'json', ...after)).stdout);
    expect(json.members.length).toBeGreaterThan(0);
    expect(json.members.map((m: any) => m.completion)).toEqual(json.members.map(() => 'unknown'));
    const text = (await report(...after)).stdout;
    expect(text).not.toMatch(/— 수료,/);
    expect(text).toMatch(/— 미정 \(출석 기록 부족\), 결석 0\/3/);
    expect((await report('--format', 'markdown', ...after)).stdout).not.toContain('🎓');
  });

  it('gives the right table from git history: renames, NFD Korean names, moved files, VM commits', async () => {
    const { code, stdout } = await report('--format', 'json', '--attendance', 'attendance.json');
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    const week1 = Object.fromEntries(json.members.map((m: any) => [m.name, m.weeks['1']]));
    expect(week1.hgd).toEqual({
      attendance: 'present',
      submission: { path: 'study/week1/홍길동.md', firstSeen: '2025-09-06T23:10:00+09:00', onTime: true, status: 'pass' },
    });
    // renamed inside the folder: keeps the first-seen time of jwk.md
    expect(week1.jiwoo.submission).toMatchObject({ path: 'study/week1/jiwoo.md', firstSeen: '2025-09-07T10:00:00+09:00', onTime: true });
    // checked offline with the week's rubric, like the push check would: a stub without one-liners fails
    expect(week1.jiwoo.submission.status).toBe('fail');
    // moved in from project/: it counts from when it arrived in the week folder
    expect(week1.minsu).toMatchObject({ attendance: 'absent', submission: { path: 'study/week1/minsu.md', firstSeen: '2025-09-12T08:00:00+09:00', onTime: false } });
    expect(week1.sora).toEqual({ attendance: 'excused', submission: null });
    // week 2 has attendance data (hgd online), so minsu without a record was absent there too
    expect(json.members.find((m: any) => m.name === 'minsu')).toMatchObject({ absences: 2, completion: 'at-risk' });
    expect(json.members.find((m: any) => m.name === 'hgd').weeks['2'].attendance).toBe('online');
    expect(json.weeks[1]).toEqual({ week: 2, session: '2025-09-11T20:00:00+09:00', deadline: '2025-09-18T20:00:00+09:00', mode: 'hybrid', accepts: 'note' });
  });

  it('markdown is the visible comment, without the hidden marker and ledger', async () => {
    const { code, stdout } = await report('--format', 'markdown', '--attendance', 'attendance.json');
    expect(code).toBe(0);
    expect(stdout.startsWith('## 📊 출석 · 제출 현황')).toBe(true);
    expect(stdout).not.toContain('study-bot:ledger');
    expect(stdout).toContain('| minsu<br><sub>park-minsu</sub> | **결석**<br>지각 제출 ❌ |');
  });

  it('text for people', async () => {
    const { stdout } = await report();
    expect(stdout).toContain('jiwoo (jiwoo-kim) — 진행 중, 결석 0/3, 제출 1/8');
    expect(stdout).toContain('  1주차  -     제출 ❌ study/week1/jiwoo.md (9/7 (일) 10:00)');
    expect(stdout).toContain('  1주차  -     제출 ✅ study/week1/홍길동.md (9/6 (토) 23:10)');
    expect(stdout).not.toContain('⏳');
  });

  it.each([
    [['--format', 'html'], '--format html: text, markdown, json 중 하나여야 합니다'],
    [['--format', 'jsn'], '--format jsn: text, markdown, json 중 하나여야 합니다 — `json`을(를) 말씀하신 건가요?'],
    [['--formt', 'json'], '알 수 없는 옵션입니다: --formt — `--format`을(를) 말씀하신 건가요?'],
    [['--bogus'], '알 수 없는 옵션입니다: --bogus'],
    [['--now', 'yesterday'], '--now yesterday: 2025-10-17T12:00:00+09:00 같은 ISO 시각이어야 합니다'],
    [['--lang', 'en', '--format', 'jsn'], '--format jsn: expected text, markdown or json — did you mean `json`?'],
    [['--now', 'yesterday', '--lang', 'en'], '--now yesterday: expected an ISO time such as 2025-10-17T12:00:00+09:00'],
    [['--lang', 'en', '--formt', 'json'], 'unknown option --formt — did you mean `--format`?'],
  ])('bad usage %j exits 2 with a message', async (args, message) => {
    const { code, stderr } = await report(...args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).not.toContain('To specify a positional argument');
  });

  it('--help is Korean first, English with --lang en', async () => {
    const ko = await report('--help');
    expect(ko.code).toBe(0);
    expect(ko.stdout).toMatch(/^사용법: study-bot report \[--repo 폴더\]/);
    const en = await report('--help', '--lang', 'en');
    expect(en.stdout).toMatch(/^usage: study-bot report \[--repo DIR\]/);
    expect(en.stdout).not.toMatch(/[가-힣]/);
  });

  it('a broken attendance file names the entry and what is expected, in the study language or --lang', async () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ weeks: { '1': { nobody: 'present', hgd: 'maybe' }, '9': {}, x: [] }, extra: 1 }));
    const ko = await report('--attendance', 'bad.json');
    expect(ko.code).toBe(2);
    expect(ko.stderr.split('\n').filter(Boolean)).toEqual([
      'bad.json: extra: 알 수 없는 키입니다 (weeks만 씁니다)',
      'bad.json: weeks.1.nobody: 명단에 없습니다 (members의 login이나 name을 쓰세요)',
      'bad.json: weeks.1.hgd: "maybe"은(는) 출석, 온라인, 결석, 공결 (present, online, absent, excused) 중 하나가 아닙니다',
      'bad.json: weeks.9: 8주차까지만 있습니다 (1–8)',
      'bad.json: weeks.x: 8주차까지만 있습니다 (1–8)',
      'bad.json: weeks.x: {"아이디": "출석"} 모양이어야 합니다',
    ]);
    const en = await report('--attendance', 'bad.json', '--lang', 'en');
    expect(en.stderr).toContain('weeks.1.nobody: not on the roster');
    expect(en.stderr).toContain('"maybe" is not one of present, online, absent, excused');
    writeFileSync(join(dir, 'not-json.json'), '{"weeks": ');
    expect((await report('--attendance', 'not-json.json')).stderr).toMatch(/^not-json\.json: JSON이 아닙니다: /);
    expect((await report('--attendance', 'missing.json')).stderr).toBe('study-bot report: --attendance missing.json: 파일을 읽을 수 없습니다 (ENOENT)\n');
  });

  it('online on an in-person week is an absence, and the cell says so', async () => {
    writeFileSync(join(dir, 'online-week1.json'), JSON.stringify({ weeks: { '1': { 'park-minsu': 'online', hgd: '출석' }, '2': { minsu: '온라인' } } }));
    const json = JSON.parse((await report('--format', 'json', '--attendance', 'online-week1.json')).stdout);
    const minsu = json.members.find((m: any) => m.name === 'minsu');
    expect(minsu.weeks['1']).toMatchObject({ attendance: 'absent', refused: 'online-on-offline-week' });
    expect(minsu.weeks['2'].attendance).toBe('online');
    expect(minsu.absences).toBe(1);
    const text = (await report('--attendance', 'online-week1.json')).stdout;
    expect(text).toContain('minsu (park-minsu) — 진행 중, 결석 1/3, 제출 1/8');
    expect(text).toContain('  1주차  온라인 (불인정)  지각 제출 ❌ study/week1/minsu.md');
    expect(text).toContain('  2주차  온라인   미제출');
    const markdown = (await report('--format', 'markdown', '--attendance', 'online-week1.json')).stdout;
    expect(markdown).toContain('| minsu<br><sub>park-minsu</sub> | **온라인 (불인정)**<br>지각 제출 ❌ |');
  });

  it('a directory without git history is a clear error', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'not-git-'));
    const outside = async (...args: string[]) => {
      let stderr = '';
      const code = await run(args, { stdout: () => {}, stderr: (t) => (stderr += t), cwd: empty, env: {}, isTTY: false });
      return { code, stderr };
    };
    try {
      const notGit = await outside('--repo', empty);
      expect(notGit).toEqual({ code: 2, stderr: `study-bot report: ${empty}: git 저장소가 아닙니다 — 스터디 저장소를 clone한 폴더를 --repo로 주세요\n` });
      expect((await outside('--repo', empty, '--lang', 'en')).stderr).toContain('not a git repository');
      execFileSync('git', ['init', '-q'], { cwd: empty });
      expect((await outside('--repo', empty)).stderr).toContain('커밋이 아직 없는 git 저장소입니다');
      // not `spawn git ENOENT`, which reads as "git is not installed"
      const missing = await outside('--repo', join(empty, 'nonexist'));
      expect(missing).toEqual({ code: 2, stderr: 'study-bot report: --repo ' + join(empty, 'nonexist') + ': 폴더가 없습니다\n' });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
