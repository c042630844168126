import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { diskProjectFiles } from '../../src/project/disk-files.js';
import type { ProjectEntry } from '../../src/project/project-report.js';
import { verifyProject } from '../../src/project/verify-project.js';
import { readManifest } from '../../src/runner/vm/runner-dir.js';
import { describeNeeding } from '../helpers/prerequisites.js';
import { missingVmPrerequisite, VM_TEST_TIMEOUT } from '../helpers/vm.js';

/**
 * One VM boot carries a member's project mixing real programs, programs broken on purpose and
 * attacks; each verdict asserted here is the 6.1 guest kernel's. Nothing of it may compile or
 * run on the host: a `clang` and `python3` first on the host's PATH would record being called.
 */
const missing = missingVmPrerequisite() ?? (readManifest()?.packages.some((p) => p.startsWith('clang=')) ? null : 'the runner image has no clang/bpftool (rebuild it: study-bot runner image build)');

let dir: string;
let trap: string;
const oldPath = process.env.PATH;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'proj-vm-'));
  const kim = path.join(dir, 'projects', 'kim');
  mkdirSync(kim, { recursive: true });
  for (const f of ['fork.py', 'helper.bpf.c', 'loop.bpf.c', 'null-check.bpf.c', 'include-shadow.bpf.c', 'include-loop.bpf.c', 'loop-a.h', 'loop-b.h']) copyFileSync(`test/fixtures/project/broken/${f}`, path.join(kim, f));
  copyFileSync('test/fixtures/project/libbpf-bootstrap/minimal.bpf.c', path.join(kim, 'minimal.bpf.c'));
  copyFileSync('test/fixtures/project/libbpf-bootstrap/minimal.c', path.join(kim, 'minimal.c'));
  // 50 MB of source: refused on the host by its size, never read whole.
  writeFileSync(path.join(kim, 'huge.bpf.c'), `#include <bpf/bpf_helpers.h>\nSEC("xdp") int f(void *c) { return 2; }\n${'//\n'.repeat(17 * 1024 * 1024)}`);
  trap = path.join(dir, 'trap');
  mkdirSync(path.join(dir, 'bin'));
  for (const tool of ['clang', 'python3', 'bpftool']) {
    writeFileSync(path.join(dir, 'bin', tool), `#!/bin/sh\necho "$0 $*" >> ${trap}\nexit 1\n`);
    chmodSync(path.join(dir, 'bin', tool), 0o755);
  }
  process.env.PATH = `${path.join(dir, 'bin')}:${oldPath}`;
});

afterAll(() => {
  process.env.PATH = oldPath;
  rmSync(dir, { recursive: true, force: true });
});

describeNeeding({ missing, required: process.env.STUDY_BOT_REQUIRE_VM === '1', variable: 'STUDY_BOT_REQUIRE_VM', tests: 'VM' }, 'a project in the VM', () => {
  it('gives each program the verdict the guest kernel gave, with the class and the source line', async () => {
    const report = await verifyProject('projects/kim', diskProjectFiles(dir, path.join(dir, 'projects/kim')), { limits: { pythonMs: 40_000 } });
    const by = (file: string, program?: string): ProjectEntry | undefined => report.entries.find((e) => e.path === `projects/kim/${file}` && (program === undefined || e.program === program));

    expect(report.runner).toMatchObject({ isolation: 'vm', kernel: readManifest()!.kernels[0]!.release });
    expect(report.clang).toMatch(/clang version 14/);
    // A real program: compiled against this kernel's BTF, verified, attached, and run by the workload.
    expect(by('minimal.bpf.c', 'handle_tp')).toMatchObject({ status: 'ok', line: 10, section: 'tp/syscalls/sys_enter_write', insns: expect.any(Number), states: { total: expect.any(Number), peak: expect.any(Number) } });
    expect(by('minimal.bpf.c')!.events).toBeGreaterThan(0);
    expect(by('minimal.c')).toMatchObject({ status: 'skipped', kind: 'userspace-c' });
    // Broken on purpose: the class and the member's line.
    expect(by('null-check.bpf.c')).toMatchObject({ status: 'rejected', class: 'null-check', line: 23, log: expect.arrayContaining([expect.stringContaining("invalid mem access 'map_value_or_null'")]) });
    // vmlinux.h first: compiled with the guest's precompiled vmlinux.h; minimal.bpf.c has none.
    expect(by('null-check.bpf.c')!.steps).toMatchObject({ pch: true });
    expect(by('minimal.bpf.c')!.steps!.pch).toBeUndefined();
    expect(by('loop.bpf.c')).toMatchObject({ status: 'rejected', class: 'unbounded-loop', line: 16 });
    expect(by('helper.bpf.c')).toMatchObject({ status: 'rejected', class: 'helper-not-allowed', line: 12 });
    // Attacks: refused on the host, or contained in the guest (the programs checked after the
    // fork bomb still got their verdicts, so the guest survived it).
    expect(by('include-shadow.bpf.c')).toMatchObject({ status: 'denied', message: expect.stringContaining('/etc/shadow') });
    // Two headers that include each other: clang stops, named in the header; later sources still checked.
    expect(by('include-loop.bpf.c')).toMatchObject({ status: 'compile-error', file: 'projects/kim/loop-a.h', message: expect.stringContaining('#include nested too deeply') });
    expect(by('huge.bpf.c')).toMatchObject({ status: 'denied', message: expect.stringContaining('too large') });
    expect(by('fork.py')).toMatchObject({ status: 'timeout', kind: 'bcc-python' });
    expect(JSON.stringify(report)).not.toContain('root:');
    expect(existsSync(trap)).toBe(false);
  }, 1.5 * VM_TEST_TIMEOUT); // eight sources one by one under emulation: 558 s here at load 23 before the precompiled vmlinux.h, 452 s after at load 12-24, snapshot save included
});
