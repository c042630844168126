/**
 * The serial-line protocol of warm starts and the snapshot's identity, without booting a VM
 * (vm-runner.vm.test.ts restores real snapshots). The "QEMU" here is a script that plays the
 * guest: it says ready, reads the request line, and answers with a frame.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchVm } from '../../../src/runner/vm/launch-vm.js';
import { qemuArgv, type QemuSpec } from '../../../src/runner/vm/qemu-argv.js';
import { FRAME_BEGIN } from '../../../src/runner/vm/result-frame.js';
import { decodeRequestLine, encodeRequestLine, READY_MARKER, REQUEST_PREFIX } from '../../../src/runner/vm/serial-protocol.js';
import { pruneOtherSnapshots, snapshotFile } from '../../../src/runner/vm/snapshot.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'warm-start-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the request line', () => {
  it('carries a one-liner that contains the markers themselves without showing them', () => {
    const request = { oneLiners: [{ command: `echo ${READY_MARKER} ${REQUEST_PREFIX} ${FRAME_BEGIN} \u0003\u0004\u001a` }] };
    const line = encodeRequestLine(request);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.split(READY_MARKER)).toHaveLength(1);
    expect(line.split(REQUEST_PREFIX)).toHaveLength(2);
    expect(line.slice(REQUEST_PREFIX.length, -1)).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(decodeRequestLine(line)).toEqual(request);
  });

  it.each([
    ['no prefix', 'eyJhIjoxfQ=='],
    ['not base64', `${REQUEST_PREFIX}{"a":1}`],
    ['not JSON', `${REQUEST_PREFIX}${Buffer.from('{a:').toString('base64')}`],
  ])('ignores a line with %s', (_, line) => {
    expect(decodeRequestLine(line)).toBeNull();
  });
});

describe('the QEMU command line', () => {
  const spec: QemuSpec = { accel: 'tcg', kernel: '/k', initramfs: '/i', rootImage: '/r', cpus: 2, memoryMb: 1024 };
  it('has no monitor and no incoming migration by default', () => {
    const argv = qemuArgv(spec);
    expect(argv).toContain('none');
    expect(argv[argv.indexOf('-monitor') + 1]).toBe('none');
    expect(argv).not.toContain('-mon');
    expect(argv).not.toContain('-incoming');
  });
  it('restores from an inherited descriptor, and gives only the snapshot boot a monitor, on a descriptor', () => {
    expect(qemuArgv({ ...spec, incomingFd: 3 }).join(' ')).toContain('-incoming fd:3');
    const saving = qemuArgv({ ...spec, qmpFd: 3 }).join(' ');
    expect(saving).toContain('-chardev socket,id=qmp,fd=3 -mon chardev=qmp,mode=control');
    expect(saving).not.toMatch(/unix:|path=/);
  });
});

/** A stand-in for QEMU and its guest: heartbeats (the marker split over two writes), one request, one frame. */
function fakeQemu(name: string, opts: { answer: boolean }): string {
  const file = path.join(dir, name);
  const log = path.join(dir, `${name}.log`);
  writeFileSync(
    file,
    `#!/usr/bin/env node
const fs = require('node:fs');
const half = ${JSON.stringify(READY_MARKER)}.length >> 1;
const beat = () => { process.stdout.write(${JSON.stringify(READY_MARKER)}.slice(0, half)); setTimeout(() => process.stdout.write(${JSON.stringify(READY_MARKER)}.slice(half) + '\\n'), 5); };
beat();
const timer = setInterval(beat, 30);
let text = '';
process.stdin.on('data', (chunk) => {
  text += chunk;
  fs.appendFileSync(${JSON.stringify(log)}, chunk);
  if (!text.includes('\\n')) return;
  clearInterval(timer);
  if (!${opts.answer}) return;
  const line = text.slice(0, text.indexOf('\\n'));
  const request = JSON.parse(Buffer.from(line.slice(${JSON.stringify(REQUEST_PREFIX)}.length), 'base64').toString());
  setTimeout(() => {
    process.stdout.write('\\n${FRAME_BEGIN}\\n' + Buffer.from(JSON.stringify({ echo: request })).toString('base64') + '\\n@@STUDYBOT-RESULT-END@@\\n');
    process.exit(0);
  }, 100);
});
`,
  );
  chmodSync(file, 0o755);
  return file;
}

describe('launchVm and a waiting agent', () => {
  const spec: QemuSpec = { accel: 'tcg', kernel: '/k', initramfs: '/i', rootImage: '/r', cpus: 1, memoryMb: 512 };

  it('sends the request once, after the agent says it is ready, and reads the answer', async () => {
    const qemu = fakeQemu('answers', { answer: true });
    const request = { version: 2, oneLiners: [], nowMs: 1 };
    const launched = await launchVm({ spec, deadlineMs: 20_000, user: null, qemuBinary: qemu, request: encodeRequestLine(request) });
    expect(launched.readySeen).toBe(true);
    expect(launched.frame).toEqual({ ok: true, value: { echo: request } });
    // Heartbeats are not shown as console noise in a "no result" message.
    expect(launched.consoleTail).not.toContain('STUDYBOT-READY');
    expect(readFileSync(path.join(dir, 'answers.log'), 'utf8')).toBe(encodeRequestLine(request));
  });

  it('stops a restored guest that never says it is ready long before the deadline', async () => {
    const qemu = path.join(dir, 'mute');
    writeFileSync(qemu, '#!/bin/sh\nexec sleep 60\n');
    chmodSync(qemu, 0o755);
    const started = Date.now();
    const launched = await launchVm({ spec, deadlineMs: 60_000, readyWithinMs: 500, user: null, qemuBinary: qemu, request: encodeRequestLine({ x: 1 }) });
    expect(launched).toMatchObject({ readySeen: false, timedOut: true });
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it.skipIf(process.getuid?.() !== 0)('gives a low-priority guest a busy host starved the normal priority and its time once more, then stops it', async () => {
    const qemu = path.join(dir, 'mute-niced');
    // It writes its pid and its nice after the first wait for "ready" ran out, then stays mute.
    writeFileSync(qemu, `#!/bin/sh\necho $$ > ${dir}/niced.pid\nexec sleep 60\n`);
    chmodSync(qemu, 0o755);
    const started = Date.now();
    const running = launchVm({ spec, deadlineMs: 60_000, readyWithinMs: 700, user: null, qemuBinary: qemu, park: new Promise(() => {}), nice: { value: 19, until: new Promise(() => {}) } });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const pid = Number(readFileSync(path.join(dir, 'niced.pid'), 'utf8'));
    expect(os.getPriority(pid)).toBe(19);
    await new Promise((resolve) => setTimeout(resolve, 700));
    // Past its first 700 ms: not stopped, at the normal priority.
    expect(os.getPriority(pid)).toBe(0);
    const launched = await running;
    expect(launched).toMatchObject({ readySeen: false, timedOut: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('stops the whole process tree it started, even a process in a session of its own that holds the console open', async () => {
    const qemu = path.join(dir, 'forks');
    // As bwrap's first process of a PID namespace would, had it not set its death signal yet:
    // a child in a new session that keeps QEMU's stdout open and outlives its parent's SIGKILL.
    writeFileSync(qemu, `#!/bin/sh\nsetsid sh -c 'echo $$ > ${dir}/forked.pid; exec sleep 60' &\nexec sleep 60\n`);
    chmodSync(qemu, 0o755);
    let stop: (request: null) => void = () => {};
    const running = launchVm({ spec, deadlineMs: 60_000, user: null, qemuBinary: qemu, park: new Promise((resolve) => (stop = resolve)) });
    const started = Date.now();
    while (!existsSync(path.join(dir, 'forked.pid')) && Date.now() - started < 10_000) await new Promise((resolve) => setTimeout(resolve, 50));
    const forked = Number(readFileSync(path.join(dir, 'forked.pid'), 'utf8'));
    stop(null);
    const launched = await running;
    expect(launched.readySeen).toBe(false);
    // Killed: gone, or a zombie until its new parent reaps it.
    const state = () => (existsSync(`/proc/${forked}/stat`) ? readFileSync(`/proc/${forked}/stat`, 'latin1').split(') ')[1]![0] : 'gone');
    expect(['gone', 'Z', 'X']).toContain(state());
  }, 20_000);

  it('stops a guest that takes the request and never answers, at the deadline', async () => {
    const qemu = fakeQemu('silent', { answer: false });
    const launched = await launchVm({ spec, deadlineMs: 1_500, user: null, qemuBinary: qemu, request: encodeRequestLine({ x: 1 }) });
    expect(launched).toMatchObject({ readySeen: true, timedOut: true, frame: { ok: false, reason: 'no-frame' } });
  });
});

describe('the snapshot file', () => {
  it('is named by everything a saved guest depends on: accel, size, and the files themselves', async () => {
    const files = ['k', 'i', 'r'].map((name) => path.join(dir, name));
    files.forEach((file) => writeFileSync(file, file));
    const spec: QemuSpec = { accel: 'tcg', kernel: files[0]!, initramfs: files[1]!, rootImage: files[2]!, cpus: 2, memoryMb: 2048 };
    const first = await snapshotFile(spec);
    expect(await snapshotFile(spec)).toBe(first);
    expect(path.dirname(first)).toBe(dir);
    for (const other of [{ ...spec, accel: 'kvm' as const }, { ...spec, memoryMb: 4096 }, { ...spec, cpus: 4 }, { ...spec, cpuModel: 'qemu64' }, { ...spec, append: ['x=1'] }]) {
      expect(await snapshotFile(other)).not.toBe(first);
    }
    // A rebuilt image (same path, new file) never restores an old guest.
    utimesSync(files[2]!, new Date(), new Date(Date.now() + 5_000));
    expect(await snapshotFile(spec)).not.toBe(first);
  });
});

describe('pruning the boot folder', () => {
  it('drops half-saved files a killed process left (an hour old) and, after a save, the snapshots of other command lines', () => {
    const folder = path.join(dir, 'prune');
    mkdirSync(folder);
    const current = path.join(folder, 'tcg-2cpu-2048m-aaaa.vmstate');
    const names = ['tcg-2cpu-2048m-aaaa.vmstate', 'tcg-4cpu-4096m-bbbb.vmstate', 'tcg-2cpu-2048m-aaaa.vmstate.partial-1-x', 'tcg-2cpu-2048m-aaaa.vmstate.partial-2-y', 'initramfs.cpio'];
    for (const name of names) writeFileSync(path.join(folder, name), name);
    const hourAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(path.join(folder, names[2]!), hourAgo, hourAgo);
    pruneOtherSnapshots(current, { keepCurrent: true });
    expect(readdirSync(folder).sort()).toEqual([names[4], names[0], names[3], names[1]].sort());
    pruneOtherSnapshots(current);
    expect(readdirSync(folder).sort()).toEqual([names[4], names[0], names[3]].sort());
  });
});
