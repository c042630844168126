import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport, FileReport } from '../../src/check/types.js';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';

const FIXTURE = new URL('../fixtures/messy-study/', import.meta.url);

function captureIO(cwd: string, env: NodeJS.ProcessEnv = {}): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    cwd,
    env,
    isTTY: false,
    out: () => out,
    err: () => err,
  };
}

let dir: string;
const NFD_NAME = '김철수'.normalize('NFD');

beforeAll(async () => {
  // A copy, not a git checkout: the walk is used, and the odd files below stay out of the repository.
  dir = await mkdtemp(join(tmpdir(), 'messy-study-'));
  await cp(FIXTURE, dir, { recursive: true });
  // macOS commits Hangul decomposed; creating the name here keeps git from mangling it.
  const good = (await readFile(join(dir, 'study/week1/hgd.md'), 'utf8')).replace('# Week 1 - 홍길동', '# Week 1 - 김철수');
  await writeFile(join(dir, `study/week1/${NFD_NAME}.md`), good.replaceAll('hgd_md/', '../week1/hgd_md/'));
  // a 3 MB markdown file: over the limit, never parsed
  const paragraph = '## 학습 내용\n\n' + '- 아주 긴 출력을 통째로 붙였습니다. '.repeat(40) + '\n\n';
  await mkdir(join(dir, 'study/week6'), { recursive: true });
  await writeFile(join(dir, 'study/week6/minsu.md'), `# Week 6 - minsu\n\n${paragraph.repeat(Math.ceil((3 * 1024 * 1024) / Buffer.byteLength(paragraph)))}`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const byPath = (report: CheckReport) => new Map(report.files.map((f) => [f.path.normalize('NFC'), f]));

describe('study-bot check on a messy study repository', () => {
  let report: CheckReport;
  let exitCode: number;

  beforeAll(async () => {
    const io = captureIO(dir);
    exitCode = await main(['check', '--repo', dir, '--format', 'json'], io);
    expect(io.err()).toBe('');
    report = JSON.parse(io.out()) as CheckReport;
  });

  it('fails (exit 1) because some notes fail', () => {
    expect(exitCode).toBe(1);
  });

  it('gives every file the right kind and verdict', () => {
    const files = byPath(report);
    const verdict = (path: string) => {
      const f = files.get(path);
      if (!f) throw new Error(`${path} missing from the report: ${[...files.keys()].join(', ')}`);
      return [f.kind, f.week, f.member, f.status];
    };
    expect(
      Object.fromEntries(
        [
          '.github/study.yml',
          'study/week1/README.md',
          'study/week1/OT.md',
          'study/week1/hgd.md',
          'study/week1/hgd_md/practice_1.png',
          'study/week1/jiwoo.md',
          'study/week1/김철수.md',
          'study/week1/민수.md',
          'study/week1/seoyeon.md',
          'study/week2/jiwoo.md',
          'study/week2/jiwoo_assets/map.png',
          'study/week2/jiwo.md',
          'study/week3/hgd_week3.md',
          'study/week4/hgd.md',
          'study/week4/jiwoo.md',
          'study/week4/minsu.md',
          'study/week5/hgd.md',
          'study/week6/minsu.md',
          'study/week01/minsu.md',
          'Study/Week2/seoyeon.md',
          'project/README.md',
          'project/hgd/README.md',
          'project/hgd/trace.py',
          'project/hgd/week2.md',
          'projects/minsu/README.md',
        ].map((p) => [p, verdict(p)]),
      ),
    ).toEqual({
      '.github/study.yml': ['config', null, null, null],
      'study/week1/README.md': ['ignored', 1, null, null],
      'study/week1/OT.md': ['ignored', null, null, null],
      'study/week1/hgd.md': ['submission', 1, 'hgd', 'pass'],
      'study/week1/hgd_md/practice_1.png': ['asset', 1, 'hgd', null],
      'study/week1/jiwoo.md': ['submission', 1, 'jiwoo', 'fail'],
      'study/week1/김철수.md': ['submission', 1, '김철수', 'pass'],
      'study/week1/민수.md': ['submission', 1, 'minsu', 'fail'],
      'study/week1/seoyeon.md': ['submission', 1, 'seoyeon', 'fail'],
      'study/week2/jiwoo.md': ['submission', 2, 'jiwoo', 'warn'], // on topic; only an image is missing
      'study/week2/jiwoo_assets/map.png': ['asset', 2, 'jiwoo', null],
      'study/week2/jiwo.md': ['unknown', 2, null, null],
      'study/week3/hgd_week3.md': ['misplaced', 3, 'hgd', null],
      'study/week4/hgd.md': ['submission', 4, 'hgd', 'fail'],
      'study/week4/jiwoo.md': ['submission', 4, 'jiwoo', 'fail'],
      'study/week4/minsu.md': ['submission', 4, 'minsu', 'fail'],
      'study/week5/hgd.md': ['submission', 5, 'hgd', 'fail'],
      'study/week6/minsu.md': ['submission', 6, 'minsu', 'fail'],
      'study/week01/minsu.md': ['misplaced', 1, 'minsu', null],
      'Study/Week2/seoyeon.md': ['misplaced', 2, 'seoyeon', null],
      'project/README.md': ['ignored', null, null, null],
      'project/hgd/README.md': ['project', null, 'hgd', null],
      'project/hgd/trace.py': ['project', null, 'hgd', null],
      'project/hgd/week2.md': ['misplaced', 2, 'hgd', null],
      'projects/minsu/README.md': ['misplaced', null, 'minsu', null],
    });
  });

  it('leaves files outside the study out of the report', () => {
    expect(byPath(report).has('README.md')).toBe(false);
  });

  it('keeps the NFD path as it is on disk', () => {
    expect(report.files.some((f) => f.path === `study/week1/${NFD_NAME}.md`)).toBe(true);
  });

  const rulesOf = (f: FileReport | undefined) => f?.findings.map((x) => `${x.severity}:${x.rule}`) ?? [];

  it('explains each failure with the right rule', () => {
    const files = byPath(report);
    const jiwoo = files.get('study/week1/jiwoo.md');
    expect(jiwoo?.oneliners).toBe(4); // one of them in an unlabeled code block
    expect(rulesOf(jiwoo)).toEqual(['warning:title', 'warning:sections', 'error:oneliner-count']);
    expect(jiwoo?.findings.find((f) => f.rule === 'sections')).toMatchObject({ line: 8 });
    expect(jiwoo?.findings.find((f) => f.rule === 'oneliner-count')?.message).toContain('4/5');
    expect(files.get('study/week1/hgd.md')?.oneliners).toBe(5);
    expect(rulesOf(files.get('study/week1/seoyeon.md'))).toEqual(['error:file-format']);
    expect(rulesOf(files.get('study/week4/minsu.md'))).toEqual(['error:file-encoding']);
    expect(files.get('study/week4/minsu.md')?.findings[0]).toMatchObject({ line: 1 });
    expect(files.get('study/week4/minsu.md')?.findings[0].message).toContain('EUC-KR');
    expect(rulesOf(files.get('study/week4/hgd.md'))).toEqual(['error:file-empty']);
    expect(rulesOf(files.get('study/week6/minsu.md'))).toEqual(['error:file-size']);
    expect(files.get('study/week6/minsu.md')?.oneliners).toBeNull();
    // only front matter: no title is a form problem (warning), nothing on the topic fails it
    expect(rulesOf(files.get('study/week4/jiwoo.md'))).toEqual(expect.arrayContaining(['warning:title', 'error:topic-coverage']));
    expect(rulesOf(files.get('study/week5/hgd.md'))).toContain('error:title'); // `# Week 4` inside week5/
    const links = files.get('study/week2/jiwoo.md')?.findings.filter((f) => f.rule === 'links') ?? [];
    expect(links.map((f) => f.line)).toEqual([18]); // the missing image; the <img> that exists is fine
    expect(rulesOf(files.get('study/week1/민수.md'))).toEqual(expect.arrayContaining(['warning:title', 'error:sections']));
  });

  it('tells where misplaced and unknown files belong', () => {
    const files = byPath(report);
    const message = (p: string) => files.get(p)?.findings.map((f) => `${f.rule}/${f.severity}: ${f.message}`).join('\n');
    // minsu already has week 1's notes under the alias 민수: no move onto them, say there are two
    expect(message('study/week01/minsu.md')).toBe('path/warning: 주차 노트의 경로가 규칙과 다릅니다 — 이미 `study/week1/민수.md`이(가) 있습니다 — 둘 중 하나를 정리하세요');
    // notes where the bot cannot count them fail until moved
    expect(message('project/hgd/week2.md')).toMatch(/^path\/error: /);
    expect(message('Study/Week2/seoyeon.md')).toContain('`study/week2/seoyeon.md`');
    expect(message('study/week3/hgd_week3.md')).toContain('`study/week3/hgd.md`');
    expect(message('project/hgd/week2.md')).toContain('`study/week2/hgd.md`');
    expect(message('projects/minsu/README.md')).toContain('`project/minsu/README.md`');
    expect(message('study/week2/jiwo.md')).toContain('`jiwoo`');
  });

  it('prints the text report a member reads', async () => {
    const io = captureIO(dir);
    const code = await main(['check', '--repo', dir], io);
    expect(code).toBe(1);
    const text = io.out().replace(dir, '<repo>').normalize('NFC');
    expect(text).not.toMatch(/\u001b\[/); // no colours when not a terminal
    await expect(text).toMatchFileSnapshot('__snapshots__/messy-study.txt');
  });

  it('checks only the PATHs given, relative to the current folder', async () => {
    const io = captureIO(join(dir, 'study/week1'));
    const code = await main(['check', '--repo', dir, '--format', 'json', 'hgd.md', '../week2'], io);
    expect(io.err()).toBe('');
    const paths = (JSON.parse(io.out()) as CheckReport).files.map((f) => f.path);
    expect(paths).toEqual(['study/week1/hgd.md', 'study/week2/jiwo.md', 'study/week2/jiwoo.md', 'study/week2/jiwoo_assets/map.png']);
    // jiwoo.md only lacks an image (warning); jiwo.md is a second copy of it (warning)
    expect(code).toBe(0);
    const one = captureIO(dir);
    expect(await main(['check', '--repo', dir, 'study/week1/hgd.md'], one)).toBe(0);
    expect(one.out()).toContain('✅ study/week1/hgd.md');
  });

  it('speaks English with --lang en', async () => {
    const io = captureIO(dir);
    await main(['check', '--repo', dir, '--lang', 'en', 'study/week1/jiwoo.md', 'study/week2/jiwo.md'], io);
    expect(io.out()).toContain('one-liners: 4/5');
    expect(io.out()).toContain('did you mean `jiwoo`?');
    expect(io.out()).not.toMatch(/[가-힣]{2,}\s(?:주차|파일)/);
  });
});

describe('study-bot check: usage and config errors exit 2', () => {
  it.each([
    [['check', '--format', 'xml']],
    [['check', '--lang', 'jp']],
    [['check', '--bogus']],
    [['check', '--repo', '/nonexistent/study']],
  ])('%j', async (args) => {
    const io = captureIO(dir);
    expect(await main(args, io)).toBe(2);
    expect(io.err()).toMatch(/\S/);
    expect(io.out()).toBe('');
  });

  it('a PATH that does not exist or is outside the repository', async () => {
    const io = captureIO(dir);
    expect(await main(['check', '--repo', dir, 'study/week9/nobody.md'], io)).toBe(2);
    expect(io.err()).toContain('study/week9/nobody.md');
    const outside = captureIO(dir);
    expect(await main(['check', '--repo', dir, '/etc/passwd'], outside)).toBe(2);
  });

  it('prints each config problem as FILE:LINE key: message', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'bad-config-'));
    try {
      await mkdir(join(repo, '.github'));
      await writeFile(join(repo, '.github/study.yml'), 'language: ko\nschedul:\n  timezone: Asia/Seoul\nweeks: eight\n');
      const io = captureIO(repo);
      expect(await main(['check', '--repo', repo], io)).toBe(2);
      const lines = io.err().split('\n');
      expect(lines[0]).toBe('.github/study.yml:2 schedul: 알 수 없는 키입니다 — `schedule`을(를) 말씀하신 건가요? (쓸 수 있는 키: language, weeks, schedule, paths, submissions, ignore, members, checks, attendance, nudges, verify)');
      expect(lines[1]).toMatch(/^\.github\/study\.yml:4 weeks: 숫자여야 합니다/);
      expect(io.out()).toBe('');
      const missing = captureIO(repo);
      expect(await main(['check', '--repo', repo, '--config', 'nope.yml'], missing)).toBe(2);
      expect(missing.err()).toContain('nope.yml');
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });

  it('--help prints the usage and exits 0', async () => {
    const io = captureIO(dir);
    expect(await main(['check', '--help'], io)).toBe(0);
    expect(io.out()).toContain('사용법: study-bot check');
  });
});

describe('study-bot check without a config', () => {
  it('uses the defaults and accepts every name', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'no-config-'));
    try {
      await mkdir(join(repo, 'study/week2'), { recursive: true });
      await writeFile(join(repo, 'study/week2/anyone.md'), '# Week 2 - anyone\n');
      const io = captureIO(repo);
      const code = await main(['check', '--repo', repo, '--format', 'json'], io);
      const report = JSON.parse(io.out()) as CheckReport;
      expect(report.files).toEqual([expect.objectContaining({ path: 'study/week2/anyone.md', kind: 'submission', member: 'anyone', status: 'fail' })]);
      expect(code).toBe(1);
      const text = captureIO(repo);
      await main(['check', '--repo', repo], text);
      expect(text.out()).toContain('설정 파일 없음');
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });

  it('an empty study says how to start', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'empty-study-'));
    try {
      await mkdir(join(repo, 'study'));
      const io = captureIO(repo);
      expect(await main(['check', '--repo', repo], io)).toBe(0);
      expect(io.out()).toContain('study-bot new 1');
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });
});

describe('study-bot check outside a study repository', () => {
  let outside: string;
  beforeAll(async () => {
    // A home or /tmp folder: clones of other repositories, no study/ and no config.
    outside = await mkdtemp(join(tmpdir(), 'not-a-study-'));
    await cp(FIXTURE, join(outside, 'someone-elses-clone'), { recursive: true });
    await mkdir(join(outside, 'notes/week1'), { recursive: true });
    await writeFile(join(outside, 'notes/week1/hgd.md'), '# Week 1 - hgd\n');
  });
  afterAll(async () => {
    await rm(outside, { recursive: true, force: true });
  });

  it('says so (Korean first, then English), lists nothing and exits 2', async () => {
    const io = captureIO(outside);
    expect(await main(['check', '--repo', outside], io)).toBe(2);
    expect(io.out()).toBe('');
    const err = io.err();
    expect(err).toContain('스터디 저장소가 아닌 것 같습니다');
    expect(err).toContain('--repo <스터디 저장소 폴더>');
    expect(err.indexOf('스터디 저장소가 아닌')).toBeLessThan(err.indexOf('does not look like a study repository'));
    expect(err).not.toContain('잘못된 위치');
  });

  it('also for --format json (nothing on stdout) and in one language with --lang', async () => {
    const json = captureIO(outside);
    expect(await main(['check', '--repo', outside, '--format', 'json', '--lang', 'en'], json)).toBe(2);
    expect(json.out()).toBe('');
    expect(json.err()).toContain('does not look like a study repository');
    expect(json.err()).not.toMatch(/[가-힣]/);
  });

  it('a repository with only a `Study/` folder of the wrong case is still a study', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'case-study-'));
    try {
      await mkdir(join(repo, 'Study/Week1'), { recursive: true });
      await writeFile(join(repo, 'Study/Week1/hgd.md'), '# Week 1 - hgd\n');
      const io = captureIO(repo);
      // checked as a study, and the notes fail until they move where the bot counts them
      expect(await main(['check', '--repo', repo, '--format', 'json'], io)).toBe(1);
      expect((JSON.parse(io.out()) as CheckReport).files).toEqual([expect.objectContaining({ path: 'Study/Week1/hgd.md', kind: 'misplaced' })]);
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });
});
