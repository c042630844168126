/**
 * The warm pool's low priority for guests it starts ahead of time (vm-priority.ts), on real
 * processes: a thread's nice and, where the kernel groups tasks by session (autogroups), the
 * nice of the session QEMU runs in (bubblewrap gives it one of its own), never this process's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { nicedArgv, refillNice, reniceTree } from '../../../src/runner/vm/vm-priority.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});
const root = process.getuid?.() === 0;
const autogroup = (pid: number | 'self') => readFileSync(`/proc/${pid}/autogroup`, 'utf8').trim();

describe('a pool guest\'s priority', () => {
  it.skipIf(!root || !existsSync('/proc/self/autogroup'))('lowers and restores the nice of a process tree in a session of its own, every thread and its autogroup, and leaves this process\'s autogroup alone', async () => {
    const own = autogroup('self');
    // A session of its own, as bwrap --new-session makes for QEMU; node for a few threads.
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
    children.push(child);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(autogroup(child.pid!).split(' ')[0]).not.toBe(own.split(' ')[0]);
    expect(reniceTree(child.pid!, 19)).toBe(1);
    expect(autogroup(child.pid!)).toMatch(/ nice 19$/);
    const tids = () => readdirSync(`/proc/${child.pid}/task`).map(Number);
    expect(tids().length).toBeGreaterThan(1);
    expect(tids().every((tid) => os.getPriority(tid) === 19)).toBe(true);
    expect(autogroup('self')).toBe(own);
    expect(reniceTree(child.pid!, 0)).toBe(1);
    expect(autogroup(child.pid!)).toMatch(/ nice 0$/);
    expect(tids().every((tid) => os.getPriority(tid) === 0)).toBe(true);
    expect(autogroup('self')).toBe(own);
  });

  it('starts a pool guest at nice 19 only where it can be set back (root), and reads the setting', () => {
    expect(nicedArgv(0, ['qemu'])).toEqual(['qemu']);
    expect(nicedArgv(19, ['qemu', '-m'])).toEqual(['nice', '-n', '19', 'qemu', '-m']);
    if (root) {
      expect(refillNice({})).toBe(19);
      expect(refillNice({ STUDY_BOT_VM_REFILL_NICE: '0' })).toBe(0);
      expect(refillNice({ STUDY_BOT_VM_REFILL_NICE: '7' })).toBe(7);
      expect(refillNice({ STUDY_BOT_VM_REFILL_NICE: 'x' })).toBe(19);
    } else expect(refillNice({})).toBe(0);
  });
});
