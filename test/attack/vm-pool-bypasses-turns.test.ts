/**
 * Attack review 9 (open, High with `STUDY_BOT_VM_POOL=2`): the review-2 fix (VmSlots turns) is
 * bypassed by the warm pool. A request that takes a parked guest waits for its VM slot in
 * runPooled (verify-in-vm.ts) as `vmSlots.run(settings.slots, task)`: no `owner` and no `until`.
 * Every pooled request is owner '', so among them the turns are first come, first served again,
 * and a pooled request never gives up its place when its member's deadline passes.
 *
 * So with two guests parked per kernel (docs/vm-warm-pool.md offers `STUDY_BOT_VM_POOL=2` where
 * memory allows), `/verify week1 --kernel 6.1.0-57 --kernel 6.1.0-47` from a member whose guest
 * never answers takes two parked guests; another member's ordinary `/verify` a minute later
 * takes the third and waits behind BOTH of the attacker's 5-min VMs (9 min after asking, TCG),
 * the exact order the review-2 test forbids (attacker, victim, attacker). With the default pool
 * of 1 the attacker's two takes empty the pool and the victim boots as owner 'kim-cs', so the
 * turns hold (not reproduced there).
 *
 * Seen: victim started by the pool, waited 9.0 min, order attacker, attacker, victim; with pool 1
 * (the control) attacker, victim, attacker. Same stand-in QEMU as vm-slot-hog.test.ts, here also
 * parking for the pool (answers only once handed its request); the real
 * startWarmPool, WarmPool, VmSlots and verifyInVm with the real guest agent's source.
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
    launchVm: async (opts: LaunchOptions): Promise<LaunchResult> => {
      let requestText = opts.request;
      let deadlineMs = opts.deadlineMs;
      if (opts.park) {
        // A pool guest: parked at READY at once, then handed its request (warm-pool.ts).
        await Promise.resolve();
        opts.onReady?.(null);
        const taken = await opts.park;
        if (!taken) return { consoleTail: '', qemuErrors: '', exitCode: 0, readySeen: true, overflowed: false, frame: { ok: false, reason: 'no-frame' }, timedOut: false, durationMs: 0 } as LaunchResult;
        requestText = taken.line;
        deadlineMs = taken.deadlineMs;
      }
      opts = { ...opts, deadlineMs };
      const line = readRequestLine((requestText ?? '').trimEnd());
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

const { verifyInVm, startWarmPool, stopWarmPool } = await import('../../src/runner/vm/verify-in-vm.js');
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
  runnerDir = mkdtempSync(path.join(os.tmpdir(), 'attack-pool-hog-'));
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
afterAll(async () => {
  vi.useRealTimers();
  await stopWarmPool();
  rmSync(runnerDir, { recursive: true, force: true });
});

const note = (n: number) =>
  `# Week 1\n\n${Array.from({ length: n }, (_, i) => `## step ${i}\n\n\`\`\`bash\nsudo bpftrace -e 'BEGIN { printf("${i}\\n"); exit(); }'\n\`\`\`\n`).join('\n')}`;

const MINUTE = 60_000;
/** verify.timeoutMinutes's default: the request's deadline, which the local driver passes as `until` */
const TIMEOUT_MS = 20 * MINUTE;

/** The review-2 scenario with `pool` guests parked per kernel: the order VMs started in, and the victim's wait. */
async function scenario(pool: string) {
  vi.useRealTimers();
  await stopWarmPool();
  vm.started.length = 0;
  const env = { STUDY_BOT_VM_ACCEL: 'tcg', STUDY_BOT_VM_SLOTS: '1', STUDY_BOT_VM_SNAPSHOT: '0', STUDY_BOT_VM_POOL: pool, STUDY_BOT_VM_POOL_MAX_MB: '100000', STUDY_BOT_RUNNER_DIR: runnerDir };
  let parked = 0;
  await startWarmPool({ runnerDir, env, warmUp: false, onParked: () => parked++ });
  for (let i = 0; i < 200 && parked < 2 * Number(pool); i++) await new Promise((r) => setTimeout(r, 10));
  expect(parked).toBe(2 * Number(pool));
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  const attackerLines = await extractOneLiners(note(50));
  const victimLines = await extractOneLiners(note(3));
  const t0 = Date.now();
  // `/verify week1 --kernel 6.1.0-57 --kernel 6.1.0-47` whose guests never answer
  const attacker = verifyInVm(attackerLines, { runnerDir, env, kernels: KERNELS, file: vm.hostileFile, until: t0 + TIMEOUT_MS, owner: 'o/study#mallory' });
  await vi.advanceTimersByTimeAsync(MINUTE);
  // another member's ordinary /verify, a minute later
  const victim = verifyInVm(victimLines, { runnerDir, env, file: 'study/week1/victim.md', until: Date.now() + TIMEOUT_MS, owner: 'o/study#kim-cs' });
  await vi.advanceTimersByTimeAsync(2 * TIMEOUT_MS);
  const [, victimReport] = await Promise.all([attacker, victim]);
  const victimVm = vm.started.find((s) => s.file === 'study/week1/victim.md');
  const waited = victimVm ? victimVm.at - (t0 + MINUTE) : Number.POSITIVE_INFINITY;
  const order = vm.started.map((v) => v.file);
  const said = `pool ${pool}: order ${order.join(', ')}; victim waited ${(waited / MINUTE).toFixed(1)} min, started by ${victimReport.kernels?.[0]?.runner.vmStart ?? victimReport.runner?.vmStart}; victim's results: ${victimReport.results.map((r) => r.status).join(', ')}`;
  return { order, waited, said };
}

describe('attack review 9: the warm pool bypasses the VM slots’ turns', () => {
  it('control, default pool of 1: the turns hold (the attacker’s two takes empty the pool; the victim boots in its own name)', async () => {
    const { order, waited, said } = await scenario('1');
    expect(order, said).toEqual([vm.hostileFile, 'study/week1/victim.md', vm.hostileFile]);
    expect(waited, said).toBeLessThan(5 * MINUTE);
  });

  it('HIGH (fixed, STUDY_BOT_VM_POOL=2): a member asking a minute after a hostile two-kernel request no longer waits behind both of its pooled VMs', async () => {
    const { order, waited, said } = await scenario('2');
    // seen: order attacker, attacker, victim; the victim waited 9.0 min (both of the attacker's
    // 5-min VMs), as before the review-2 fix's turns
    expect(order, said).toEqual([vm.hostileFile, 'study/week1/victim.md', vm.hostileFile]);
    expect(waited, said).toBeLessThan(5 * MINUTE);
  });
});
