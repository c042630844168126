/**
 * Issue 8, "done when", through the member's CLI: `study-bot verify --isolation vm` with the
 * attack classes of the issue in a note. A canary file of the host and secrets in the CLI's
 * environment stay out of the report; nothing on the host changes; the report names the VM's
 * kernel and says it ran in a VM.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readManifest } from '../../src/runner/vm/runner-dir.js';
import { describeVm, VM_TEST_TIMEOUT } from '../helpers/vm.js';

let dir: string;
const CANARY = `cli-canary-${process.pid}-${Date.now()}`;
const SECRET = `ghs_${'C'.repeat(36)}`;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'verify-cli-vm-'));
  writeFileSync(path.join(dir, 'canary.txt'), CANARY);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bash = (heading: string, command: string) => `### ${heading}\n\n\`\`\`bash\n${command}\n\`\`\`\n`;

describeVm('study-bot verify --isolation vm, as a member runs it', () => {
  it('runs the attacks of issue 8 in the VM: no host file, secret or change comes of them', async () => {
    const touched = path.join(dir, 'touched-by-the-guest');
    const note = [
      '# Week 1 - 홍길동\n',
      // Flags after `--` went back on bpftrace's command line (`--unsafe`), then system() ran as root.
      bash('1. unsafe after --', `sudo bpftrace -e 'BEGIN { system("touch ${touched}"); exit(); }' -- --unsafe`),
      bash('2. a host file', `sudo bpftrace -e 'BEGIN { cat("${path.join(dir, 'canary.txt')}"); exit(); }'`),
      // The CLI's own process (its parent, here) and PID 1: in the VM, other processes entirely.
      bash('3. the CLI\'s environment', `sudo bpftrace -e 'BEGIN { cat("/proc/${process.pid}/environ"); cat("/proc/1/environ"); exit(); }'`),
      bash('4. a bcc tool by another name', 'sudo groupadd-bpfcc studybot-pwned'),
      bash('5. a working one', `sudo bpftrace -e 'BEGIN { printf("vm ok\\n"); exit(); }'`),
    ].join('\n');
    const file = path.join(dir, 'hgd.md');
    writeFileSync(file, note);
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [path.resolve('bin/study-bot.js'), 'verify', file, '--isolation', 'vm', '--format', 'json', '--lang', 'en'],
        { env: { ...process.env, WEBHOOK_SECRET: SECRET, GITHUB_TOKEN: SECRET }, maxBuffer: 16 * 1024 * 1024, timeout: 540_000 },
        (_, out, err) => resolve({ stdout: out, stderr: err }));
    });
    const report = JSON.parse(stdout) as { runner: { kernel: string; isolation: string }; results: { heading: string; status: string; output: string[] }[] };
    expect(report.runner).toMatchObject({ kernel: readManifest()!.kernels[0]!.release, isolation: 'vm' });
    expect(report.results.map((r) => r.status)).toHaveLength(5);
    expect(report.results[0]!.status).toBe('denied');
    expect(report.results[3]!.status).toBe('denied');
    expect(report.results[4]).toMatchObject({ status: 'ok', output: ['vm ok'] });
    for (const text of [stdout, stderr]) {
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain(SECRET);
    }
    expect(existsSync(touched)).toBe(false);
    expect(readFileSync('/etc/group', 'utf8')).not.toContain('studybot-pwned');
    expect(readFileSync(path.join(dir, 'canary.txt'), 'utf8')).toBe(CANARY);
  }, VM_TEST_TIMEOUT);
});
