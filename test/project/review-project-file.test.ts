/**
 * What a reviewer says about a project file, on real public eBPF code (bcc, libbpf-bootstrap,
 * learning-ebpf, cilium/ebpf, bpftrace: test/fixtures/project) and on copies of it broken on
 * purpose, one way per finding, each edit written out here so the expected line is visible.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCStructure } from '../../src/project/check-c-structure.js';
import {
  LARGE_FILE_BYTES,
  programLines,
  projectBytesWanted,
  reviewProjectFile,
  type ProjectFileInput,
} from '../../src/project/review-project-file.js';

const ROOT = 'test/fixtures/project';
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
const real = (rel: string) => readFileSync(join(ROOT, rel), 'utf8');
const bytes = (text: string) => new TextEncoder().encode(text);
const review = (path: string, text: string, extra: Partial<ProjectFileInput> = {}) =>
  reviewProjectFile({ path: `project/kim/${path}`, size: bytes(text).length, content: bytes(text), ...extra }, 'en');
const rules = (r: ReturnType<typeof review>) => r.findings.map((f) => [f.rule, f.severity, f.line]);
const code = (s: string) => `\`${s}\``;

/** Replaces one exact piece of a real file (failing loudly if the piece is not there). */
function edit(text: string, from: string, to: string): string {
  expect(text).toContain(from);
  return text.replace(from, to);
}

describe('real public eBPF code', () => {
  it('no finding on any source file of the fixtures (the one committed ELF aside)', () => {
    for (const abs of walk(ROOT)) {
      const rel = relative(ROOT, abs);
      const content = readFileSync(abs);
      const result = reviewProjectFile({ path: rel, size: content.length, content }, 'en');
      if (rel === 'learning-ebpf/chapter5/hello-buffer-config') {
        // learning-ebpf's repository really commits this compiled loader
        expect(rules(result)).toEqual([['build-output', 'warning', null]]);
        expect(result.findings[0]!.message).toContain('ELF file');
      } else expect([rel, result.findings]).toEqual([rel, []]);
    }
  });

  it('one line per program: libbpf C with section, function and line', () => {
    const r = review('opensnoop.bpf.c', real('bcc/libbpf-tools/opensnoop.bpf.c'));
    expect(programLines('project/kim/opensnoop.bpf.c', r.project, 'en', code)).toEqual([
      '`project/kim/opensnoop.bpf.c`:54 · libbpf C · `SEC("tracepoint/syscalls/sys_enter_open")` `tracepoint__syscalls__sys_enter_open`',
      '`project/kim/opensnoop.bpf.c`:73 · libbpf C · `SEC("tracepoint/syscalls/sys_enter_openat")` `tracepoint__syscalls__sys_enter_openat`',
      '`project/kim/opensnoop.bpf.c`:92 · libbpf C · `SEC("tracepoint/syscalls/sys_enter_openat2")` `tracepoint__syscalls__sys_enter_openat2`',
      '`project/kim/opensnoop.bpf.c`:169 · libbpf C · `SEC("tracepoint/syscalls/sys_exit_open")` `tracepoint__syscalls__sys_exit_open`',
      '`project/kim/opensnoop.bpf.c`:175 · libbpf C · `SEC("tracepoint/syscalls/sys_exit_openat")` `tracepoint__syscalls__sys_exit_openat`',
      '`project/kim/opensnoop.bpf.c`:181 · libbpf C · `SEC("tracepoint/syscalls/sys_exit_openat2")` `tracepoint__syscalls__sys_exit_openat2`',
    ]);
  });

  it('the C a BCC script loads, the C bpf2go embeds, a BCC C file, a bpftrace script’s probes (Korean)', () => {
    const line = (path: string, rel: string) => {
      const r = reviewProjectFile({ path, size: null, content: bytes(real(rel)) }, 'ko');
      return programLines(path, r.project, 'ko', code);
    };
    expect(line('project/kim/task_switch.py', 'bcc/examples/task_switch.py')).toEqual([
      '`project/kim/task_switch.py` 8행 · BCC 파이썬 · `project/kim/task_switch.c` 로드',
    ]);
    expect(line('project/kim/hello.py', 'learning-ebpf/chapter2/hello.py')).toEqual(['`project/kim/hello.py` 12행 · BCC 파이썬 · 스크립트 안의 C']);
    expect(line('project/kim/main.go', 'cilium-ebpf/kprobe/main.go')).toEqual(['`project/kim/main.go` 17행 · Go (bpf2go) · `project/kim/kprobe.c` 포함']);
    expect(line('project/kim/task_switch.c', 'bcc/examples/task_switch.c')).toEqual(['`project/kim/task_switch.c` · BCC C (파이썬 로더가 컴파일)']);
    expect(line('project/kim/opensnoop.bt', 'bpftrace/opensnoop.bt')).toEqual([
      '`project/kim/opensnoop.bt` · bpftrace 스크립트 · `BEGIN`, `tracepoint:syscalls:sys_enter_open`, `tracepoint:syscalls:sys_enter_openat`, `tracepoint:syscalls:sys_enter_openat2` 외 4개',
    ]);
  });
});

describe('broken on purpose: each finding with its line', () => {
  const minimal = real('libbpf-bootstrap/minimal.bpf.c');

  it('a missing closing brace: the function’s `{` (line 12) is still open', () => {
    const r = review('minimal.bpf.c', edit(minimal, '\treturn 0;\n}', '\treturn 0;\n'));
    expect(rules(r)).toEqual([['c-syntax', 'warning', 12]]);
    expect(r.findings[0]!.message).toBe('the `{` of line 12 is still open at the end of the file (it will not compile)');
  });

  it('a `)` where the `}` belongs', () => {
    const r = review('minimal.bpf.c', edit(minimal, '\treturn 0;\n}', '\treturn 0;\n)'));
    expect(rules(r)).toEqual([['c-syntax', 'warning', 21]]);
    expect(r.findings[0]!.message).toContain('closes the `{` of line 12');
  });

  it('a comment that never ends, a string that does not end on its line', () => {
    expect(rules(review('a.bpf.c', edit(minimal, 'int my_pid = 0;', '/* my pid\nint my_pid = 0;')))).toEqual([['c-syntax', 'warning', 8]]);
    expect(rules(review('a.bpf.c', edit(minimal, '"BPF triggered from PID %d.\\n"', '"BPF triggered from PID %d.\\n')))).toEqual([['c-syntax', 'warning', 18]]);
  });

  it('SEC() with nothing after it', () => {
    const r = review('minimal.bpf.c', `${minimal}\nSEC("kprobe/do_unlinkat")\n`);
    expect(rules(r)).toEqual([['sec-function', 'warning', 23]]);
    expect(r.findings[0]!.message).toContain('SEC("kprobe/do_unlinkat")');
  });

  it('brackets in #ifdef branches and #define bodies are not miscounted; a stray quote in #error is the preprocessor’s', () => {
    const branches = edit(minimal, 'int handle_tp(void *ctx)\n{', '#ifdef LONG\nint handle_tp(void *ctx, long x)\n{\n#else\nint handle_tp(void *ctx)\n{\n#endif\n#define OPEN {\n#error don\'t');
    expect(review('minimal.bpf.c', branches).findings).toEqual([]);
  });

  it('a .bt script: an unclosed probe body, an unterminated string, no probe', () => {
    const bt = real('bpftrace/opensnoop.bt');
    const unclosed = review('x.bt', edit(bt, '  printf("Tracing open syscalls... Hit Ctrl-C to end.\\n");\n', '  printf("Tracing open syscalls... Hit Ctrl-C to end.\\n");\n  if (1) {\n'));
    expect(rules(unclosed)).toEqual([['bpftrace-syntax', 'warning', 54]]);
    expect(unclosed.findings[0]!.message).toContain('the `{` of line 54 is still open');
    const string = review('x.bt', edit(bt, '"Tracing open syscalls... Hit Ctrl-C to end.\\n"', '"Tracing open syscalls... Hit Ctrl-C to end.\\n'));
    expect(rules(string)).toEqual([['bpftrace-syntax', 'warning', 55]]);
    expect(rules(review('x.bt', '// nothing here\n'))).toEqual([['bpftrace-syntax', 'warning', 1]]);
  });

  it('build outputs by path (never read), bpf2go’s object is fine, a large file says its bound', () => {
    const byPath = (path: string, size: number) => reviewProjectFile({ path, size }, 'en');
    expect(rules(byPath('project/kim/minimal.bpf.o', 5_000))).toEqual([['build-output', 'warning', null]]);
    expect(rules(byPath('project/kim/a.out', 16_000))).toEqual([['build-output', 'warning', null]]);
    expect(rules(byPath('project/kim/__pycache__/hello.cpython-311.pyc', 900))).toEqual([['build-output', 'warning', null]]);
    expect(rules(byPath('project/kim/__pycache__/x.py', 900))).toEqual([['build-output', 'warning', null]]);
    expect(byPath('project/kim/kprobe_bpfel.o', 9_000).findings[0]).toMatchObject({ rule: 'build-output', severity: 'info' });
    const big = byPath('project/kim/capture.pcap', 12 * LARGE_FILE_BYTES);
    expect(rules(big)).toEqual([['large-file', 'warning', null]]);
    expect(big.findings[0]!.message).toBe('a 12 MB file (over the 1 MB bound): data or outputs belong outside the repository');
    // a 10 MB vmlinux.h is expected in a libbpf project: nothing to say
    expect(byPath('project/kim/vmlinux.h', 10 * LARGE_FILE_BYTES)).toEqual({ project: { kind: 'header', programs: [] }, findings: [] });
    expect(rules(byPath('project/kim/huge.bpf.c', 2 * LARGE_FILE_BYTES))).toEqual([['large-file', 'warning', null], ['not-read', 'info', null]]);
  });

  it('a committed ELF without extension is found by its bytes', () => {
    const elf = readFileSync(join(ROOT, 'learning-ebpf/chapter5/hello-buffer-config'));
    expect(projectBytesWanted('project/kim/hello', elf.length)).toBe(true);
    expect(rules(reviewProjectFile({ path: 'project/kim/hello', size: elf.length, content: elf }, 'en'))).toEqual([['build-output', 'warning', null]]);
  });

  it('a submodule: an info, in both languages', () => {
    const ko = reviewProjectFile({ path: 'project/kim', size: null, gitlink: true }, 'ko');
    expect(ko.project.kind).toBe('submodule');
    expect(ko.findings).toMatchObject([{ rule: 'submodule', severity: 'info', line: null }]);
    expect(ko.findings[0]!.message).toContain('서브모듈');
  });
});

describe('bounds', () => {
  it('only eBPF source candidates under the bound are read', () => {
    expect(projectBytesWanted('project/kim/vmlinux.h', 10 * LARGE_FILE_BYTES)).toBe(false);
    expect(projectBytesWanted('project/kim/logo.png', 2_000)).toBe(false);
    expect(projectBytesWanted('project/kim/x.o', 2_000)).toBe(false);
    expect(projectBytesWanted('project/kim/x.bpf.c', 2_000)).toBe(true);
    expect(projectBytesWanted('project/kim/x.bt', 2_000)).toBe(true);
    expect(projectBytesWanted('project/kim/x.bpf.c', 300 * 1024)).toBe(false);
  });

  it('hostile text: 80,000 open brackets, then a string that never ends on its line', () => {
    const hostile = '{('.repeat(40_000) + '"\\'.repeat(20_000) + '\n/*'.repeat(20_000);
    expect(checkCStructure(hostile, { complete: true })).toMatchObject({ line: 1, column: 80_001 });
  });

  it('a prefix is not blamed for what is still open at its end', () => {
    expect(checkCStructure('int f(void) {\n  /* cut here', { complete: false })).toBeNull();
    expect(checkCStructure('int f(void) {\n', { complete: true })).toMatchObject({ line: 1 });
  });
});
