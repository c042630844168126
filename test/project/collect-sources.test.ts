import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectProject, resolveInclude, type ProjectFiles } from '../../src/project/collect-sources.js';
import { diskProjectFiles } from '../../src/project/disk-files.js';
import { MAX_PROJECT_FILE_BYTES, projectPayloadSchema } from '../../src/project/project-request.js';

const FIXTURES = 'test/fixtures/project';

function memoryFiles(files: Record<string, string | number>): ProjectFiles & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    list: () => Object.entries(files).map(([p, c]) => ({ path: p, size: typeof c === 'number' ? c : Buffer.byteLength(c) })),
    read(p, max) {
      reads.push(p);
      const c = files[p];
      // A big file: a real program's start, repeated (a member's generated or pasted source).
      if (typeof c === 'number') return Buffer.from('#include <bpf/bpf_helpers.h>\nSEC("xdp") int f(void *c) { return 2; }\n'.repeat(Math.ceil(Math.min(c, max) / 60))).subarray(0, Math.min(c, max));
      return c === undefined ? null : Buffer.from(c).subarray(0, max);
    },
  };
}

describe('collectProject: what of a project travels to the VM', () => {
  it('sends real libbpf-bootstrap programs with the headers they include, and says what the rest is', () => {
    const c = collectProject('libbpf-bootstrap', diskProjectFiles(FIXTURES, `${FIXTURES}/libbpf-bootstrap`));
    expect(c.payload?.sources.map((s) => s.path)).toEqual(['bootstrap.bpf.c', 'fentry.bpf.c', 'kprobe.bpf.c', 'minimal.bpf.c', 'tc.bpf.c']);
    expect(c.payload?.files.map((f) => f.path)).toContain('bootstrap.h');
    expect(c.entries.map((e) => [e.path, e.status])).toEqual([
      ['libbpf-bootstrap/bootstrap.c', 'skipped'],
      ['libbpf-bootstrap/bootstrap.h', 'skipped'],
      ['libbpf-bootstrap/minimal.c', 'skipped'],
    ]);
    expect(() => projectPayloadSchema.parse(c.payload)).not.toThrow();
  });

  it('checks BCC-style C through the Python that loads it, and Go not at all', () => {
    const bcc = collectProject('bcc/examples', diskProjectFiles(FIXTURES, `${FIXTURES}/bcc/examples`));
    expect(bcc.payload?.sources).toEqual([
      { path: 'hello_world.py', kind: 'bcc-python' },
      { path: 'task_switch.py', kind: 'bcc-python' },
      { path: 'vfsreadlat.py', kind: 'bcc-python' },
    ]);
    expect(bcc.payload?.files.map((f) => f.path)).toEqual(['hello_world.py', 'task_switch.py', 'task_switch.c', 'vfsreadlat.py', 'vfsreadlat.c']);
    const go = collectProject('cilium-ebpf', diskProjectFiles(FIXTURES, `${FIXTURES}/cilium-ebpf`));
    expect(go.entries).toEqual([expect.objectContaining({ path: 'cilium-ebpf/kprobe/main.go', status: 'skipped', message: expect.stringContaining('cilium-ebpf/kprobe/kprobe.c') })]);
    expect(go.payload?.sources).toEqual([{ path: 'kprobe/kprobe.c', kind: 'libbpf-c' }]);
  });

  it('refuses includes that leave the project, before anything is sent', () => {
    const c = collectProject('broken', diskProjectFiles(FIXTURES, `${FIXTURES}/broken`));
    const denied = c.entries.filter((e) => e.status === 'denied').map((e) => [e.path, e.message]);
    expect(denied).toEqual([
      ['broken/include-environ.bpf.c', expect.stringContaining('includes a file outside the project (/proc/self/environ)')],
      ['broken/include-shadow.bpf.c', expect.stringContaining('includes a file outside the project (/etc/shadow)')],
    ]);
    expect(c.payload?.files.some((f) => f.content.includes('root:'))).toBe(false);
    expect(c.payload?.sources.map((s) => s.path)).not.toContain('include-shadow.bpf.c');
    // The header loop travels once each way; clang in the guest reports the loop.
    expect(c.payload?.files.filter((f) => f.path.startsWith('loop-')).map((f) => f.path)).toEqual(['loop-a.h', 'loop-b.h']);
  });

  it.each([
    ['/etc/shadow', true],
    ['../../etc/passwd', true],
    ['../kim/x.h', false],
    ['sub/../x.h', false],
    ['x.h', false],
  ])('an include of %s from projects/kim/a/x.c is outside: %s', (target, outside) => {
    expect(resolveInclude('projects/kim', 'projects/kim/a/x.c', target).outside).toBe(outside);
  });

  it('never reads a committed vmlinux.h or a 50 MB source, and says why the source is refused', () => {
    const files = memoryFiles({
      'p/vmlinux.h': 10_000_000,
      'p/huge.bpf.c': 50 * 1024 * 1024,
      'p/ok.bpf.c': '#include "vmlinux.h"\n#include <bpf/bpf_helpers.h>\nSEC("xdp") int f(void *c) { return 2; }\n',
    });
    const c = collectProject('p', files);
    expect(files.reads).not.toContain('p/vmlinux.h');
    expect(c.payload?.files.map((f) => f.path)).toEqual(['ok.bpf.c']);
    expect(c.entries.find((e) => e.path === 'p/huge.bpf.c')).toMatchObject({ status: 'denied', message: expect.stringContaining(`50.0 MiB > 512 KiB`) });
    expect(MAX_PROJECT_FILE_BYTES).toBe(512 * 1024);
  });

  it('turns a .bt script into a one-liner for the existing path', () => {
    const c = collectProject('bpftrace', diskProjectFiles(FIXTURES, `${FIXTURES}/bpftrace`));
    expect(c.scripts).toEqual([expect.objectContaining({ kind: 'bpftrace', command: 'bpftrace bpftrace/opensnoop.bt', argv: ['bpftrace', '-e', readFileSync(`${FIXTURES}/bpftrace/opensnoop.bt`, 'utf8')] })]);
    expect(c.payload).toBeNull();
  });
});

describe('diskProjectFiles', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('does not follow a symlink to a host file', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'proj-'));
    mkdirSync(path.join(dir, 'kim'));
    symlinkSync('/etc/passwd', path.join(dir, 'kim', 'secret.h'));
    writeFileSync(path.join(dir, 'kim', 'x.bpf.c'), '#include "secret.h"\n#include <bpf/bpf_helpers.h>\nSEC("xdp") int f(void *c) { return 2; }\n');
    const files = diskProjectFiles(dir, path.join(dir, 'kim'));
    expect(files.list().map((f) => f.path)).toEqual(['kim/x.bpf.c']);
    expect(files.read('kim/secret.h', 1000)).toBeNull();
    const c = collectProject('kim', files);
    expect(c.payload?.files.map((f) => f.path)).toEqual(['x.bpf.c']);
  });
});

describe('collectProject: file names the VM cannot take (the attack review: a ZodError internal error)', () => {
  it('refuses a source named with a backslash, a line break or a control character, with why, and still sends the rest', () => {
    const minimal = readFileSync(`${FIXTURES}/libbpf-bootstrap/minimal.bpf.c`, 'utf8');
    const files = memoryFiles({
      'project/kim/minimal.bpf.c': minimal,
      'project/kim/win\\path.bpf.c': minimal,
      'project/kim/two\nlines.bpf.c': minimal,
      'project/kim/bell\u0007.bpf.c': minimal,
      [`project/kim/${'x'.repeat(130)}.bpf.c`]: minimal,
    });
    const c = collectProject('project/kim', files);
    expect(c.payload?.sources.map((s) => s.path)).toEqual(['minimal.bpf.c']);
    expect(() => projectPayloadSchema.parse(c.payload)).not.toThrow();
    const denied = c.entries.filter((e) => e.status === 'denied');
    expect(denied.map((e) => e.path).sort()).toEqual(['project/kim/bell\u0007.bpf.c', 'project/kim/two\nlines.bpf.c', 'project/kim/win\\path.bpf.c', `project/kim/${'x'.repeat(130)}.bpf.c`].sort());
    for (const e of denied) {
      expect(e.message).toContain('파일 이름에 역슬래시·줄바꿈·제어 문자가 있거나 너무 길어');
      expect(e.message).toContain('rename it');
      expect(e.message).not.toContain('\n'); // the name is shown escaped
    }
  });
});
