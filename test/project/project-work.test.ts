import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyChanges, decodeLedger, emptyLedger, encodeLedger, type LedgerChange } from '../../src/attendance/ledger.js';
import { computeReport, submissionCount } from '../../src/attendance/compute-report.js';
import { buildSchedule } from '../../src/attendance/schedule.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { StudyConfig } from '../../src/config/schema.js';
import { studyPaths } from '../../src/paths/study-paths.js';
import { attributeCommits, commitKey, type ProjectCommit } from '../../src/project/project-work.js';
import { main } from '../../src/cli/main.js';

const STUDY = `schedule:
  firstSession: "2026-09-03T20:00"
members:
  - login: kim-gh
    name: kim
  - login: yhc-dev
    name: yhc
    aliases: [윤현철]
`;
const configOf = (text: string): StudyConfig => {
  const parsed = parseConfig(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config;
};
const config = configOf(STUDY);
const schedule = buildSchedule(config);
const seoul = (local: string) => Date.parse(`${local}:00+09:00`);
const FIXTURES = new URL('../fixtures/project/', import.meta.url).pathname;

const commit = (message: string, at: string, paths: string[], pusher: string | null = 'kim-gh'): ProjectCommit => ({
  key: commitKey(at, message),
  message,
  at: seoul(at),
  pusher,
  files: paths.map((path) => ({ path, lines: 10 })),
});

describe('whose project work a path is', () => {
  it.each([
    ['project/kim/xdp.bpf.c', 'kim'],
    ['projects/yhc/hello.py', 'yhc'], // the plural folder of a real study: misplaced, still the member's work
    ['project/윤현철/trace.bt', 'yhc'], // an alias
    ['project/ebpf-monitor/main.go', 'kim'], // a folder named for the project: the pusher's
    ['study/week5/kim.md', null],
    ['README.md', null],
  ] as const)('%s → %s', (path, owner) => {
    expect(studyPaths(config).projectOwnerOf(path, 'kim-gh')).toBe(owner);
  });

  it('a folder named for the project and a pusher outside the roster: nobody', () => {
    expect(studyPaths(config).projectOwnerOf('project/ebpf-monitor/main.go', 'stranger')).toBeNull();
  });
});

describe('project work in the ledger', () => {
  const work = (commits: ProjectCommit[]): LedgerChange[] => attributeCommits(commits, config, schedule).map((w) => ({ kind: 'work', work: w }));

  it("counts a week's commits once, by the message's week or the window, and shows them in the report", () => {
    const changes = work([
      commit('add: 4week assignment', '2026-09-20T11:00', ['project/kim/minimal.bpf.c', 'project/kim/minimal.c']),
      commit('kprobe', '2026-10-12T11:00', ['project/kim/kprobe.bpf.c']),
      commit('6주차', '2026-10-14T11:00', ['projects/yhc/hello.py', 'projects/yhc/trace.bt'], 'yhc-dev'),
      commit('docs only', '2026-10-14T12:00', ['study/week6/yhc.md'], 'yhc-dev'),
    ]);
    const ledger = applyChanges(emptyLedger(), changes);
    expect(Object.keys(ledger.work ?? {}).sort()).toEqual(['4/kim', '6/kim', '6/yhc']);
    expect(ledger.work?.['6/yhc']).toMatchObject({ files: ['projects/yhc/hello.py', 'projects/yhc/trace.bt'], ebpf: ['projects/yhc/trace.bt'] });

    const report = computeReport({ config, schedule, ledger, now: new Date(seoul('2026-11-30T00:00')) });
    const kim = report.members.find((m) => m.name === 'kim')!;
    expect(kim.weeks['4'].project).toEqual({
      commits: 1,
      files: 2,
      lines: 20,
      ebpf: ['project/kim/minimal.bpf.c'],
      firstSeen: '2026-09-20T11:00:00+09:00',
      onTime: true,
    });
    expect(report.weeks.map((w) => w.accepts)).toEqual(['note', 'note', 'note', 'either', 'either', 'either', 'either', 'note']);
    expect(submissionCount(kim, report)).toBe(2);
  });

  it('project work does not count for a week that takes only the note, and counts alone where the config says project', () => {
    const strict = configOf(`${STUDY}submissions:\n  "4": note\n  "6": project\n`);
    const ledger = applyChanges(emptyLedger(), work([
      commit('week4', '2026-09-25T11:00', ['project/kim/a.bpf.c']),
      commit('week6', '2026-10-12T11:00', ['project/kim/b.bpf.c']),
    ]));
    const report = computeReport({ config: strict, schedule, ledger, now: new Date(seoul('2026-11-30T00:00')) });
    const kim = report.members.find((m) => m.name === 'kim')!;
    expect(report.weeks[3].accepts).toBe('note');
    expect(report.weeks[5].accepts).toBe('project');
    expect(submissionCount(kim, report)).toBe(1);
  });

  it('a rebased or force-pushed commit (same author date and message, new sha, pushed later) is counted once and keeps its first-seen time', () => {
    const first = commit('week5 kim', '2026-10-03T11:00', ['project/kim/xdp.bpf.c']);
    const rewritten = { ...first, at: seoul('2026-10-20T09:00') }; // the same commit re-pushed after a rebase
    const once = applyChanges(emptyLedger(), work([first]));
    const twice = applyChanges(once, [...work([rewritten]), ...work([first])]);
    expect(twice.work?.['5/kim']).toEqual(once.work?.['5/kim']);
    expect(twice.work?.['5/kim']?.firstSeen).toBe(seoul('2026-10-03T11:00'));
    // A later push learns an earlier time (a delivery that arrived late): it moves earlier only.
    const earlier = applyChanges(twice, work([{ ...first, at: seoul('2026-10-02T21:00') }]));
    expect(earlier.work?.['5/kim']?.firstSeen).toBe(seoul('2026-10-02T21:00'));
  });

  it('survives the comment: encoded, signed and decoded, the record is the same', () => {
    const ledger = applyChanges(emptyLedger(), work([
      commit('week5 kim', '2026-10-03T11:00', ['project/kim/xdp.bpf.c', 'project/kim/Makefile']),
      { ...commit('6주차', '2026-10-14T11:00', ['projects/yhc/hello.py'], 'yhc-dev'), files: [{ path: 'projects/yhc/hello.py', lines: null }] },
    ]));
    const decoded = decodeLedger(encodeLedger(ledger));
    expect(decoded.ok && decoded.ledger.work).toEqual(ledger.work);
  });
});

describe('study-bot report, offline, from git history of real eBPF code', () => {
  it('counts project commits per week and names the eBPF sources (libbpf-bootstrap, bcc)', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'study-bot-project-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
    const at = (when: string, message: string) =>
      execFileSync('git', ['-c', 'user.name=Ubuntu', '-c', 'user.email=ubuntu@ip-172-31-7-12', 'commit', '-qm', message, '--date', when], {
        cwd: repo,
        env: { ...process.env, GIT_COMMITTER_DATE: when },
      });
    git('init', '-q');
    mkdirSync(join(repo, '.github'));
    writeFileSync(join(repo, '.github/study.yml'), STUDY);
    mkdirSync(join(repo, 'project/kim'), { recursive: true });
    mkdirSync(join(repo, 'projects/yhc'), { recursive: true });
    cpSync(join(FIXTURES, 'libbpf-bootstrap/minimal.bpf.c'), join(repo, 'project/kim/minimal.bpf.c'));
    cpSync(join(FIXTURES, 'libbpf-bootstrap/minimal.c'), join(repo, 'project/kim/minimal.c'));
    git('add', '-A');
    at('2026-09-20T11:00:00+09:00', 'add: 4week assignment');
    cpSync(join(FIXTURES, 'bcc/examples/task_switch.py'), join(repo, 'projects/yhc/task_switch.py'));
    cpSync(join(FIXTURES, 'bcc/examples/task_switch.c'), join(repo, 'projects/yhc/task_switch.c'));
    git('add', '-A');
    at('2026-10-14T11:00:00+09:00', '6주차');

    let out = '';
    const code = await main(['report', '--repo', repo, '--format', 'json', '--now', '2026-11-30T00:00:00+09:00'], {
      stdout: (t) => void (out += t),
      stderr: () => {},
      cwd: repo,
      env: {},
      isTTY: false,
    });
    expect(code).toBe(0);
    const report = JSON.parse(out) as { members: { name: string; weeks: Record<string, { project?: { commits: number; files: number; lines: number; ebpf: string[] } }> }[] };
    const kim = report.members.find((m) => m.name === 'kim')!;
    const yhc = report.members.find((m) => m.name === 'yhc')!;
    // minimal.c is libbpf-bootstrap's user-space loader: touched, not an eBPF source
    expect(kim.weeks['4'].project).toMatchObject({ commits: 1, files: 2, ebpf: ['project/kim/minimal.bpf.c'] });
    expect(kim.weeks['4'].project!.lines).toBeGreaterThan(50);
    // bcc's task_switch: the Python loader and the BCC C it loads are both eBPF sources
    expect(yhc.weeks['6'].project).toMatchObject({ commits: 1, files: 2, ebpf: ['projects/yhc/task_switch.c', 'projects/yhc/task_switch.py'] });
    expect(kim.weeks['5'].project).toBeUndefined();
  });
});
