/**
 * Reproducers from the security review of the VM runner, kept as regression tests. None boots
 * a real VM (vm-runner.vm.test.ts does).
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractOneLiners } from '../../../src/oneliners/extract-oneliners.js';
import { checkPolicy } from '../../../src/runner/policy.js';
import { renderReportText } from '../../../src/runner/render-report.js';
import { confinedArgv, type LaunchResult } from '../../../src/runner/vm/launch-vm.js';
import { acceptGuestResults } from '../../../src/runner/vm/verify-in-vm.js';
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
    expect(confinedArgv('qemu', ['-x'], null)).toEqual(['setpriv', '--pdeathsig', 'KILL', '--no-new-privs', '--', 'qemu', '-x']);
    expect(confinedArgv('qemu', ['-x'], { uid: 65534, gid: 65534, name: 'nobody' })).toEqual([
      'unshare', '--net', '--ipc', '--uts', '--',
      'setpriv', '--pdeathsig', 'KILL', '--no-new-privs', '--reuid=65534', '--regid=65534', '--clear-groups', '--',
      'qemu', '-x',
    ]);
  });
});
