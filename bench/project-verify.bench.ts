import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { diskProjectFiles } from '../src/project/disk-files.js';
import { verifyProject } from '../src/project/verify-project.js';
import { readManifest } from '../src/runner/vm/runner-dir.js';

/**
 * `/verify project` on a member-sized libbpf program in the VM: bcc's libbpf-tools
 * opensnoop.bpf.c (187 lines, six tracepoint programs) with its header and a committed 3 MB
 * vmlinux.h (recognised by name, not sent: the guest uses its own kernel's), compiled, loaded
 * and attached in one VM restored from the saved guest. Issue 15's target under TCG: ≤ 60 s.
 */
export async function benchProjectVerify(): Promise<{ name: string; figures: Record<string, number | string> }[]> {
  const name = 'verify project: opensnoop.bpf.c (187 lines) in the VM';
  const manifest = readManifest();
  if (!manifest?.packages.some((p) => p.startsWith('clang='))) return [{ name, figures: { skipped: 'no runner image with clang (study-bot runner image build)' } }];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-project-'));
  try {
    const kim = path.join(dir, 'projects', 'kim');
    mkdirSync(kim, { recursive: true });
    for (const f of ['opensnoop.bpf.c', 'opensnoop.h', 'compat.bpf.h', 'path_helpers.bpf.h', 'path_helpers.h']) copyFileSync(new URL(`../test/fixtures/project/bcc/libbpf-tools/${f}`, import.meta.url), path.join(kim, f));
    // A committed vmlinux.h, as members commit one (this host's, made by bpftool; never sent).
    try {
      writeFileSync(path.join(kim, 'vmlinux.h'), execFileSync('bpftool', ['btf', 'dump', 'file', '/sys/kernel/btf/vmlinux', 'format', 'c'], { maxBuffer: 64 * 1024 * 1024 }));
    } catch {
      // no bpftool here: the guest's own is used either way
    }
    const figures: Record<string, number | string> = {};
    for (const round of [1, 2]) {
      const started = performance.now();
      const report = await verifyProject('projects/kim', diskProjectFiles(dir, kim), {});
      const wall = Math.round(performance.now() - started);
      const programs = report.entries.filter((e) => e.program);
      const steps = programs[0]?.steps ?? {};
      figures[`round${round}WallMs`] = wall;
      figures[`round${round}CompileMs`] = Math.round(steps.compileMs ?? -1);
      figures[`round${round}LoadAndAttachMs`] = Math.round(steps.loadMs ?? -1);
      figures[`round${round}WindowMs`] = Math.round(steps.windowMs ?? -1);
      figures[`round${round}PrecompiledVmlinux`] = steps.pch ? 'yes' : 'no';
      figures[`round${round}Programs`] = programs.map((p) => `${p.program}:${p.status}`).join(' ');
      figures.vmStart = report.runner.vmStart ?? '?';
      figures.accel = report.runner.accel ?? '?';
      figures.kernel = report.runner.kernel;
    }
    figures.loadAverage1m = os.loadavg()[0]!;
    return [{ name, figures }];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
