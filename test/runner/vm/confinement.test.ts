import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { confinedArgv } from '../../../src/runner/vm/launch-vm.js';
import { QEMU_BINARY } from '../../../src/runner/vm/qemu-argv.js';
import { jailCheck } from '../../../src/runner/vm/qemu-jail.js';
import { VM_UID_BASE, type VmUser } from '../../../src/runner/vm/vm-user.js';
import { verifyInVm } from '../../../src/runner/vm/verify-in-vm.js';

/**
 * Issue 17, items 6 and 7, with a real bwrap, setpriv and QEMU (paused, `-machine none`: no
 * guest boots), both as root and as an unprivileged user like the systemd unit's study-bot
 * (made here with useradd; the test drops to it with setpriv). "study-bot" is a Node.js process
 * holding descriptors it inherited without close-on-exec (3, 12 and 200), which spawns the
 * confined QEMU the way launchVm does; the test then reads the running QEMU's /proc entry.
 */
const root = process.getuid?.() === 0;
const TEST_USER = 'sbot-jail-test';

function ensureTestUser(): { uid: number; gid: number } {
  if (spawnSync('id', ['-u', TEST_USER]).status !== 0) {
    execFileSync('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', TEST_USER]);
  }
  return { uid: Number(execFileSync('id', ['-u', TEST_USER], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', TEST_USER], { encoding: 'utf8' })) };
}

const work = mkdtempSync(path.join(os.tmpdir(), 'jail-fds-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The QEMU process whose command line holds `marker`, once it runs. */
async function findQemu(marker: string, timeoutMs = 30_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
        if (cmdline[0]?.endsWith(QEMU_BINARY) && cmdline.includes(marker)) return Number(entry);
      } catch {
        // gone
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no QEMU with ${marker} within ${timeoutMs} ms`);
}

interface Seen {
  uid: string;
  groups: string;
  uidMap: string;
  /** QEMU's descriptors that are the leaked file */
  leaked: string[];
  userNs: boolean;
  pidNs: boolean;
  netNs: boolean;
}

/** Starts a confined, paused QEMU from a process holding leaked descriptors, as `as` (or root). */
async function launchFromLeakyParent(user: VmUser, as: { uid: number; gid: number } | null): Promise<Seen> {
  const marker = `jail-test-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const secret = path.join(work, `${marker}.secret`);
  writeFileSync(secret, 'the app\'s secret', { mode: 0o644 });
  const argv = confinedArgv(QEMU_BINARY, ['-machine', 'none', '-nodefaults', '-display', 'none', '-monitor', 'none', '-serial', 'none', '-S', '-name', marker], user, { readOnly: [] });
  // "study-bot": spawns QEMU's command line as launchVm does (stdio pipes, empty environment).
  const parent = `const { spawn } = require('node:child_process'); const [file, ...args] = JSON.parse(process.argv[1]);
const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, cwd: '/' });
child.stderr.on('data', (d) => process.stderr.write(d)); child.on('close', (code) => process.exit(code ?? 0)); setInterval(() => {}, 1000);`;
  const fd = openSync(secret, 'r');
  const drop = as ? ['setpriv', `--reuid=${as.uid}`, `--regid=${as.gid}`, '--init-groups', '--'] : [];
  const [file, ...args] = [...drop, process.execPath, '-e', parent, JSON.stringify(argv)];
  // stdio[3], [12] and [200] become the parent's descriptors 3, 12 and 200, without
  // close-on-exec. (Node's own spawn happens to drop the low ones; 200 it passes on.)
  const stdio: ('ignore' | 'pipe' | number)[] = ['ignore', 'ignore', 'pipe', fd, ...Array(8).fill('ignore'), fd, ...Array(187).fill('ignore'), fd];
  const leaky = spawn(file!, args, { stdio: stdio as never, cwd: '/' });
  let stderr = '';
  leaky.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    const pid = await findQemu(marker).catch((error: Error) => {
      throw new Error(`${error.message}; stderr: ${stderr}`);
    });
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => status.match(new RegExp(`^${name}:[ \\t]*(.*)$`, 'm'))?.[1]?.trim() ?? '';
    const { ino, dev } = statSync(secret);
    const leaked = readdirSync(`/proc/${pid}/fd`).filter((n) => {
      try {
        const s = statSync(`/proc/${pid}/fd/${n}`);
        return s.ino === ino && s.dev === dev;
      } catch {
        return false;
      }
    });
    const ns = (kind: string) => readlinkSync(`/proc/${pid}/ns/${kind}`) !== readlinkSync(`/proc/self/ns/${kind}`);
    return {
      uid: field('Uid').split(/\s+/)[0]!,
      groups: field('Groups'),
      uidMap: readFileSync(`/proc/${pid}/uid_map`, 'utf8').trim().split(/\s+/).join(' '),
      leaked,
      userNs: ns('user'),
      pidNs: ns('pid'),
      netNs: ns('net'),
    };
  } finally {
    leaky.kill('SIGKILL');
    closeSync(fd);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.skipIf(!root)('QEMU confinement, as a real deployment runs it', () => {
  it('as root: a uid of its own, no groups, new PID and network namespaces, and none of the descriptors study-bot inherited', async () => {
    if (!jailCheck({}).ok) throw new Error('bwrap is required here');
    const uid = VM_UID_BASE + 4242;
    const seen = await launchFromLeakyParent({ uid, gid: uid, name: 'test' }, null);
    expect(seen).toMatchObject({ uid: String(uid), groups: '', leaked: [], pidNs: true, netNs: true, userNs: false });
  }, 60_000);

  it('as an unprivileged study-bot (useradd + setpriv): a per-VM uid in a user namespace of its own, and none of the inherited descriptors', async () => {
    const account = ensureTestUser();
    const inside = VM_UID_BASE + 777;
    const seen = await launchFromLeakyParent({ uid: inside, gid: inside, name: 'test', mapped: true }, account);
    // Outside, the kernel sees the app's uid; inside, QEMU is the VM's uid, the only one mapped.
    expect(seen).toMatchObject({ uid: String(account.uid), uidMap: `${inside} ${account.uid} 1`, leaked: [], userNs: true, pidNs: true, netNs: true });
  }, 60_000);

  it('the VM driver refuses to start a QEMU it cannot confine, and says why', async () => {
    const oneLiner = { kind: 'bpftrace' as const, line: 1, endLine: 1, heading: null, command: "bpftrace -e 'BEGIN { exit(); }'", argv: ['bpftrace', '-e', 'BEGIN { exit(); }'], env: {}, shellSyntax: [] };
    await expect(verifyInVm([oneLiner], { env: { STUDY_BOT_VM_JAIL: '0', STUDY_BOT_RUNNER_DIR: process.env.STUDY_BOT_RUNNER_DIR ?? '/var/cache/study-bot/runner' } })).rejects.toThrow(/no way to confine QEMU, so no VM is started: turned off by STUDY_BOT_VM_JAIL=0/);
  });
});
