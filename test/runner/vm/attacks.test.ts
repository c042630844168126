/**
 * Reproducers from the security review of the VM runner, kept as regression tests. None boots
 * a real VM (vm-runner.vm.test.ts does).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractOneLiners } from '../../../src/oneliners/extract-oneliners.js';
import { checkPolicy } from '../../../src/runner/policy.js';
import { renderReportText } from '../../../src/runner/render-report.js';
import { confinedArgv, type LaunchResult } from '../../../src/runner/vm/launch-vm.js';
import { closeFdsArgv, jailAvailable } from '../../../src/runner/vm/qemu-jail.js';
import { READY_MARKER } from '../../../src/runner/vm/serial-protocol.js';
import { ensureAgentInitramfs, pruneOtherSnapshots, saveSnapshot } from '../../../src/runner/vm/snapshot.js';
import { acceptGuestResults } from '../../../src/runner/vm/verify-in-vm.js';
import { VM_UID_BASE, vmUser } from '../../../src/runner/vm/vm-user.js';
import { renderVerifyComment } from '../../../src/verify/render-verify.js';

const bash = (...lines: string[]) => `\`\`\`bash\n${lines.join('\n')}\n\`\`\`\n`;

describe('host policy: bcc tool flags that run a command as root', () => {
  // Seen on this machine: `study-bot verify notes.md` (host isolation, the CLI default) with
  // `sudo memleak-bpfcc -c id` printed `uid=0(root) gid=0(root) groups=0(root)`: memleak
  // Popen()s the -c word before it compiles anything. `-c reboot` reboots the runner host.
  it.each(['sudo memleak-bpfcc -c reboot', 'sudo memleak-bpfcc --command=poweroff', 'sudo memleak-bpfcc -creboot', 'sudo memleak-bpfcc -ac reboot', 'sudo memleak-bpfcc --comma reboot'])(
    'denies %s, on the host and in a VM',
    async (command) => {
      const [oneLiner] = await extractOneLiners(bash(command));
      expect(oneLiner).toBeDefined();
      expect(checkPolicy(oneLiner!, { isolation: 'host' }).ok).toBe(false);
      expect(checkPolicy(oneLiner!, { isolation: 'vm' }).ok).toBe(false);
    },
  );
});

describe('launchVm: the deadline outlives the bot process', () => {
  it('kills QEMU when the study-bot process that started it dies (SIGTERM, as on a restart)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'attack-orphan-'));
    const fakeQemu = path.join(dir, 'qemu');
    const pidFile = path.join(dir, 'qemu.pid');
    // A "QEMU" whose guest never ends: it records its pid and sleeps.
    writeFileSync(fakeQemu, `#!/bin/sh\necho $$ > ${pidFile}\nexec sleep 600\n`);
    chmodSync(fakeQemu, 0o755);
    const driver = path.join(dir, 'driver.mts');
    writeFileSync(driver, [
      `import { launchVm } from ${JSON.stringify(path.resolve('src/runner/vm/launch-vm.ts'))};`,
      `await launchVm({ spec: { accel: 'tcg', kernel: '/k', initramfs: '/i', rootImage: '/r', cpus: 1, memoryMb: 512 }, deadlineMs: 600_000, user: null, qemuBinary: ${JSON.stringify(fakeQemu)} });`,
    ].join('\n'));
    const bot = spawn(path.resolve('node_modules/.bin/tsx'), [driver], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 100));
    const qemuPid = Number(readFileSync(pidFile, 'utf8'));
    bot.kill('SIGTERM');
    await new Promise((r) => bot.once('exit', r));
    await new Promise((r) => setTimeout(r, 2000));
    // A killed process may linger as a zombie until PID 1 reaps it: that is dead too.
    let alive = true;
    try {
      alive = !/^State:\s+Z/m.test(readFileSync(`/proc/${qemuPid}/status`, 'utf8'));
    } catch {
      alive = false;
    }
    if (alive) process.kill(qemuPid, 'SIGKILL'); // clean up our own fake
    rmSync(dir, { recursive: true, force: true });
    expect(alive).toBe(false);
  }, 60_000);
});

describe('guest text that reaches the comment and the terminal', () => {
  const launched = (output: string[]): LaunchResult => {
    const result = { line: 3, heading: 'x', command: 'c', status: 'ok', events: 1, message: 'ok', output, durationMs: 1 };
    return { frame: { ok: true, value: { report: { runner: { kernel: 'k', bpftrace: null, btf: true }, results: [result] } } }, consoleTail: '', qemuErrors: '', exitCode: 0, readySeen: true, timedOut: false, overflowed: false, durationMs: 1 };
  };
  // What `bpftrace -e 'BEGIN { printf("\x1b]0;title\x07 \xe2\x80\xae evil\n"); cat("/dev/vda"); }'` brought back from a real VM.
  const hostile = ['\u001b[31mRED\u001b]0;title\u0007 \u202e evil', '\u0000\u0000p\u001f\u0000\u0001'];

  it('keeps control characters and bidi overrides out of the GitHub comment', async () => {
    const [oneLiner] = await extractOneLiners(bash(`sudo bpftrace -e 'BEGIN { exit(); }'`));
    const results = acceptGuestResults(launched(hostile), [oneLiner!], 1000);
    const comment = renderVerifyComment(
      { webOrigin: 'https://github.com', owner: 'o', repo: 'r', path: 'study/week1/a.md', sha: 'a'.repeat(40), requester: 'm', requestId: 'ic1', lang: 'en' },
      { kind: 'report', report: { runner: { kernel: 'k', bpftrace: null, btf: true, isolation: 'vm' }, results } },
    );
    // eslint-disable-next-line no-control-regex
    expect(comment).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/);
  });

  it('keeps a member\'s own bidi override and escapes out of the reply and the terminal', async () => {
    // Seen by hand: `### 1. 열린 파일 \u202eevil\u202c` reached the CLI's terminal as it was.
    const [oneLiner] = await extractOneLiners(`### 1. ok \u202e\u001b[31mdeliaf\u202c\n\n${bash(`sudo bpftrace -e 'BEGIN { exit(); }'`)}`);
    expect(oneLiner!.heading).toContain('\u202e');
    const report = { runner: { kernel: 'k', bpftrace: null, btf: true, isolation: 'vm' as const }, results: acceptGuestResults(launched(['x']), [oneLiner!], 1000) };
    const view = { webOrigin: 'https://github.com', owner: 'o', repo: 'r', path: 'study/week1/a.md', sha: 'a'.repeat(40), requester: 'm', requestId: 'ic1', lang: 'en' as const };
    const comment = renderVerifyComment(view, { kind: 'report', report });
    const text = renderReportText(report, { outputLines: 3 });
    for (const shown of [comment, text]) {
      // eslint-disable-next-line no-control-regex
      expect(shown).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/);
      expect(shown).toContain('deliaf');
    }
  });

  it('keeps terminal escape sequences out of `study-bot verify` text output', async () => {
    const [oneLiner] = await extractOneLiners(bash(`sudo bpftrace -e 'BEGIN { exit(); }'`));
    const results = acceptGuestResults(launched(hostile), [oneLiner!], 1000);
    const text = renderReportText({ runner: { kernel: 'k', bpftrace: null, btf: true, isolation: 'vm' }, results }, { outputLines: 3 });
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});

describe('QEMU confinement', () => {
  it('dies with the bot, and as root runs as the VM user without network, groups or new privileges', () => {
    const close = closeFdsArgv([]);
    expect(confinedArgv('qemu', ['-x'], null)).toEqual([...close, 'setpriv', '--pdeathsig', 'KILL', '--no-new-privs', '--', 'qemu', '-x']);
    expect(confinedArgv('qemu', ['-x'], { uid: 65534, gid: 65534, name: 'nobody' })).toEqual([
      ...close,
      'unshare', '--net', '--ipc', '--uts', '--',
      'setpriv', '--pdeathsig', 'KILL', '--no-new-privs', '--reuid=65534', '--regid=65534', '--clear-groups', '--',
      'qemu', '-x',
    ]);
  });

  it('in the jail, QEMU sees /usr and its own files read-only, nothing else of the host, and no other process', () => {
    const argv = confinedArgv('qemu', ['-x'], { uid: 2_100_000_001, gid: 2_100_000_001, name: 'uid 2100000001' }, {
      readOnly: ['/var/cache/study-bot/runner/root.ext4', '/var/cache/study-bot/runner/kernels/6.1/vmlinuz', '/tmp/study-bot-vm-1/initramfs.cpio'],
      writable: ['/tmp/study-bot-vm-snap-2'],
    });
    const line = argv.join(' ');
    // Inherited descriptors are closed before bwrap starts (confinement.test.ts shows it).
    expect(argv.slice(0, closeFdsArgv([]).length)).toEqual(closeFdsArgv([]));
    expect(argv[closeFdsArgv([]).length]).toBe('bwrap');
    for (const flag of ['--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--die-with-parent', '--new-session']) expect(argv).toContain(flag);
    const binds = (kind: string) => argv.flatMap((word, i) => (word === kind ? [argv[i + 1]] : []));
    expect(binds('--ro-bind').sort()).toEqual(['/etc/ld.so.cache', '/tmp/study-bot-vm-1', '/usr', '/var/cache/study-bot/runner']);
    expect(binds('--bind')).toEqual(['/tmp/study-bot-vm-snap-2']);
    expect(binds('--dev-bind')).toEqual([]);
    expect(line).not.toMatch(/--(ro-)?bind \/ /);
    // The user drop comes inside the jail, right before QEMU.
    expect(line).toMatch(/-- setpriv --pdeathsig KILL --no-new-privs --reuid=2100000001 --regid=2100000001 --clear-groups -- qemu -x$/);
  });

  it('lets the VM user reach its files in a folder deep under /tmp (a runner directory there, or TMPDIR=/tmp/sub)', () => {
    if (process.getuid?.() !== 0 || !jailAvailable({})) return;
    // Seen: /tmp/a/b/root.ext4 was "Permission denied" in the jail: bwrap made /tmp/a 0700 in
    // the jail's own /tmp, which was mounted after the folders leading to the runner's files.
    const top = mkdtempSync(path.join(os.tmpdir(), 'attack-jail-'));
    chmodSync(top, 0o755);
    const folder = path.join(top, 'runner');
    mkdirSync(folder, { mode: 0o755 });
    const image = path.join(folder, 'root.ext4');
    writeFileSync(image, 'image', { mode: 0o644 });
    const [file, ...args] = confinedArgv('/usr/bin/cat', [image], { uid: VM_UID_BASE + 12_345, gid: VM_UID_BASE + 12_345, name: 'test' }, { readOnly: [image] });
    const run = spawnSync(file!, args, { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' }, cwd: '/' });
    rmSync(top, { recursive: true, force: true });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('image');
  });

  it('gives each VM a user id of its own, never root, from the range no account uses', () => {
    if (process.getuid?.() !== 0) return;
    const users = Array.from({ length: 8 }, () => vmUser({ kvm: false, env: {} })!);
    expect(new Set(users.map((u) => u.uid)).size).toBe(8);
    for (const user of users) expect(user.uid).toBeGreaterThanOrEqual(VM_UID_BASE);
    expect(vmUser({ kvm: false, env: { STUDY_BOT_VM_USER: 'nobody' } })).toMatchObject({ name: 'nobody', uid: 65534 });
  });
});

describe('saving a snapshot: the runner directory and the app survive what goes wrong', () => {
  /**
   * A stand-in QEMU for the snapshot boot: says ready, answers the monitor on descriptor 3,
   * and "migrates" 1 MiB to the socket it is told, as QEMU 7.2 does.
   */
  const fakeSavingQemu = (dir: string): string => {
    const file = path.join(dir, 'qemu');
    writeFileSync(file, `#!/usr/bin/env node
const net = require('node:net');
const say = () => process.stdout.write(${JSON.stringify(READY_MARKER)} + '\\n');
say();
const beat = setInterval(say, 100);
const qmp = new net.Socket({ fd: 3, readable: true, writable: true });
qmp.write(JSON.stringify({ QMP: { version: {} } }) + '\\n');
let buffer = '';
let status = 'active';
qmp.on('data', (chunk) => {
  buffer += chunk;
  for (let at = buffer.indexOf('\\n'); at !== -1; at = buffer.indexOf('\\n')) {
    const command = JSON.parse(buffer.slice(0, at));
    buffer = buffer.slice(at + 1);
    if (command.execute === 'migrate') {
      const out = net.connect(command.arguments.uri.slice('unix:'.length), () => out.end(Buffer.alloc(1 << 20, 1), () => (status = 'completed')));
      out.on('error', () => (status = 'failed'));
    }
    qmp.write(JSON.stringify({ return: command.execute === 'query-migrate' ? { status } : {} }) + '\\n');
    if (command.execute === 'quit') { clearInterval(beat); setTimeout(() => process.exit(0), 20); }
  }
});
`);
    chmodSync(file, 0o755);
    return file;
  };

  // Seen: with the state file unwritable (a full disk: ENOSPC on a 256 KiB tmpfs; or its folder
  // removed by another process's pruning: ENOENT), the write stream's error was an unhandled
  // rejection and the whole process died, leaving the partial file behind. The app saves
  // snapshots in the background at start, so a full disk made it die at every start.
  it('reports a state file it cannot write as no snapshot, and the process lives on', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'attack-save-'));
    const driver = path.join(dir, 'driver.mts');
    writeFileSync(driver, [
      `import { saveSnapshot } from ${JSON.stringify(path.resolve('src/runner/vm/snapshot.ts'))};`,
      `const saved = await saveSnapshot({ spec: { accel: 'tcg', kernel: '/k', initramfs: '/i', rootImage: '/r', cpus: 1, memoryMb: 512 }, user: null, jail: false, statePath: ${JSON.stringify(path.join(dir, 'gone', 'x.vmstate'))}, deadlineMs: 20_000, qemuBinary: ${JSON.stringify(fakeSavingQemu(dir))} });`,
      `await new Promise((resolve) => setTimeout(resolve, 300));`,
      `process.stdout.write(JSON.stringify(saved));`,
    ].join('\n'));
    const child = spawn(path.resolve('node_modules/.bin/tsx'), [driver], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.once('close', resolve));
    rmSync(dir, { recursive: true, force: true });
    expect(stderr).not.toMatch(/ENOENT/);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ok: false });
  }, 60_000);

  it('saves what QEMU migrates into a root-only file, and leaves no partial file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'attack-save-'));
    const statePath = path.join(dir, 'x.vmstate');
    const saved = await saveSnapshot({ spec: { accel: 'tcg', kernel: '/k', initramfs: '/i', rootImage: '/r', cpus: 1, memoryMb: 512 }, user: null, jail: false, statePath, deadlineMs: 20_000, qemuBinary: fakeSavingQemu(dir) });
    expect(saved).toMatchObject({ ok: true, bytes: 1 << 20 });
    expect(statSync(statePath).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((name) => name.includes('.partial-'))).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('keeps a runner directory whole whatever a kernel is named', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'attack-runner-'));
    mkdirSync(path.join(dir, 'kernels', 'k'), { recursive: true });
    writeFileSync(path.join(dir, 'kernels', 'k', 'initramfs.cpio'), 'base');
    writeFileSync(path.join(dir, 'root.ext4'), 'image');
    writeFileSync(path.join(dir, 'manifest.json'), '{}');
    const kernel = (name: string) => ({ name, release: 'r', source: 's', vmlinuz: 'kernels/k/vmlinuz', initramfs: 'kernels/k/initramfs.cpio', features: { kprobes: true, btf: true, kfunc: true } });
    // Seen: a kernel named ".." put its boot folder in the runner directory itself, and pruning
    // the other agents' folders deleted the image, the manifest and every kernel.
    for (const name of ['..', '.', '', '../..', 'a/../..', '6.1']) {
      const initramfs = ensureAgentInitramfs(dir, kernel(name), `agent for ${name}`);
      expect(initramfs, name).not.toBeNull();
      const [folder, ...rest] = path.relative(path.join(dir, 'warm'), initramfs!).split(path.sep);
      expect(folder, name).not.toMatch(/^\.*$/);
      expect(rest, name).toEqual([expect.stringMatching(/^[0-9a-f]{16}$/), 'initramfs.cpio']);
    }
    expect(readdirSync(dir).sort()).toEqual(['kernels', 'manifest.json', 'root.ext4', 'warm']);
    expect(readdirSync(path.join(dir, 'kernels', 'k'))).toEqual(['initramfs.cpio']);
    // And a boot folder removed by another process meanwhile is no error when pruning.
    expect(() => pruneOtherSnapshots(path.join(dir, 'warm', 'gone', 'x', 'a.vmstate'))).not.toThrow();
    rmSync(dir, { recursive: true, force: true });
  });
});
