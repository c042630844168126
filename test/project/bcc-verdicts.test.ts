import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectProject } from '../../src/project/collect-sources.js';
import { diskProjectFiles } from '../../src/project/disk-files.js';
import { projectReportSchema, type ProjectEntry } from '../../src/project/project-report.js';
import { renderProjectText } from '../../src/project/render-project.js';
import { projectReport } from '../../src/project/verify-project.js';
import type { ProjectVmRun } from '../../src/runner/vm/verify-in-vm.js';

/**
 * The guest's answers recorded from one real run on both 6.1 kernels of the image, side by
 * side (scratch script calling verifyProjectInVm, TCG, the loader's limit cut to 1 s so that a
 * real load is stopped part way): test/fixtures/project/broken-bcc, real bcc and
 * learning-ebpf programs broken on purpose (its README). Every verdict below is one those
 * kernels and BCC 0.26 gave; the host side (lines, messages, the side-by-side view) is checked
 * against them without booting a VM.
 */
const FIXTURES = 'test/fixtures/project';
const recorded = JSON.parse(readFileSync(`${FIXTURES}/verdicts/broken-bcc.json`, 'utf8')) as { root: string; runs: ProjectVmRun[] };

function report() {
  const collected = collectProject('broken-bcc', diskProjectFiles(FIXTURES, `${FIXTURES}/broken-bcc`));
  return projectReport('broken-bcc', collected, collected.payload!, recorded.runs, 1);
}
const entriesOn = (kernel: number) => report().kernels![kernel]!.entries;
const entry = (file: string, kernel = 0): ProjectEntry => entriesOn(kernel).find((e) => e.path === `broken-bcc/${file}` && !e.program)!;

describe('BCC failures a real run gave, on the member\'s line', () => {
  it('a C error in the .c file the script loads: that file and line, on both kernels', () => {
    // On the first kernel BCC's compile outlasted the wait and the script was stopped after
    // clang had printed its error: the error is still the verdict, not the stop.
    expect(recorded.runs[0]!.project!.results.find((r) => r.path === 'task_switch.py')).toMatchObject({ exit: 'killed' });
    for (const k of [0, 1]) {
      expect(entry('task_switch.py', k)).toMatchObject({ status: 'error', file: 'broken-bcc/task_switch.c', line: 15, message: expect.stringContaining("no member named 'pidd' in 'struct task_struct'") });
    }
  });

  it('a C error in the script\'s own string (after bcc\'s usage examples string): the Python line', () => {
    expect(entry('killsnoop.py', 1)).toMatchObject({ status: 'error', line: 82, message: expect.stringContaining("no member named 'tpidd' in 'struct val_t'") });
    expect(entry('killsnoop.py', 1).file).toBeUndefined();
    expect(entry('killsnoop.py', 1).log![0]).toContain('/virtual/main.c:35:13: error:');
    // Two VMs side by side on 2 emulated cores: on the first kernel BCC was still compiling
    // when it was stopped, and nothing was printed yet. That is said as a stop, not guessed.
    expect(entry('killsnoop.py', 0)).toMatchObject({ status: 'timeout', message: expect.stringContaining('killed') });
  });

  it('an attach that fails after the compile: the script\'s line that attached', () => {
    expect(entry('hello.py')).toMatchObject({ status: 'error', line: 14, message: expect.stringContaining("Failed to attach BPF program b'hello' to kprobe b'no_such_function'") });
  });
});

describe('a loader stopped at its limit', () => {
  it('says so in Korean and English, and the sources after it were still checked', () => {
    const stopped = entriesOn(0).find((e) => e.path === 'broken-bcc/bootstrap.bpf.c' && e.status === 'timeout')!;
    expect(stopped.message).toMatch(/^불러오기·붙이기가 1초 안에 끝나지 않아 로더를 중단했습니다\. /);
    expect(stopped.message).toContain('did not finish within 1 s: the loader was stopped');
    expect(stopped.steps).toMatchObject({ pch: true });
    expect(entry('hello.py').status).toBe('error');
  });
});

describe('two kernels side by side', () => {
  it('gives each kernel its own run and verdicts, and the text puts them on one line per program', () => {
    const r = report();
    expect(() => projectReportSchema.parse(r)).not.toThrow();
    expect(r.kernels!.map((k) => k.runner.kernel)).toEqual(['6.1.0-57-cloud-amd64', '6.1.0-47-cloud-amd64']);
    for (const k of [0, 1]) expect(entry('task_switch.py', k)).toMatchObject({ status: 'error', file: 'broken-bcc/task_switch.c', line: 15 });
    const text = renderProjectText(r, { lang: 'en' });
    expect(text).toContain('per kernel');
    expect(text).toContain('broken-bcc/task_switch.py: 6.1.0-57-cloud-amd64 ❌ error (L15) | 6.1.0-47-cloud-amd64 ❌ error (L15)');
    expect(text).toContain('broken-bcc/killsnoop.py: 6.1.0-57-cloud-amd64 ⏱ timed out | 6.1.0-47-cloud-amd64 ❌ error (L82)');
    // Files nothing ran for are not in the side-by-side lines.
    expect(text).not.toMatch(/bootstrap\.h: /);
    // Each kernel's own section follows, with its runner line.
    expect(text.indexOf('kernel 6.1.0-57-cloud-amd64')).toBeLessThan(text.indexOf('kernel 6.1.0-47-cloud-amd64'));
  });
});
