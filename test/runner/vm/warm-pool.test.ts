/**
 * The warm pool (issue 18) with real processes and without booting a VM: the "QEMU" here is a
 * script that plays a guest (says ready every 20 ms, takes one request line, answers with a
 * frame naming its own pid and the request). vm-runner.vm.test.ts takes a real parked guest.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchVm, type LaunchResult } from '../../../src/runner/vm/launch-vm.js';
import type { QemuSpec } from '../../../src/runner/vm/qemu-argv.js';
import { FRAME_BEGIN, FRAME_END } from '../../../src/runner/vm/result-frame.js';
import { encodeRequestLine, READY_MARKER, REQUEST_PREFIX, WARMED_MARKER, WARMUP_LINE } from '../../../src/runner/vm/serial-protocol.js';
import { poolMaxBytes, poolSize, WarmPool, type PoolTarget } from '../../../src/runner/vm/warm-pool.js';

let dir: string;
let qemu: string;
const spec: QemuSpec = { accel: 'tcg', kernel: '/k', initramfs: '/i', rootImage: '/r', cpus: 1, memoryMb: 512 };
const pools: WarmPool<LaunchResult>[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'warm-pool-'));
  qemu = path.join(dir, 'fake-qemu-guest');
  // Each guest writes its pid into started.log, and (when told to) floods its console while parked.
  writeFileSync(
    qemu,
    `#!/usr/bin/env node
const fs = require('node:fs');
fs.appendFileSync(${JSON.stringify(path.join(dir, 'started.log'))}, process.pid + '\\n');
if (fs.existsSync(${JSON.stringify(path.join(dir, 'fail'))})) process.exit(3);
const flood = fs.existsSync(${JSON.stringify(path.join(dir, 'flood'))}) ? 'x'.repeat(64 * 1024) : '';
const beat = () => process.stdout.write(flood + ${JSON.stringify(READY_MARKER)} + '\\n');
// 'slowstart': the first "ready" only after 500 ms (a restore); 'slowwarm': a 5 s warm-up.
let timer = fs.existsSync(${JSON.stringify(path.join(dir, 'slowstart'))}) ? null : setInterval(beat, 20);
if (!timer) setTimeout(() => (timer = setInterval(beat, 20)), 500);
const warmMs = fs.existsSync(${JSON.stringify(path.join(dir, 'slowwarm'))}) ? 5000 : 300;
let warming = null;
let cut = false;
let text = '';
process.stdin.on('data', (chunk) => {
  text += chunk;
  fs.appendFileSync(${JSON.stringify(path.join(dir, 'stdin.log'))}, process.pid + ' ' + String(chunk).slice(0, 24) + '\\n');
  if (text.startsWith(${JSON.stringify(WARMUP_LINE)})) {
    // the warm-up: a while without heartbeats, then the marker, then waiting as before
    text = text.slice(${JSON.stringify(WARMUP_LINE)}.length);
    clearInterval(timer);
    warming = setTimeout(() => { warming = null; process.stdout.write(${JSON.stringify(WARMED_MARKER)} + '\\n'); timer = setInterval(beat, 20); }, warmMs);
    return;
  }
  if (!text.includes('\\n')) return;
  clearInterval(timer);
  // A request during the warm-up stops it, as the agent does.
  if (warming) {
    clearTimeout(warming);
    cut = true;
    process.stdout.write(${JSON.stringify(WARMED_MARKER)} + '\\n');
  }
  const request = JSON.parse(Buffer.from(text.slice(${JSON.stringify(REQUEST_PREFIX)}.length, text.indexOf('\\n')), 'base64').toString());
  setTimeout(() => {
    // The nice of each of its threads as it answers (field 19 of a task's stat, after the name).
    const nices = fs.readdirSync('/proc/self/task').map((tid) => { const stat = fs.readFileSync('/proc/self/task/' + tid + '/stat', 'latin1'); return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]); });
    process.stdout.write('\\n${FRAME_BEGIN}\\n' + Buffer.from(JSON.stringify({ pid: process.pid, request, nices, cut })).toString('base64') + '\\n${FRAME_END}\\n');
    process.exit(0);
  }, request.runMs ?? 50);
});
`,
  );
  chmodSync(qemu, 0o755);
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.stop()));
  rmSync(path.join(dir, 'flood'), { force: true });
  rmSync(path.join(dir, 'fail'), { force: true });
  rmSync(path.join(dir, 'slowstart'), { force: true });
  rmSync(path.join(dir, 'slowwarm'), { force: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const target = (key: string, opts: { bytes?: number; maxConsoleBytes?: number; warmUp?: boolean } = {}): PoolTarget<LaunchResult> => ({
  key,
  kernel: key,
  bytes: opts.bytes ?? 100,
  launch: (park, onReady) =>
    launchVm({ spec, deadlineMs: 1_000, readyWithinMs: 10_000, user: null, qemuBinary: qemu, park, onReady, maxConsoleBytes: opts.maxConsoleBytes, ...(opts.warmUp ? { warmUp: WARMUP_LINE } : {}) }),
});
const newPool = (opts: Partial<ConstructorParameters<typeof WarmPool>[0]> = {}) => {
  const pool = new WarmPool<LaunchResult>({ size: 1, maxBytes: 1_000_000, ...opts });
  pools.push(pool);
  return pool;
};
const request = (n: number, runMs = 50) => ({ line: encodeRequestLine({ n, runMs }), deadlineMs: 10_000 });
const answer = (launched: LaunchResult | null) => (launched?.frame.ok ? (launched.frame.value as { pid: number; request: { n: number }; nices: number[]; cut: boolean }) : null);
const until = async (check: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const startedPids = () => (existsSync(path.join(dir, 'started.log')) ? readFileSync(path.join(dir, 'started.log'), 'utf8') : '').split('\n').filter(Boolean).map(Number);

describe('the warm pool', () => {
  it('hands a parked guest to one request, which it runs and nothing else; its replacement starts only after it ended', async () => {
    const pool = newPool();
    pool.setTargets([target('a')]);
    await until(() => pool.status()[0]!.parked === 1);
    const guest = pool.take('a')!;
    expect(guest).not.toBeNull();
    // Taken out of the pool: nobody else gets it, and nothing refills while it runs.
    expect(pool.take('a')).toBeNull();
    expect(pool.status()[0]).toMatchObject({ parked: 0, starting: 0 });
    const run = guest.run(request(1, 400));
    expect(() => guest.run(request(2))).toThrow(/only the one request/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(pool.status()[0]).toMatchObject({ parked: 0, starting: 0 });
    const first = answer(await run);
    expect(first?.request.n).toBe(1);
    // The run is over: a new guest (another process) is parked in its place.
    await until(() => pool.status()[0]!.parked === 1);
    const next = pool.take('a')!;
    const second = answer(await next.run(request(3)));
    expect(second?.request.n).toBe(3);
    expect(second?.pid).not.toBe(first?.pid);
    expect(alive(first!.pid)).toBe(false);
  });

  it('parks a guest only once it has run the warm-up, and sends a request taken meanwhile after it', async () => {
    const pool = newPool();
    pool.setTargets([target('a', { warmUp: true })]);
    // taken while still starting: the request waits for the warm-up to finish
    const guest = pool.take('a')!;
    const launched = await guest.run(request(4));
    expect(answer(launched)?.request.n).toBe(4);
    const pid = answer(launched)!.pid;
    const lines = readFileSync(path.join(dir, 'stdin.log'), 'utf8').split('\n').filter((l) => l.startsWith(`${pid} `));
    expect(lines.map((l) => l.slice(String(pid).length + 1, String(pid).length + 20))).toEqual([WARMUP_LINE.slice(0, 19), REQUEST_PREFIX.slice(0, 19)]);
  });

  it('gives a request a guest that is still starting, or none for a kind it does not keep', async () => {
    const pool = newPool();
    pool.setTargets([target('a')]);
    expect(pool.take('other')).toBeNull();
    const guest = pool.take('a')!;
    expect(guest.state).toBe('taken');
    expect(await guest.ready).toBe(true);
    expect(answer(await guest.run(request(7)))?.request.n).toBe(7);
  });

  it('keeps as many guests per kind as asked, within its memory bound, the first kinds first', async () => {
    const pool = newPool({ size: 2, maxBytes: 3 * 100 });
    pool.setTargets([target('a'), target('b'), target('c')]);
    expect(pool.status().map((s) => [s.kernel, s.size])).toEqual([['a', 2], ['b', 1], ['c', 0]]);
    await until(() => pool.status().reduce((n, s) => n + s.parked, 0) === 3);
    expect(pool.status().reduce((n, s) => n + s.bytes, 0)).toBeLessThanOrEqual(300);
  });

  it('stops its parked guests (their processes end), and starts none after', async () => {
    const pool = newPool({ size: 2 });
    pool.setTargets([target('a')]);
    await until(() => pool.status()[0]!.parked === 2);
    const pids = startedPids().slice(-2);
    expect(pids.every(alive)).toBe(true);
    await pool.stop();
    expect(pids.some(alive)).toBe(false);
    expect(pool.take('a')).toBeNull();
    expect(pool.status()[0]).toMatchObject({ parked: 0, starting: 0 });
  });

  it('lets a request taken before stop() finish, and stops only what is parked', async () => {
    const pool = newPool();
    pool.setTargets([target('a')]);
    await until(() => pool.status()[0]!.parked === 1);
    const guest = pool.take('a')!;
    const run = guest.run(request(5, 300));
    await pool.stop();
    expect(answer(await run)?.request.n).toBe(5);
  });

  it('drops what a parked guest says before its request: hours of heartbeats do not fill its console cap', async () => {
    writeFileSync(path.join(dir, 'flood'), '');
    const pool = newPool();
    pool.setTargets([target('a', { maxConsoleBytes: 256 * 1024 })]);
    await until(() => pool.status()[0]!.parked === 1);
    // ~3 MiB of heartbeats while parked, ten times the cap
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    rmSync(path.join(dir, 'flood'));
    const guest = pool.take('a')!;
    expect(guest.state).toBe('taken');
    const launched = await guest.run(request(9));
    expect(launched?.overflowed).toBe(false);
    expect(answer(launched)?.request.n).toBe(9);
  });

  it('replaces a guest that fails to start, and gives up after three failures in a row', async () => {
    writeFileSync(path.join(dir, 'fail'), '');
    const warnings: string[] = [];
    const pool = newPool({ warn: (message) => warnings.push(message) });
    const before = startedPids().length;
    pool.setTargets([target('a')]);
    await until(() => pool.status()[0]!.failed);
    expect(startedPids().length - before).toBe(3);
    expect(warnings.join()).toMatch(/failed to start 3 times/);
    expect(pool.take('a')).toBeNull();
  });

  it('starts guests in the VM slots it is given, releasing the slot once a guest is parked', async () => {
    let inSlot = 0;
    let most = 0;
    const withSlot = async <T>(task: () => Promise<T>): Promise<T> => {
      inSlot++;
      most = Math.max(most, inSlot);
      try {
        return await task();
      } finally {
        inSlot--;
      }
    };
    const pool = newPool({ size: 2, withSlot });
    pool.setTargets([target('a')]);
    await until(() => pool.status()[0]!.parked === 2);
    expect(most).toBeGreaterThan(0);
    expect(inSlot).toBe(0);
  });

  it.skipIf(process.getuid?.() !== 0)('starts guests at a low priority, giving their slot back once started, and runs a taken one at the normal priority, every thread', async () => {
    let held = 0;
    const withSlot = async <T>(task: () => Promise<T>): Promise<T> => {
      held++;
      try {
        return await task();
      } finally {
        held--;
      }
    };
    const before = startedPids().length;
    const pool = newPool({ withSlot, slotUntilStarted: true });
    pool.setTargets([{
      key: 'a',
      kernel: 'a',
      bytes: 100,
      launch: (park, onReady, taken) =>
        launchVm({ spec, deadlineMs: 1_000, readyWithinMs: 10_000, user: null, qemuBinary: qemu, park, onReady, warmUp: WARMUP_LINE, nice: { value: 19, until: taken } }),
    }]);
    await until(() => startedPids().length > before);
    const pid = startedPids().at(-1)!;
    // Still warming up (300 ms), yet its slot is free; it and its threads run at nice 19.
    await until(() => held === 0, 2_000);
    expect(pool.status()[0]!.parked).toBe(0);
    await until(() => pool.status()[0]!.parked === 1);
    expect(os.getPriority(pid)).toBe(19);
    const guest = pool.take('a')!;
    const done = answer(await guest.run(request(1)));
    expect(done?.pid).toBe(pid);
    expect(done?.nices.length).toBeGreaterThan(1);
    expect(done?.nices.every((nice) => nice === 0)).toBe(true);
    // Its replacement starts low again.
    await until(() => pool.status()[0]!.parked === 1);
    expect(startedPids().length).toBe(before + 2);
    expect(os.getPriority(startedPids().at(-1)!)).toBe(19);
  });

  it('gives a request a guest still warming up at once, and the warm-up stops for it; one taken before its restore is over skips the warm-up', async () => {
    const cutting: PoolTarget<LaunchResult> = {
      key: 'a',
      kernel: 'a',
      bytes: 100,
      launch: (park, onReady, taken) => launchVm({ spec, deadlineMs: 10_000, readyWithinMs: 20_000, user: null, qemuBinary: qemu, park, onReady, warmUp: WARMUP_LINE, taken }),
    };
    writeFileSync(path.join(dir, 'slowwarm'), '');
    const before = startedPids().length;
    const pool = newPool();
    pool.setTargets([cutting]);
    const warmupsOf = (pid: number) => readFileSync(path.join(dir, 'stdin.log'), 'utf8').split('\n').filter((l) => l.startsWith(`${pid} ${WARMUP_LINE.trim()}`)).length;
    await until(() => startedPids().length > before && existsSync(path.join(dir, 'stdin.log')) && warmupsOf(startedPids().at(-1)!) === 1);
    // Warming up (5 s): taken now, it is ready at once and its request stops the warm-up.
    const started = Date.now();
    const guest = pool.take('a')!;
    expect(await guest.ready).toBe(true);
    const done = answer(await guest.run(request(1)));
    expect(done).toMatchObject({ request: { n: 1 }, cut: true });
    expect(Date.now() - started).toBeLessThan(3_000);

    // Its replacement restores slowly (500 ms): taken before it says ready, it never warms up.
    rmSync(path.join(dir, 'slowwarm'));
    writeFileSync(path.join(dir, 'slowstart'), '');
    await until(() => startedPids().length > before + 1);
    const next = pool.take('a')!;
    expect(pool.status()[0]!.parked).toBe(0);
    expect(await next.ready).toBe(true);
    const second = answer(await next.run(request(2)));
    expect(second).toMatchObject({ request: { n: 2 }, cut: false });
    expect(warmupsOf(second!.pid)).toBe(0);
  });

  it('reads its size and memory bound from the environment', () => {
    expect(poolSize({})).toBe(1);
    expect(poolSize({ STUDY_BOT_VM_POOL: '0' })).toBe(0);
    expect(poolSize({ STUDY_BOT_VM_POOL: '3' })).toBe(3);
    expect(poolSize({ STUDY_BOT_VM_POOL: 'lots' })).toBe(1);
    expect(poolMaxBytes({ STUDY_BOT_VM_POOL_MAX_MB: '512' })).toBe(512 * 1024 * 1024);
    expect(poolMaxBytes({})).toBe(Math.floor(os.totalmem() / 4));
  });
});

describe('a process that dies with guests parked', () => {
  it('leaves none running, even when SIGKILLed (QEMU dies with its parent)', async () => {
    const script = path.join(dir, 'parks.mts');
    writeFileSync(
      script,
      `import { launchVm } from ${JSON.stringify(path.resolve('src/runner/vm/launch-vm.ts'))};
import { WarmPool } from ${JSON.stringify(path.resolve('src/runner/vm/warm-pool.ts'))};
const pool = new WarmPool({ size: 2, maxBytes: 1e9 });
pool.setTargets([{ key: 'a', kernel: 'a', bytes: 1, launch: (park, onReady) => launchVm({ spec: ${JSON.stringify(spec)}, deadlineMs: 1000, user: null, qemuBinary: ${JSON.stringify(qemu)}, park, onReady }) }]);
const timer = setInterval(() => { if (pool.status()[0].parked === 2) { clearInterval(timer); console.log('parked'); } }, 20);
`,
    );
    const before = startedPids().length;
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('parked') && resolve());
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const pids = startedPids().slice(before);
    expect(pids).toHaveLength(2);
    expect(pids.every(alive)).toBe(true);
    child.kill('SIGKILL');
    await until(() => !pids.some(alive), 5_000);
  }, 60_000);
});
