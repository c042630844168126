import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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
    expect(stderr()).toMatch(/^study-bot verify: .+\n\n사용법: study-bot verify/);
  });

  it.each([
    [['--formt', 'json', 'a.md'], '알 수 없는 옵션입니다: --formt — `--format`을(를) 말씀하신 건가요?'],
    [['a.md', '--format', 'jsn'], '--format jsn: text 또는 json 중 하나여야 합니다 — `json`을(를) 말씀하신 건가요?'],
    [['a.md', '--format'], '--format 뒤에 값이 필요합니다'],
    [['a.md', '--window-ms', '50'], '--window-ms 50: 100부터 60000까지의 정수(밀리초)여야 합니다'],
    [['a.md', '--formt', 'json', '--lang', 'en'], 'unknown option --formt — did you mean `--format`?'],
    [['a.md', '--lang', 'en', '--format', 'jsn'], '--format jsn: expected text or json — did you mean `json`?'],
    [['a.md', '--lang', 'jp'], '--lang jp: ko 또는 en 중 하나여야 합니다'],
  ])('%j says what is wrong: %s', async (args, message) => {
    const { io, stderr } = fakeIO();
    expect(await main(['verify', ...args], io)).toBe(2);
    expect(stderr()).toContain(message);
    expect(stderr()).not.toContain('To specify a positional argument');
  });

  it('--help is Korean, --help --lang en English', async () => {
    const ko = fakeIO();
    expect(await main(['verify', '--help'], ko.io)).toBe(0);
    expect(ko.stdout()).toMatch(/^사용법: study-bot verify 파일/);
    expect(ko.stdout()).not.toMatch(/runs the one-liners/i);
    const en = fakeIO();
    expect(await main(['verify', '--help', '--lang', 'en'], en.io)).toBe(0);
    expect(en.stdout()).toMatch(/^usage: study-bot verify FILE/);
    expect(en.stdout()).not.toMatch(/[가-힣]/);
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
    expect(stdout()).toMatch(/L4 1\. 위험 {2}⛔ 안전 정책으로 거부 {2}이벤트 0개, 0 ms/);
    expect(stdout()).toContain('    cat()는 root 권한으로 아무 파일이나 읽습니다.\n    규칙: file-read\n');
    expect(stdout()).not.toMatch(/denied by|rule:|reads any file/);
  });

  it('speaks one language: English with --lang en, or the language of the study config above the file', async () => {
    const file = write('denied-en.md', "### 1. danger\n\n```bash\nsudo bpftrace -e 'BEGIN { cat(\"/etc/shadow\"); }'\n```\n");
    const en = fakeIO();
    expect(await main(['verify', file, '--lang', 'en'], en.io)).toBe(1);
    expect(en.stdout()).toContain('L4 1. danger  ⛔ denied by the safety policy  0 events, 0 ms');
    expect(en.stdout()).toContain('    cat(): reads any file as root.\n    rule: file-read\n');
    expect(en.stdout()).not.toMatch(/[가-힣]/);

    const study = mkdtempSync(path.join(dir, 'study-en-'));
    mkdirSync(path.join(study, '.github'));
    mkdirSync(path.join(study, 'study/week1'), { recursive: true });
    writeFileSync(path.join(study, '.github/study.yml'), 'language: en\nweeks: eight\n'); // a config with another problem still says its language
    writeFileSync(path.join(study, 'study/week1/kim.md'), readFileSync(path.join(dir, file), 'utf8'));
    const fromConfig = fakeIO();
    expect(await main(['verify', path.join(study, 'study/week1/kim.md')], fromConfig.io)).toBe(1);
    expect(fromConfig.stdout()).toContain('⛔ denied by the safety policy');
    expect(fromConfig.stdout()).not.toMatch(/[가-힣]/);
    const overridden = fakeIO();
    await main(['verify', path.join(study, 'study/week1/kim.md'), '--lang', 'ko'], overridden.io);
    expect(overridden.stdout()).toContain('⛔ 안전 정책으로 거부');
  });

  it('JSON keeps the report contract, whatever the language', async () => {
    const file = write('denied-json.md', "### 1. x\n\n```bash\nsudo bpftrace -e 'BEGIN { cat(\"/etc/shadow\"); }'\n```\n");
    const ko = fakeIO();
    const en = fakeIO();
    await main(['verify', file, '--format', 'json'], ko.io);
    await main(['verify', file, '--format', 'json', '--lang', 'en'], en.io);
    const strip = (text: string) => ({ ...JSON.parse(text), durationMs: 0 });
    expect(strip(en.stdout())).toEqual(strip(ko.stdout()));
    expect(JSON.parse(ko.stdout()).results[0].message).toBe('cat()는 root 권한으로 아무 파일이나 읽습니다 (reads any file as root).');
  });

  it('a file without one-liners says so and exits 0', async () => {
    const file = write('none.md', '# nothing\n\n```bash\nls\n```\n');
    const { io, stdout } = fakeIO();
    expect(await main(['verify', file, '--format', 'json'], io)).toBe(0);
    expect(verifyReportSchema.parse(JSON.parse(stdout())).results).toEqual([]);
  });
});

describe('study-bot runner exec: usage and validation', () => {
  it.each([
    [[], '하위 명령은 exec, image build, image snapshot입니다'],
    [['exec'], '--request와 --out이 모두 필요합니다'],
    [['exec', '--request', 'r.json'], '--request와 --out이 모두 필요합니다'],
    [['run', '--request', 'r.json', '--out', 'o.json'], '하위 명령은 exec, image build, image snapshot입니다 (받은 값: run)'],
    [['image'], 'image 다음에는 build 또는 snapshot이 와야 합니다'],
    [['exec', '--request', 'r.json', '--out', 'o.json', '--isolation', 'vn'], '`vm`을(를) 말씀하신 건가요?'],
    [['exec', '--reqest', 'r.json', '--out', 'o.json'], '`--request`을(를) 말씀하신 건가요?'],
  ])('%o → exit 2: %s', async (args, message) => {
    const { io, stderr } = fakeIO();
    expect(await main(['runner', ...args], io)).toBe(2);
    expect(stderr()).toContain(message);
    expect(stderr()).toContain('study-bot runner exec --request');
  });

  it('refuses the host path unless the deployment says it is disposable', async () => {
    const request = write('host.json', JSON.stringify({ version: 1, oneLiners: [] }));
    vi.stubEnv('STUDY_BOT_UNSAFE_HOST_RUNNER', '');
    try {
      const { io, stderr } = fakeIO();
      expect(await main(['runner', 'exec', '--isolation', 'host', '--request', request, '--out', 'out.json'], io)).toBe(2);
      expect(stderr()).toContain('STUDY_BOT_UNSAFE_HOST_RUNNER=1');
      expect(existsSync(path.join(dir, 'out.json'))).toBe(false);
    } finally {
      vi.unstubAllEnvs();
    }
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

  it('runs in the VM by default, and says how to build the image when there is none', async () => {
    const request = write('denied.json', JSON.stringify({
      version: 1,
      file: 'study/week1/hgd.md',
      oneLiners: [{ kind: 'bpftrace', line: 7, endLine: 7, heading: '1. x', command: "sudo bpftrace --unsafe -e 'BEGIN { system(\"id\"); }'",
        argv: ['bpftrace', '-e', 'BEGIN { exit(); }'], env: {}, shellSyntax: [] }],
    }));
    const { io, stderr } = fakeIO();
    vi.stubEnv('STUDY_BOT_RUNNER_DIR', path.join(dir, 'no-runner-here'));
    try {
      expect(await main(['runner', 'exec', '--request', request, '--out', 'report.json'], io)).toBe(1);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(stderr()).toContain('study-bot runner image build');
    expect(existsSync(path.join(dir, 'report.json'))).toBe(false);
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

  itEbpf('runner exec --isolation host (a disposable runner) runs a valid request and writes the report contract', async () => {
    const request = write('ok.json', JSON.stringify({
      version: 1,
      oneLiners: [{ kind: 'bpftrace', line: 1, endLine: 1, heading: null, command: "sudo bpftrace -e 'BEGIN { printf(\"hi\\n\"); exit(); }'",
        argv: [], env: {}, shellSyntax: [] }],
    }));
    const { io } = fakeIO();
    vi.stubEnv('STUDY_BOT_UNSAFE_HOST_RUNNER', '1');
    try {
      expect(await main(['runner', 'exec', '--isolation', 'host', '--request', request, '--out', 'ok-report.json'], io)).toBe(0);
    } finally {
      vi.unstubAllEnvs();
    }
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

  it('JSON texts keep both languages; a chosen language gets one', () => {
    const info = { ...healthy, root: false, kprobes: false };
    const extra = { bccTools: 3, memlockKiB: null };
    const byName = (lang?: 'ko' | 'en') => Object.fromEntries(doctorChecks(info, extra, lang).map((c) => [c.name, c]));
    expect(byName().root).toMatchObject({ detail: 'root가 아님 (not root)', fix: 'sudo로 실행하세요 (run with sudo): sudo study-bot verify FILE' });
    expect(byName().bcc.detail).toBe('bcc 도구 3개 (tools installed)');
    expect(byName('ko').root).toMatchObject({ detail: 'root가 아님', fix: 'sudo로 실행하세요: sudo study-bot verify FILE' });
    expect(byName('en').root).toMatchObject({ detail: 'not root', fix: 'run with sudo: sudo study-bot verify FILE' });
    expect(byName('en').kprobes.detail).toBe('no kprobe_events: kprobe one-liners are unsupported');
    expect(byName('en').bcc.detail).toBe('3 bcc tools installed');
    for (const check of doctorChecks(info, extra, 'en')) expect(`${check.detail} ${check.fix ?? ''}`).not.toMatch(/[가-힣]/);
  });

  it('prints one language: Korean by default, English with --lang en', async () => {
    const ko = fakeIO();
    await main(['doctor'], ko.io);
    expect(ko.stdout()).toMatch(/^준비( 안)? ?됨:/m);
    expect(ko.stdout()).not.toMatch(/\((running as root|not root|ready|fix)\)/);
    const en = fakeIO();
    await main(['doctor', '--lang', 'en'], en.io);
    expect(en.stdout()).toMatch(/^(ready|not ready):/m);
    expect(en.stdout()).not.toMatch(/[가-힣]/);
  });

  it('a misspelt option gets a suggestion and the usage', async () => {
    const { io, stderr } = fakeIO();
    expect(await main(['doctor', '--fromat', 'json'], io)).toBe(2);
    expect(stderr()).toContain('study-bot doctor: 알 수 없는 옵션입니다: --fromat — `--format`을(를) 말씀하신 건가요?');
    expect(stderr()).toContain('사용법: study-bot doctor');
  });

  it('runs on this machine and prints every check', async () => {
    const { io, stdout } = fakeIO();
    const code = await main(['doctor'], io);
    for (const name of ['kernel', 'root', 'bpftrace', 'tracefs', 'btf', 'kprobes', 'bcc', 'memlock', 'sandbox', 'qemu', 'vm-image']) expect(stdout()).toContain(name);
    expect([0, 1]).toContain(code);
    const json = fakeIO();
    await main(['doctor', '--format', 'json'], json.io);
    const names = (JSON.parse(json.stdout()).checks as { name: string }[]).map((c) => c.name);
    // kvm is reported once QEMU and an image are there (it boots a guest to find out).
    expect(names.slice(0, 11)).toEqual(['kernel', 'root', 'bpftrace', 'tracefs', 'btf', 'kprobes', 'bcc', 'memlock', 'sandbox', 'qemu', 'vm-image']);
  });
});
