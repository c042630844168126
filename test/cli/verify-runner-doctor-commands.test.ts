import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doctorChecks } from '../../src/cli/doctor-command.js';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { verifyReportSchema } from '../../src/runner/report-schema.js';
import type { RunnerInfo } from '../../src/runner/runner-info.js';
import { describeEbpf, itEbpf } from '../helpers/ebpf.js';
import { orientationMarkdown } from '../helpers/orientation.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'studybot-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeIO() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), cwd: dir, env: {}, isTTY: false };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

const write = (name: string, text: string) => {
  writeFileSync(path.join(dir, name), text);
  return name;
};

describe('study-bot verify: usage', () => {
  it.each([[[]], [['a.md', 'b.md']], [['a.md', '--format', 'yaml']], [['a.md', '--window-ms', 'x']], [['--nope']]])('%o → exit 2', async (args) => {
    const { io, stderr } = fakeIO();
    expect(await main(['verify', ...args], io)).toBe(2);
    expect(stderr()).toMatch(/usage: study-bot verify/);
  });

  it('a missing file is a usage error with its reason', async () => {
    const { io, stderr } = fakeIO();
    expect(await main(['verify', 'nope.md'], io)).toBe(2);
    expect(stderr()).toMatch(/ENOENT/);
  });

  it('denied one-liners print the rule and exit 1, without running anything', async () => {
    const file = write('denied.md', "### 1. 위험\n\n```bash\nsudo bpftrace -e 'BEGIN { cat(\"/etc/shadow\"); }'\n```\n");
    const { io, stdout } = fakeIO();
    expect(await main(['verify', file], io)).toBe(1);
    expect(stdout()).toMatch(/L4 1\. 위험 {2}⛔ 안전 정책으로 거부 \(denied by the safety policy\)/);
    expect(stdout()).toMatch(/규칙 \(rule\): file-read/);
  });

  it('a file without one-liners says so and exits 0', async () => {
    const file = write('none.md', '# nothing\n\n```bash\nls\n```\n');
    const { io, stdout } = fakeIO();
    expect(await main(['verify', file, '--format', 'json'], io)).toBe(0);
    expect(verifyReportSchema.parse(JSON.parse(stdout())).results).toEqual([]);
  });
});

describe('study-bot runner exec: usage and validation', () => {
  it.each([[[]], [['exec']], [['exec', '--request', 'r.json']], [['run', '--request', 'r.json', '--out', 'o.json']]])('%o → exit 2', async (args) => {
    const { io } = fakeIO();
    expect(await main(['runner', ...args], io)).toBe(2);
  });

  it('rejects an invalid request with the reason', async () => {
    const request = write('bad.json', JSON.stringify({ version: 2, oneLiners: 'x' }));
    const { io, stderr } = fakeIO();
    expect(await main(['runner', 'exec', '--request', request, '--out', 'out.json'], io)).toBe(2);
    expect(stderr()).toMatch(/invalid request/);
  });

  it('rejects a request that is not JSON', async () => {
    const request = write('binary.json', '\u0000\u00ff{{');
    const { io, stderr } = fakeIO();
    expect(await main(['runner', 'exec', '--request', request, '--out', 'out.json'], io)).toBe(2);
    expect(stderr()).toMatch(/cannot read the request/);
  });

  it('writes a report for a request whose one-liners are all denied', async () => {
    const request = write('denied.json', JSON.stringify({
      version: 1,
      file: 'study/week1/hgd.md',
      oneLiners: [{ kind: 'bpftrace', line: 7, endLine: 7, heading: '1. x', command: "sudo bpftrace --unsafe -e 'BEGIN { system(\"id\"); }'",
        argv: ['bpftrace', '-e', 'BEGIN { exit(); }'], env: {}, shellSyntax: [] }],
    }));
    const { io } = fakeIO();
    expect(await main(['runner', 'exec', '--request', request, '--out', 'report.json'], io)).toBe(0);
    const report = verifyReportSchema.parse(JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')));
    expect(report.results).toEqual([expect.objectContaining({ line: 7, heading: '1. x', status: 'denied', rule: 'option' })]);
  });
});

describeEbpf('study-bot verify and runner exec on this machine', () => {
  itEbpf('verifies the orientation one-liners: Korean table, exit 0', async () => {
    const file = write('orientation.md', orientationMarkdown());
    const { io, stdout } = fakeIO();
    expect(await main(['verify', file], io)).toBe(0);
    expect(stdout().match(/✅ 동작함/g)).toHaveLength(5);
    expect(stdout()).toMatch(/│ eBPF 스터디 시작!/);
  });

  itEbpf('runner exec runs a valid request and writes the report contract', async () => {
    const request = write('ok.json', JSON.stringify({
      version: 1,
      oneLiners: [{ kind: 'bpftrace', line: 1, endLine: 1, heading: null, command: "sudo bpftrace -e 'BEGIN { printf(\"hi\\n\"); exit(); }'",
        argv: [], env: {}, shellSyntax: [] }],
    }));
    const { io } = fakeIO();
    expect(await main(['runner', 'exec', '--request', request, '--out', 'ok-report.json'], io)).toBe(0);
    const report = verifyReportSchema.parse(JSON.parse(readFileSync(path.join(dir, 'ok-report.json'), 'utf8')));
    expect(report.results[0]).toMatchObject({ status: 'ok', output: ['hi'] });
  });
});

describe('study-bot doctor', () => {
  const healthy: RunnerInfo = {
    kernel: '6.18.44', bpftrace: 'v0.17.0', btf: true, kprobes: false, arch: 'x64', bpftraceVersion: [0, 17], tracefs: '/sys/kernel/tracing', root: true,
  };

  it('reports each problem with its fix', () => {
    const checks = doctorChecks({ ...healthy, root: false, tracefs: null, bpftrace: null }, { bccTools: 0, memlockKiB: 64 });
    const failing = checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failing).toEqual(['root', 'bpftrace', 'tracefs', 'kprobes', 'bcc', 'memlock']);
    expect(checks.find((c) => c.name === 'tracefs')!.fix).toBe('sudo mount -t tracefs tracefs /sys/kernel/tracing');
  });

  it('runs on this machine and prints every check', async () => {
    const { io, stdout } = fakeIO();
    const code = await main(['doctor'], io);
    for (const name of ['kernel', 'root', 'bpftrace', 'tracefs', 'btf', 'kprobes', 'bcc', 'memlock', 'sandbox']) expect(stdout()).toContain(name);
    expect([0, 1]).toContain(code);
    const json = fakeIO();
    await main(['doctor', '--format', 'json'], json.io);
    expect(JSON.parse(json.stdout()).checks).toHaveLength(9);
  });
});
