import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectProject } from '../../src/project/collect-sources.js';
import { diskProjectFiles } from '../../src/project/disk-files.js';
import { projectReportSchema, type ProjectEntry } from '../../src/project/project-report.js';
import { renderProjectText } from '../../src/project/render-project.js';
import { projectReport } from '../../src/project/verify-project.js';
import type { ProjectVmRun } from '../../src/runner/vm/verify-in-vm.js';

/**
 * The guest's answers recorded from a real VM run (scratch script, 6.1.0-50-cloud-amd64 under
 * TCG) for test/fixtures/project/broken: every verdict below is one that kernel gave. The host
 * side (classes, lines, messages) is checked against them without booting a VM.
 */
const FIXTURES = 'test/fixtures/project';
const recorded = JSON.parse(readFileSync(`${FIXTURES}/verdicts/broken.json`, 'utf8')) as { root: string; runs: ProjectVmRun[] };

function report() {
  const collected = collectProject('broken', diskProjectFiles(FIXTURES, `${FIXTURES}/broken`));
  return projectReport('broken', collected, collected.payload!, recorded.runs, 1);
}
const entry = (file: string): ProjectEntry => report().entries.find((e) => e.path === `broken/${file}`)!;

describe('verdicts a 6.1 kernel gave, explained', () => {
  it.each([
    ['null-check.bpf.c', 'null-check', 23, "R6 invalid mem access 'map_value_or_null'"],
    ['loop.bpf.c', 'unbounded-loop', 16, 'infinite loop detected at insn 4'],
    ['helper.bpf.c', 'helper-not-allowed', 12, 'unknown func bpf_get_current_pid_tgid#14'],
    // libbpf names the field it could not relocate: the line that reads it, not the last annotated one.
    ['core.bpf.c', 'btf-core', 19, 'failed to resolve CO-RE relocation'],
  ])('%s is rejected as %s at line %d', (file, cls, line, logLine) => {
    expect(entry(file)).toMatchObject({ status: 'rejected', class: cls, line, program: expect.any(String) });
    expect(entry(file).log!.join('\n')).toContain(logLine);
  });

  it('names a kfunc this kernel lacks, at the line that calls it', () => {
    expect(entry('kfunc-too-new.bpf.c')).toMatchObject({ status: 'rejected', class: 'kernel-too-old', line: 15 });
  });

  it('reports the stack limit at compile time, where clang says it', () => {
    expect(entry('stack.bpf.c')).toMatchObject({ status: 'compile-error', class: 'stack-limit', line: 12 });
  });

  it('reports a header loop in the header, and keeps the host-side refusals', () => {
    expect(entry('include-loop.bpf.c')).toMatchObject({ status: 'compile-error', file: 'broken/loop-a.h', line: 1, message: expect.stringContaining('#include nested too deeply') });
    expect(entry('include-shadow.bpf.c').status).toBe('denied');
    expect(entry('include-environ.bpf.c').status).toBe('denied');
  });

  it('stops the Python attacks: the fork bomb killed, the disk filler stopped, the printer cut off', () => {
    expect(entry('fork.py')).toMatchObject({ status: 'timeout', message: expect.stringContaining('killed') });
    expect(entry('fill.py')).toMatchObject({ status: 'timeout' });
    expect(entry('spam.py').output!.length).toBeLessThanOrEqual(30);
  });

  it('is a valid public report and renders one line per program with the kernel', () => {
    const r = report();
    expect(() => projectReportSchema.parse(r)).not.toThrow();
    const text = renderProjectText(r, { lang: 'en' });
    expect(text).toContain('kernel 6.1.0-50-cloud-amd64');
    expect(text).toContain('broken/null-check.bpf.c:23 handle_exit (SEC "tp/sched/sched_process_exit")  ❌ rejected by the verifier');
  });
});

describe("clang's file names are the guest's word (the attack review's Low)", () => {
  it('shows a compile error at a line only in a file the host sent, never in another member\'s file or a system header', () => {
    const collected = collectProject('broken', diskProjectFiles(FIXTURES, `${FIXTURES}/broken`));
    const runs = structuredClone(recorded.runs);
    const stack = runs[0]!.project!.results.find((r) => r.path === 'stack.bpf.c')!;
    const error = 'error: Looks like the BPF stack limit of 512 bytes is exceeded. Please move large on stack variables into BPF per-cpu array map.';
    const entryWith = (stderr: string) => {
      stack.compile.stderr = stderr;
      return projectReport('broken', collected, collected.payload!, runs, 1).entries.find((e) => e.path === 'broken/stack.bpf.c')!;
    };
    for (const elsewhere of ['../lee/secret.bpf.c:3:1', '/usr/include/linux/types.h:5:1', 'not-sent.h:7:2']) {
      const e = entryWith(`${elsewhere}: ${error}\n`);
      expect(e).toMatchObject({ status: 'compile-error', class: 'stack-limit' });
      expect(e.file).toBeUndefined();
      expect(e.line).toBeUndefined();
      expect(e.message).toContain('stack limit of 512 bytes');
    }
    // the member's own files keep their line, as before
    expect(entryWith(`stack.bpf.c:12:16: ${error}\n`)).toMatchObject({ line: 12 });
    expect(entryWith(`loop-a.h:1:10: ${error}\n`)).toMatchObject({ file: 'broken/loop-a.h', line: 1 });
  });
});
