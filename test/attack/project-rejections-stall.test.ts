/**
 * Attack review (issue 17, `/verify project`, fourth round): the host explains each rejected
 * program of a compromised guest's answer on the event loop.
 *
 * `projectVerifierInVm` (src/verify/drivers/local-driver.ts) runs `verifyCollected` in the bot's
 * process, and `projectReport` (src/project/verify-project.ts) calls `explainRejection` once per
 * rejected program. For the source line, `sourceLine` (verifier-log.ts) splits the program's
 * file and then every other file sent into lines (`findLine`), from scratch for each program.
 * The guest's answer may hold 16 results (the same source may be named 16 times: only that the
 * path was sent is checked) of 64 programs each: 1,024 rejections. The member's folder may send
 * 2 MiB of headers (the payload's cap) made of newlines: two million lines split 1,024 times.
 * The guest's report is the recorded 6.1 answer for null-check.bpf.c
 * (test/fixtures/project/verdicts/broken.json), repeated, its annotated line replaced by text
 * the sources do not hold (a root program in the guest writes the answer the host reads).
 * Measured (this shared machine, load 7): 64 programs, 4.3 s of CPU; the full 1,024, 119 s of
 * wall time, all of it synchronous in the bot's one process. Fixed: the sources are split and
 * indexed once per report (SourceIndex), a source answered twice counts once, and at most 32
 * rejections per report are located in the sources (the rest keep their class and log).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectProject, type ProjectFiles } from '../../src/project/collect-sources.js';
import { guestProjectReportSchema, MAX_PROJECT_PROGRAMS } from '../../src/project/project-request.js';
import { projectReport } from '../../src/project/verify-project.js';
import type { ProjectVmRun } from '../../src/runner/vm/verify-in-vm.js';

const ROOT = 'projects/kim';
const recorded = JSON.parse(readFileSync('test/fixtures/project/verdicts/broken.json', 'utf8')) as { runs: ProjectVmRun[] };
const nullCheck = recorded.runs[0]!.project!.results.find((r) => r.path === 'null-check.bpf.c')!;
const source = readFileSync('test/fixtures/project/broken/null-check.bpf.c', 'utf8');

/** The member's folder: the recorded source including four headers of 500 KiB of newlines. */
function folder(): ProjectFiles {
  const pad = '\n'.repeat(500 * 1024);
  const files = new Map<string, string>([
    [`${ROOT}/null-check.bpf.c`, source.replace('#include "vmlinux.h"', '#include "vmlinux.h"\n#include "a.h"\n#include "b.h"\n#include "c.h"\n#include "d.h"')],
    ...['a', 'b', 'c', 'd'].map((n): [string, string] => [`${ROOT}/${n}.h`, pad]),
  ]);
  return {
    list: () => [...files].map(([path, text]) => ({ path, size: Buffer.byteLength(text) })),
    read: (path, max) => (files.has(path) ? new TextEncoder().encode(files.get(path)!).subarray(0, max) : null),
  };
}

/** `results` answers for the one source sent, of 64 rejected programs each. */
function hostileRun(results: number = MAX_PROJECT_PROGRAMS): ProjectVmRun {
  const program = { ...nullCheck.programs[0]!, log: nullCheck.programs[0]!.log.replaceAll('; duration_ns = bpf_ktime_get_ns() - *start_ts;', '; not a line of any file sent') };
  const result = { ...nullCheck, programs: Array.from({ length: 64 }, (_, i) => ({ ...program, name: `p${i}` })) };
  const project = guestProjectReportSchema.parse({ kernel: '6.1.0-50-cloud-amd64', clang: 'Debian clang version 14.0.6', results: Array.from({ length: results }, () => result) });
  return { ...recorded.runs[0]!, project, failure: null };
}

describe('attack: a compromised guest answer of 1,024 rejected programs over 2 MiB of headers', () => {
  it('is a payload the host sends and an answer the host accepts', () => {
    const collected = collectProject(ROOT, folder());
    expect(collected.payload!.files.length).toBe(5);
    expect(collected.payload!.sources).toEqual([{ path: 'null-check.bpf.c', kind: 'libbpf-c' }]);
    expect(hostileRun().project!.results.length).toBe(16);
  });

  // One result of 64 programs is enough to show it (the full 1,024 took 119 s, load 7.6):
  // 64 programs, one source, far from every cap.
  it('HIGH (fixed): projectReport explains 64 of them in under a second (it runs on the event loop)', () => {
    const collected = collectProject(ROOT, folder());
    const run = hostileRun(1);
    const started = process.cpuUsage();
    const report = projectReport(ROOT, collected, collected.payload!, [run], 1);
    const used = process.cpuUsage(started);
    const ms = (used.user + used.system) / 1000;
    expect(report.entries.filter((e) => e.status === 'rejected').length).toBe(64);
    console.log(`projectReport: ${ms.toFixed(0)} ms of CPU for 64 rejected programs`);
    expect(ms, `projectReport took ${ms.toFixed(0)} ms of CPU`).toBeLessThan(1_000);
  }, 300_000);

  it('HIGH (fixed): the whole flood, 16 answers of the same source, is one answer of 64 programs, located for the first 32', () => {
    const collected = collectProject(ROOT, folder());
    const started = process.cpuUsage();
    const report = projectReport(ROOT, collected, collected.payload!, [hostileRun()], 1);
    const used = process.cpuUsage(started);
    const ms = (used.user + used.system) / 1000;
    const rejected = report.entries.filter((e) => e.status === 'rejected');
    console.log(`projectReport: ${ms.toFixed(0)} ms of CPU for 16 answers of 64 rejected programs`);
    expect(rejected).toHaveLength(64);
    expect(rejected.every((e) => e.class === 'null-check')).toBe(true);
    expect(ms, `projectReport took ${ms.toFixed(0)} ms of CPU`).toBeLessThan(1_000);
  }, 300_000);
});
