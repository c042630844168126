import { copyFileSync, existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractFromShell, extractOneLiners } from '../../src/oneliners/extract-oneliners.js';
import { loadShellParser } from '../../src/oneliners/shell-parser.js';
import { TracedProcess } from '../../src/runner/execute.js';
import { REDACTED } from '../../src/runner/redact.js';
import { coversFor, getSandbox, sandboxArgv, type Sandbox } from '../../src/runner/sandbox.js';
import { verifyOneLiners } from '../../src/runner/verify-oneliners.js';
import { describeEbpf, itEbpf } from '../helpers/ebpf.js';
import { orientationMarkdown } from '../helpers/orientation.js';
import { plantSecrets, READER_COMM } from '../helpers/verify-planted-secrets.js';

let scratch: string;
beforeAll(async () => {
  await loadShellParser();
  scratch = mkdtempSync(path.join(os.tmpdir(), 'studybot-sandbox-test-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const shell = (code: string) => extractFromShell(code, { lang: 'bash' });

describe('sandbox covers', () => {
  it('covers secrets, work directories and the environment\'s extras, never the system', () => {
    const covers = coversFor({ env: { RUNNER_WORKSPACE: scratch, STUDY_BOT_SANDBOX_HIDE: '/usr:/:/sys/kernel:/nonexistent' }, cwd: '/' });
    const dirs = covers.filter((c) => c.startsWith('d:')).map((c) => c.slice(2));
    expect(dirs).toContain('/root');
    // everything kept stays: bpftrace, libraries, headers, tracefs, /proc, /etc as a whole
    for (const kept of ['/', '/usr', '/sys', '/sys/kernel', '/proc', '/etc', '/lib', '/var', '/run']) expect(dirs).not.toContain(kept);
    expect(dirs).not.toContain('/nonexistent');
    // the scratch dir is inside the covered temp dir: /tmp's cover already hides it
    const tmp = realpathSync(os.tmpdir());
    if (dirs.includes(tmp)) expect(dirs).not.toContain(realpathSync(scratch));
    else expect(dirs).toContain(realpathSync(scratch));
    // no cover nested in another (mounting there would fail under the tmpfs)
    for (const d of dirs) expect(dirs.filter((o) => d.startsWith(`${o}/`))).toEqual([]);
    if (existsSync('/etc/shadow')) expect(covers).toContain('f:/etc/shadow');
  });

  it('leaves argv alone when the sandbox is off, and passes the member\'s program as one argument when on', () => {
    const argv = ['bpftrace', '-e', 'BEGIN { printf("$(id) `id` \'; id"); }'];
    expect(sandboxArgv(argv, null)).toEqual(argv);
    expect(sandboxArgv(argv, { prefix: null, covers: [], reason: 'not root' })).toEqual(argv);
    const prefix = ['/usr/bin/nsenter', '--mount=/run/study-bot-sandbox-1-1/mnt', '--wd=/', '--'];
    const wrapped = sandboxArgv(argv, { prefix, covers: ['d:/root'], reason: null });
    expect(wrapped).toEqual([...prefix, ...argv]);
    expect(wrapped.slice(-argv.length)).toEqual(argv);
  });
});

describeEbpf('sandbox on this machine (root, util-linux unshare)', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await getSandbox();
  });

  itEbpf('is available here, and hides a planted secret while tracefs stays readable', async () => {
    expect(sandbox.reason).toBeNull();
    const secret = path.join(scratch, 'secret.txt');
    writeFileSync(secret, 'studybot-sandbox-canary\n');
    const script = 'cat "$1"; grep -x syscalls:sys_enter_openat /sys/kernel/tracing/available_events; test -r /sys/kernel/btf/vmlinux && echo btf-readable';
    const read = new TracedProcess(sandboxArgv(['/bin/sh', '-c', script, 'sh', secret], sandbox), 'lines');
    const run = await read.finished;
    expect(run.output.join('\n')).not.toContain('canary');
    expect(run.output).toEqual(['syscalls:sys_enter_openat', 'btf-readable']);
    expect(run.stderr).toMatch(/No such file or directory/);
    // outside the sandbox it is there, so the test really tests the namespace
    const outside = await new TracedProcess(['/bin/cat', secret], 'lines').finished;
    expect(outside.output).toEqual(['studybot-sandbox-canary']);
  });

  itEbpf('falls back cleanly without unshare: off with the reason, and bpftrace runs as before', async () => {
    const { setUpSandbox } = await import('../../src/runner/sandbox.js');
    const off = await setUpSandbox({ searchPath: path.join(scratch, 'no-such-bin') });
    expect(off).toEqual({ prefix: null, covers: [], reason: 'unshare, nsenter, mount, umount (util-linux) is not installed' });
    expect(await setUpSandbox({ env: { STUDY_BOT_SANDBOX: 'off' } })).toMatchObject({ prefix: null, reason: 'STUDY_BOT_SANDBOX=off' });
    const report = await verifyOneLiners(shell(`sudo bpftrace -e 'BEGIN { printf("hi\\n"); exit(); }'`), { sandbox: off });
    expect(report.results[0]).toMatchObject({ status: 'ok', output: ['hi'] });
  });

  itEbpf('a hostile program is data, never shell: nothing it asks for runs', async () => {
    const marker = path.join(scratch, 'pwned');
    const argv = ['/bin/echo', `$(touch ${marker}) \`touch ${marker}\`; touch ${marker}`];
    const run = await new TracedProcess(sandboxArgv(argv, sandbox), 'lines').finished;
    expect(run.output).toEqual([argv[1]]);
    expect(existsSync(marker)).toBe(false);
  });

  itEbpf('bpftrace inside cannot see a binary under a covered directory; outside it can', async () => {
    const lib = path.join(scratch, 'libc.so.6');
    copyFileSync(realpathSync('/lib/x86_64-linux-gnu/libc.so.6'), lib);
    const listing = shell(`sudo bpftrace -l 'uprobe:${lib}:mallo*'`);
    const inside = await verifyOneLiners(listing, { sandbox });
    const outside = await verifyOneLiners(listing, { sandbox: null });
    expect(outside.results[0]).toMatchObject({ status: 'ok' });
    expect(inside.results[0]!.status).not.toBe('ok');
    expect(inside.results[0]!.output.join('\n')).not.toContain('malloc');
  });

  itEbpf('the five orientation one-liners still work inside it', async () => {
    const report = await verifyOneLiners(await extractOneLiners(orientationMarkdown()), { sandbox });
    expect(report.results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(report.results[0]!.output[0]).toBe('eBPF 스터디 시작!');
  });

  itEbpf('tokens a workload makes visible are redacted from the report; Korean names come through', async () => {
    const planted = plantSecrets();
    try {
      const report = await verifyOneLiners(shell(planted.oneLinerCommand), { sandbox, workload: planted.workload });
      const result = report.results[0]!;
      expect(result.status).toBe('ok');
      const text = JSON.stringify(report);
      // the paths really were traced (so the redaction was exercised)...
      expect(result.output).toContain(`${planted.dir}/${REDACTED}`);
      expect(result.output.filter((l) => l === `${planted.dir}/${REDACTED}`)).toHaveLength(2);
      // ...and no piece of either token survives
      for (const fragment of planted.fragments) expect(text).not.toContain(fragment);
      expect(result.output).toContain(`${planted.dir}/${planted.korean}`);
      expect(result.output.some((l) => l.includes(READER_COMM))).toBe(false);
    } finally {
      planted.cleanup();
    }
  });
});

describe('doctor reports the sandbox', () => {
  const info = { kernel: '6.18.44', bpftrace: 'v0.17.0', btf: true, kprobes: false, arch: 'x64', bpftraceVersion: [0, 17] as [number, number], tracefs: '/sys/kernel/tracing', root: true };
  it('as a warning with its fix when it is off, and the hidden paths when it is on', async () => {
    const { doctorChecks } = await import('../../src/cli/doctor-command.js');
    const off = doctorChecks(info, { bccTools: 1, memlockKiB: null, sandbox: { prefix: null, covers: [], reason: 'unshare (util-linux) is not installed' } });
    const check = off.find((c) => c.name === 'sandbox')!;
    expect(check).toMatchObject({ ok: false, essential: false });
    expect(check.detail).toContain('unshare (util-linux) is not installed');
    expect(check.fix).toContain('util-linux');
    // off is a warning: the machine is still ready
    expect(off.every((c) => c.ok || !c.essential)).toBe(true);
    const on = doctorChecks(info, { bccTools: 1, memlockKiB: null, sandbox: { prefix: ['/usr/bin/nsenter'], covers: ['d:/root', 'f:/etc/shadow'], reason: null } });
    expect(on.find((c) => c.name === 'sandbox')).toMatchObject({ ok: true, detail: 'mount namespace: 가림 (hidden) /root, /etc/shadow' });
  });
});
