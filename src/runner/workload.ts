import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { SAFE_PATH } from './runner-info.js';

/**
 * The activity ordinary one-liners trace, started once every one-liner has attached (see
 * RUNNER.md): file opens and reads of /etc/hostname, fork/exec of /bin/true and
 * `sh -c '(true)'`, a loopback TCP listen + connect + send + close (sock:inet_sock_set_state
 * goes SYN_SENT -> ESTABLISHED -> FIN states), a burst of writes, and short sleeps
 * (sched_wakeup). It runs in a child Node process whose comm is `studybot-load`, so members
 * see it by name in their output. Not covered: the raw `open` syscall, block I/O.
 */
export const WORKLOAD_COMM = 'studybot-load';

export interface WorkloadOptions {
  rounds?: number;
  /** Pause between rounds, ms. */
  gapMs?: number;
  /** Kill the workload if it runs longer than this, ms. */
  timeoutMs?: number;
}

const script = (rounds: number, gapMs: number) => `
const fs = require('node:fs');
const net = require('node:net');
const { spawnSync } = require('node:child_process');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function files() {
  for (let i = 0; i < 5; i++) fs.readFileSync('/etc/hostname');
  const fd = fs.openSync('/dev/null', 'w');
  for (let i = 0; i < 64; i++) fs.writeSync(fd, 'studybot\\n');
  fs.closeSync(fd);
}
function processes() {
  spawnSync('/bin/true');
  spawnSync('/bin/sh', ['-c', '(true)']);
}
function tcp() {
  return new Promise((resolve) => {
    const server = net.createServer((socket) => {
      socket.on('data', () => {});
      socket.on('end', () => socket.end());
    });
    server.on('error', resolve);
    server.listen(0, '127.0.0.1', () => {
      const client = net.connect(server.address().port, '127.0.0.1', () => client.end('hello from studybot'));
      client.on('error', () => {});
      client.on('close', () => server.close(() => resolve()));
    });
  });
}
const run = async () => {
  for (let round = 0; round < ${rounds}; round++) {
    files();
    processes();
    await tcp();
    await sleep(${gapMs});
  }
  process.exit(0);
};
// Started ahead of time, it waits for the go line, so Node's startup overlaps bpftrace's compile.
process.stdin.once('data', run);
process.stdin.once('end', () => process.exit(0));
`;

let commLink: string | null | undefined;

/** node through a symlink named WORKLOAD_COMM: the kernel takes comm from the exec'd path. */
function workloadExecutable(): string {
  if (commLink === undefined) {
    try {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'studybot-load-'));
      const link = path.join(dir, WORKLOAD_COMM);
      symlinkSync(process.execPath, link);
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      commLink = link;
    } catch {
      commLink = null;
    }
  }
  return commLink ?? process.execPath;
}

export interface PreparedWorkload {
  /** Runs the workload; resolves when it is over. */
  start(): Promise<void>;
  /** Not needed after all (nothing attached). */
  cancel(): void;
}

/** Spawns the workload process now; it does nothing until `start()`. */
export function prepareWorkload(options: WorkloadOptions = {}): PreparedWorkload {
  const rounds = options.rounds ?? 2;
  const gapMs = options.gapMs ?? 30;
  const child = execa(workloadExecutable(), ['-e', script(rounds, gapMs)], {
    env: { PATH: SAFE_PATH },
    extendEnv: false,
    cwd: os.tmpdir(),
    reject: false,
    stdin: 'pipe',
    stdout: 'ignore',
    stderr: 'ignore',
  });
  const done = child.then(() => undefined, () => undefined);
  return {
    start() {
      // The limit counts from the go line, not from the spawn: attaching can take half a
      // minute in an emulated VM, and a workload killed while it waits traces nothing.
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
      void done.finally(() => clearTimeout(timer));
      child.stdin?.end('go\n');
      return done;
    },
    cancel() {
      child.kill('SIGKILL');
    },
  };
}

/** Spawns and runs the workload at once. */
export function runWorkload(options: WorkloadOptions = {}): Promise<void> {
  return prepareWorkload(options).start();
}
