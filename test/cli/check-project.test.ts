/**
 * `study-bot check` on project code gives the findings the push check gives (the same core):
 * a study folder with real public eBPF code in `project/kim/`, one file broken on purpose, a
 * committed object, a 10 MB vmlinux.h that is sized and never read.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../../src/check/types.js';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

function captureIO(cwd: string): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd, env: {}, isTTY: false, out: () => out, err: () => err };
}

const FIXTURES = 'test/fixtures/project';
let dir: string;

beforeAll(async () => {
  // A plain folder (not a git checkout): the CLI walks it.
  dir = await mkdtemp(join(tmpdir(), 'project-study-'));
  const kim = join(dir, 'project/kim');
  await mkdir(join(dir, 'study/week1'), { recursive: true });
  await mkdir(kim, { recursive: true });
  await cp(join(FIXTURES, 'libbpf-bootstrap/minimal.bpf.c'), join(kim, 'minimal.bpf.c'));
  await cp(join(FIXTURES, 'bcc/examples/task_switch.py'), join(kim, 'task_switch.py'));
  await cp(join(FIXTURES, 'bcc/examples/task_switch.c'), join(kim, 'task_switch.c'));
  await cp(join(FIXTURES, 'learning-ebpf/chapter5/hello-buffer-config'), join(kim, 'hello-buffer-config'));
  const broken = (await readFile(join(FIXTURES, 'libbpf-bootstrap/tc.bpf.c'), 'utf8')).replace('\treturn TC_ACT_OK;\n}\n', '\treturn TC_ACT_OK;\n');
  expect(broken).not.toContain('TC_ACT_OK;\n}');
  await writeFile(join(kim, 'tc.bpf.c'), broken);
  await writeFile(join(kim, 'vmlinux.h'), Buffer.alloc(10 * 1024 * 1024, 0x20));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('study-bot check on a project folder', () => {
  it('the repository: kinds, programs and findings per project file in the JSON report', async () => {
    const io = captureIO(dir);
    expect(await main(['check', '--repo', dir, '--format', 'json', '--lang', 'en'], io)).toBe(0);
    const report = JSON.parse(io.out()) as CheckReport;
    const byPath = new Map(report.files.map((f) => [f.path, f]));
    expect(byPath.get('project/kim/minimal.bpf.c')).toMatchObject({
      kind: 'project',
      member: 'kim',
      findings: [],
      project: { kind: 'libbpf-c', programs: [{ section: 'tp/syscalls/sys_enter_write', functionName: 'handle_tp', line: 10 }] },
    });
    expect(byPath.get('project/kim/task_switch.py')?.project).toEqual({
      kind: 'bcc-python',
      programs: [{ loads: ['project/kim/task_switch.c'], inline: false, line: 8 }],
    });
    expect(byPath.get('project/kim/tc.bpf.c')?.findings).toMatchObject([{ rule: 'c-syntax', severity: 'warning', line: 13 }]);
    expect(byPath.get('project/kim/hello-buffer-config')?.findings).toMatchObject([{ rule: 'build-output', severity: 'warning' }]);
    expect(byPath.get('project/kim/vmlinux.h')).toMatchObject({ project: { kind: 'header', programs: [] }, findings: [] });
  });

  it('one file named on the command line, in the text report', async () => {
    const io = captureIO(join(dir, 'project/kim'));
    expect(await main(['check', '--repo', dir, 'tc.bpf.c'], io)).toBe(0);
    expect(io.out()).toContain('📦 프로젝트 코드 (eBPF 프로그램)');
    expect(io.out()).toContain('project/kim/tc.bpf.c 11행 · libbpf C · SEC("tc") tc_ingress');
    expect(io.out()).toMatch(/13행 {2}경고 {2}\[c-syntax\] 13행의 `\{`가 파일 끝까지 닫히지 않습니다/);
  });
});
