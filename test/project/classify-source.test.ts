import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CLASSIFY_READ_BYTES,
  classifySource,
  kindFromPath,
  type ProjectFileClass,
} from '../../src/project/classify-source.js';

const ROOT = 'test/fixtures/project';

function classify(rel: string): ProjectFileClass {
  const abs = join(ROOT, rel);
  const kind = kindFromPath(rel);
  // As the callers do: read only what the path does not decide.
  return classifySource({ path: rel, size: statSync(abs).size, ...(kind ? {} : { content: readFileSync(abs) }) });
}

describe('classifySource on real public code', () => {
  it.each([
    ['libbpf-bootstrap/minimal.bpf.c', 'libbpf-c'],
    ['libbpf-bootstrap/minimal.c', 'userspace-c'],
    ['libbpf-bootstrap/bootstrap.c', 'userspace-c'],
    ['libbpf-bootstrap/bootstrap.h', 'header'],
    ['bcc/examples/task_switch.py', 'bcc-python'],
    ['bcc/examples/task_switch.c', 'bcc-c'],
    ['bcc/examples/vfsreadlat.c', 'bcc-c'],
    ['bcc/examples/hello_world.py', 'bcc-python'],
    ['bcc/libbpf-tools/opensnoop.bpf.c', 'libbpf-c'],
    ['learning-ebpf/chapter2/hello.py', 'bcc-python'],
    ['learning-ebpf/chapter5/find-map.c', 'userspace-c'],
    ['learning-ebpf/chapter5/hello-buffer-config', 'build-output'],
    ['learning-ebpf/chapter8/ping.bpf.c', 'bcc-c'],
    ['cilium-ebpf/kprobe/kprobe.c', 'libbpf-c'],
    ['cilium-ebpf/kprobe/main.go', 'go-bpf2go'],
    ['bpftrace/opensnoop.bt', 'bpftrace'],
    ['README.md', 'other'],
  ])('%s is %s', (rel, kind) => {
    expect(classify(rel).kind).toBe(kind);
  });

  it('lists every libbpf-bootstrap program with its section, function and line', () => {
    const programs = (rel: string) => classify(rel).programs;
    expect(programs('libbpf-bootstrap/minimal.bpf.c')).toEqual([
      { section: 'tp/syscalls/sys_enter_write', functionName: 'handle_tp', line: 10 },
    ]);
    expect(programs('libbpf-bootstrap/bootstrap.bpf.c')).toEqual([
      { section: 'tp/sched/sched_process_exec', functionName: 'handle_exec', line: 25 },
      { section: 'tp/sched/sched_process_exit', functionName: 'handle_exit', line: 64 },
    ]);
    // BPF_KPROBE(name, ...) / BPF_PROG(name, ...) define the function they name first.
    expect(programs('libbpf-bootstrap/kprobe.bpf.c')).toEqual([
      { section: 'kprobe/do_unlinkat', functionName: 'do_unlinkat', line: 10 },
      { section: 'kretprobe/do_unlinkat', functionName: 'do_unlinkat_exit', line: 22 },
    ]);
    expect(programs('libbpf-bootstrap/fentry.bpf.c')).toEqual([
      { section: 'fentry/do_unlinkat', functionName: 'do_unlinkat', line: 9 },
      { section: 'fexit/do_unlinkat', functionName: 'do_unlinkat_exit', line: 19 },
    ]);
    expect(programs('libbpf-bootstrap/tc.bpf.c')).toEqual([
      { section: 'tc', functionName: 'tc_ingress', line: 11 },
    ]);
    expect(programs('learning-ebpf/chapter5/hello-buffer-config.bpf.c')).toEqual([
      { section: 'ksyscall/execve', functionName: 'hello', line: 26 },
    ]);
    expect(programs('learning-ebpf/chapter6/hello-verifier.bpf.c')).toEqual([
      { section: 'ksyscall/execve', functionName: 'kprobe_exec', line: 23 },
      { section: 'xdp', functionName: 'xdp_hello', line: 75 },
    ]);
    expect(programs('cilium-ebpf/kprobe/kprobe.c')).toEqual([
      { section: 'kprobe/sys_execve', functionName: 'kprobe_execve', line: 14 },
    ]);
  });

  it('lists the includes a C file needs, quoted or bracketed', () => {
    const c = classify('learning-ebpf/chapter5/hello-buffer-config.bpf.c');
    expect(c.includes?.map((i) => [i.target, i.quoted])).toEqual([
      ['vmlinux.h', true],
      ['bpf/bpf_helpers.h', false],
      ['bpf/bpf_tracing.h', false],
      ['bpf/bpf_core_read.h', false],
      ['hello-buffer-config.h', true],
    ]);
  });

  it('names the C a BCC script loads: a file next to it, or inline text', () => {
    expect(classify('bcc/examples/vfsreadlat.py').loads).toEqual({
      inline: false,
      sourceFiles: ['bcc/examples/vfsreadlat.c'],
      line: 41,
    });
    expect(classify('learning-ebpf/chapter8/ping.py').loads).toEqual({
      inline: false,
      sourceFiles: ['learning-ebpf/chapter8/ping.bpf.c'],
      line: 8,
    });
    expect(classify('learning-ebpf/chapter2/hello.py').loads).toEqual({ inline: true, sourceFiles: [], line: 12 });
  });

  it('names the C a bpf2go directive compiles, and its cflags', () => {
    expect(classify('cilium-ebpf/kprobe/main.go').embeds).toEqual([
      { sources: ['cilium-ebpf/kprobe/kprobe.c'], cflags: ['-I../headers'], line: 17 },
    ]);
  });

  it('classifies every fixture without throwing', () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(dir, e.name)) : [relative(ROOT, join(dir, e.name))],
      );
    const kinds = walk(ROOT).filter((rel) => !rel.startsWith('broken/') && !rel.startsWith('broken-bcc/') && !rel.startsWith('verdicts/')).map((rel) => classify(rel).kind);
    expect(kinds.filter((k) => k === 'libbpf-c')).toHaveLength(10);
  });
});

describe('classifySource stays cheap and bounded on hostile input', () => {
  it('decides vmlinux.h and object files from the path, never reading them', () => {
    expect(kindFromPath('projects/kim/vmlinux.h')).toBe('header');
    expect(kindFromPath('projects/kim/xdp.bpf.o')).toBe('build-output');
    // The content is ignored even if given.
    expect(classifySource({ path: 'p/vmlinux.h', size: 10_000_000, content: 'SEC("xdp") int f(' }).kind).toBe('header');
  });

  it('reads only a bounded prefix of a 50 MB source, and says so', () => {
    const big = 'SEC("xdp")\nint f(void *ctx) { return 0; }\n' + '// x\n'.repeat(10_000_000);
    const started = process.hrtime.bigint();
    const c = classifySource({ path: 'p/big.c', content: big });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(c).toMatchObject({ kind: 'libbpf-c', truncated: true, programs: [{ functionName: 'f', line: 1 }] });
    expect(ms).toBeLessThan(2_000);
    expect(CLASSIFY_READ_BYTES).toBeLessThan(big.length);
  });

  it('treats an ELF or NUL-bearing file as build output whatever its name', () => {
    expect(classifySource({ path: 'p/prog', content: Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1]) }).kind).toBe('build-output');
    expect(classifySource({ path: 'p/x.c', content: Uint8Array.from([0x69, 0x6e, 0, 0x74]) }).kind).toBe('build-output');
  });

  it('does not backtrack on long pathological lines', () => {
    const lines = ['int ' + ' '.repeat(200_000) + 'x', 'SEC("' + 'a'.repeat(200_000), 'from bcc import BPF', 'BPF(src_file="' + "'".repeat(100_000)];
    for (const ext of ['c', 'py', 'go']) {
      const started = process.hrtime.bigint();
      classifySource({ path: `p/x.${ext}`, content: lines.join('\n').repeat(2) });
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1_000);
    }
  });

  it('ignores commented-out programs and paths that climb out of the repository', () => {
    const c = classifySource({ path: 'p/x.c', content: '/* SEC("xdp")\n int old(void *c) */\n// SEC("tc")\n#include <bpf/bpf_helpers.h>\n' });
    expect(c).toMatchObject({ kind: 'libbpf-c', programs: [] });
    const py = classifySource({ path: 'p/a.py', content: 'from bcc import BPF\nb = BPF(src_file="../../../etc/shadow.c")\nc = BPF(src_file="/etc/x.c")\n' });
    expect(py.loads?.sourceFiles).toEqual([]);
  });
});
