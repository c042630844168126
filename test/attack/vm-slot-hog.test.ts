/**
 * Attack review 2: one member holds the VM runner for the whole of every request.
 *
 * The VM slots (verify-in-vm.ts, VmSlots) are first come, first served, and a VM may run until
 * its kill deadline: under full emulation `bootMs + batches × (attach + window + grace + 5 s)`,
 * 90 + 7 × 150 = 1,140 s for 50 one-liners, cut only by the request's own deadline
 * (`verify.timeoutMinutes`, 20 min by default). A guest whose root program keeps the agent from
 * answering (the threat model's compromised guest; an honest note of 50 one-liners that each
 * compile to the attach timeout would come close, not measured) is killed only then. `--kernel` twice queues both VMs at once, ahead of anyone who asks
 * later. So a member's one request holds the only slot (STUDY_BOT_VM_SLOTS, 1 on this 2-core
 * machine) for its full 20 minutes, and the gate lets them ask again the moment it ends (three
 * such requests an hour stay under `perHour: 6`). Another member who asks a minute after them
 * waits 19 minutes for a VM and gets it with what is left of their own deadline: one minute.
 *
 * Real `verifyInVm` and `VmSlots`; QEMU is played by a stand-in `launchVm` that keeps the real
 * contract (a VM that never answers is killed at its deadline; an honest one answers after the
 * time a small request takes here under TCG), on fake timers, so the test takes a second.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LaunchOptions, LaunchResult } from '../../src/runner/vm/launch-vm.js';

const vm = vi.hoisted(() => ({
  /** the request file whose guest never answers */
  hostileFile: 'study/week1/attacker.md',
  /** how long an honest small request takes in a VM here (TCG: 20-60 s measured, docs/verify.md) */
  honestMs: 45_000,
  started: [] as { file: string | undefined; at: number; deadlineMs: number }[],
}));

vi.mock('../../src/runner/vm/qemu-jail.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/runner/vm/qemu-jail.js')>()),
  jailCheck: () => ({ ok: true, mode: 'root' }),
}));

vi.mock('../../src/runner/vm/launch-vm.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/runner/vm/launch-vm.js')>();
  const { readRequestLine } = await import('../../src/runner/vm/vm-request.js');
  return {
    ...real,
    launchVm: (opts: LaunchOptions): Promise<LaunchResult> => {
      const line = readRequestLine((opts.request ?? '').trimEnd());
      if (line.kind !== 'request') throw new Error(`stand-in QEMU got no request: ${line.kind}`);
      const { request } = line;
      vm.started.push({ file: request.file, at: Date.now(), deadlineMs: opts.deadlineMs });
      const hostile = request.file === vm.hostileFile;
      const base = { consoleTail: '', qemuErrors: '', exitCode: 0, readySeen: true, overflowed: false };
      return new Promise((resolve) => {
        if (hostile || vm.honestMs > opts.deadlineMs) {
          // Killed at the deadline, no answer (what launchVm reports for a guest that said nothing).
          setTimeout(() => resolve({ ...base, frame: { ok: false, reason: 'no-frame' }, timedOut: true, exitCode: null, durationMs: opts.deadlineMs }), opts.deadlineMs);
          return;
        }
        const results = request.oneLiners.map((o) => ({ line: o.line, heading: o.heading, command: o.command, kind: o.kind, status: 'ok', events: 1, message: '', output: [], durationMs: 1_000 }));
        const frame = JSON.parse(JSON.stringify({ report: { runner: { kernel: 'guest', bpftrace: 'v0.17.0', btf: true }, results } })) as unknown;
        setTimeout(() => resolve({ ...base, frame: { ok: true, value: frame }, timedOut: false, durationMs: vm.honestMs }), vm.honestMs);
      });
    },
  };
});

const { verifyInVm } = await import('../../src/runner/vm/verify-in-vm.js');
const { extractOneLiners } = await import('../../src/oneliners/extract-oneliners.js');

const kernel = (release: string) => ({
  name: release,
  release,
  source: `linux-image-${release}`,
  vmlinuz: `kernels/${release}/vmlinuz`,
  initramfs: `kernels/${release}/initramfs.cpio`,
  features: { kprobes: true, btf: true, kfunc: true },
});
const KERNELS = ['6.1.0-57-cloud-amd64', '6.1.0-47-cloud-amd64'];

let runnerDir: string;
beforeAll(() => {
  // A runner folder shaped like /var/cache/study-bot/runner (two kernels, as this machine's has).
  runnerDir = mkdtempSync(path.join(os.tmpdir(), 'attack-slot-hog-'));
  for (const release of KERNELS) {
    mkdirSync(path.join(runnerDir, 'kernels', release), { recursive: true });
    writeFileSync(path.join(runnerDir, 'kernels', release, 'vmlinuz'), 'k');
    writeFileSync(path.join(runnerDir, 'kernels', release, 'initramfs.cpio'), 'i');
  }
  writeFileSync(path.join(runnerDir, 'root.ext4'), '');
  writeFileSync(
    path.join(runnerDir, 'manifest.json'),
    JSON.stringify({ version: 1, builtAt: new Date().toISOString(), image: 'root.ext4', suite: 'bookworm', packages: [], bpftrace: 'v0.17.0', kernels: KERNELS.map(kernel) }),
  );
});
afterAll(() => {
  vi.useRealTimers();
  rmSync(runnerDir, { recursive: true, force: true });
});

const note = (n: number) =>
  `# Week 1\n\n${Array.from({ length: n }, (_, i) => `## step ${i}\n\n\`\`\`bash\nsudo bpftrace -e 'BEGIN { printf("${i}\\n"); exit(); }'\n\`\`\`\n`).join('\n')}`;

const MINUTE = 60_000;
/** verify.timeoutMinutes's default: the request's deadline, which the local driver passes as `until` */
const TIMEOUT_MS = 20 * MINUTE;

describe('attack 2: one member held the VM runner for whole requests', () => {
  it('HIGH (fixed): a member asking a minute after a hostile request gets the next VM within 5 min, with its full time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const env = { STUDY_BOT_VM_ACCEL: 'tcg', STUDY_BOT_VM_SLOTS: '1', STUDY_BOT_VM_SNAPSHOT: '0', STUDY_BOT_VM_POOL: '0' };
    const agentSource = '/* stand-in agent: the stand-in QEMU answers for it */';
    const attackerLines = await extractOneLiners(note(50));
    const victimLines = await extractOneLiners(note(3));
    expect(attackerLines).toHaveLength(50);
    const t0 = Date.now();

    // `/verify week1 --kernel 6.1.0-57 --kernel 6.1.0-47`: both VMs queue at once.
    const attacker = verifyInVm(attackerLines, { runnerDir, env, agentSource, kernels: KERNELS, file: vm.hostileFile, until: t0 + TIMEOUT_MS, owner: 'o/study#mallory' });
    await vi.advanceTimersByTimeAsync(MINUTE);
    // Another member's ordinary /verify, a minute later.
    const victim = verifyInVm(victimLines, { runnerDir, env, agentSource, file: 'study/week1/victim.md', until: Date.now() + TIMEOUT_MS, owner: 'o/study#kim-cs' });
    await vi.advanceTimersByTimeAsync(2 * TIMEOUT_MS);
    const [attackerReport, victimReport] = await Promise.all([attacker, victim]);

    const attackerHeld = vm.started.filter((s) => s.file === vm.hostileFile).reduce((sum, s) => sum + s.deadlineMs, 0);
    const victimVm = vm.started.find((s) => s.file === 'study/week1/victim.md');
    const waited = victimVm ? victimVm.at - (t0 + MINUTE) : Number.POSITIVE_INFINITY;
    const said = `attacker held the only VM ${(attackerHeld / MINUTE).toFixed(1)} min (${attackerReport.kernels?.length ?? 1} VMs); victim waited ${(waited / MINUTE).toFixed(1)} min and got a VM deadline of ${((victimVm?.deadlineMs ?? 0) / 1000).toFixed(0)} s; victim's results: ${victimReport.results.map((r) => `${r.status}: ${r.message.slice(0, 80)}`).join(' | ')}`;
    // Before the fix (seen: attacker 20.0 min with 2 VMs; victim waited 19.0 min, VM deadline
    // 60 s): one VM ran to the request's deadline, and the attacker's second kernel went first.
    // Now a VM runs at most 5 min (vmMaxMs) and the attacker's second VM waits behind the victim.
    for (const s of vm.started.filter((v) => v.file === vm.hostileFile)) expect(s.deadlineMs, said).toBeLessThanOrEqual(5 * MINUTE);
    expect(vm.started.map((v) => v.file), said).toEqual([vm.hostileFile, 'study/week1/victim.md', vm.hostileFile]);
    expect(waited, said).toBeLessThan(5 * MINUTE);
    expect(victimVm!.deadlineMs, said).toBeGreaterThan(2 * vm.honestMs);
    // the attacker is told why their VM stopped, and what to do
    expect(attackerReport.results[0]!.message).toContain('최대 5분');
    expect(attackerReport.results[0]!.message).toContain('split the request');
    expect(victimReport.results.map((r) => r.status), said).toEqual(['ok', 'ok', 'ok']);
  });
});
