import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { extractFromShell, extractOneLiners } from '../../src/oneliners/extract-oneliners.js';
import { loadShellParser } from '../../src/oneliners/shell-parser.js';
import type { OneLiner } from '../../src/oneliners/types.js';
import { TracedProcess } from '../../src/runner/execute.js';
import { verifyReportSchema } from '../../src/runner/report-schema.js';
import { runRequest } from '../../src/runner/request-schema.js';
import { verifyOneLiners } from '../../src/runner/verify-oneliners.js';
import { describeEbpf, itEbpf } from '../helpers/ebpf.js';
import { orientationMarkdown } from '../helpers/orientation.js';

let scratch: string;
beforeAll(async () => {
  await loadShellParser();
  scratch = mkdtempSync(path.join(os.tmpdir(), 'studybot-verify-test-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const shell = (code: string): OneLiner[] => extractFromShell(code, { lang: 'bash' });

describeEbpf('verifyOneLiners on this machine (real bpftrace)', () => {
  itEbpf('the five orientation one-liners all work', async () => {
    const oneLiners = await extractOneLiners(orientationMarkdown());
    expect(oneLiners).toHaveLength(5);
    const report = await verifyOneLiners(oneLiners);
    expect(verifyReportSchema.parse(report)).toEqual(report);
    expect(report.results.map((r) => [r.heading, r.status])).toEqual(oneLiners.map((o) => [o.heading, 'ok']));
    expect(report.results[0]!.output[0]).toBe('eBPF 스터디 시작!');
    // the loopback connection of the workload (plain `net`, untouched by nock) was seen
    expect(report.results[2]!.output.join('\n')).toMatch(/New connection: studybot-load:\d+/);
    expect(report.results[4]!.output.join('\n')).toMatch(/@\[studybot-load\]: \d+/);
    expect(report.runner.bpftrace).toMatch(/^v\d+\.\d+/);
  });

  itEbpf("a typo'd tracepoint and a syntax error come back as errors quoting bpftrace", async () => {
    const report = await verifyOneLiners(shell([
      "sudo bpftrace -e 'tracepoint:syscalls:sys_enter_opnat { printf(\"x\\n\"); }'",
      "sudo bpftrace -e 'BEGIN { printf(\"x\\n\") exit(); }'",
    ].join('\n')));
    expect(report.results.map((r) => r.status)).toEqual(['error', 'error']);
    expect(report.results[0]!.message).toMatch(/^stdin:1:1-36: ERROR: tracepoint not found: syscalls:sys_enter_opnat\n.*\n~+/);
    expect(report.results[1]!.message).toMatch(/syntax error, unexpected call[\s\S]*~~~~/);
  });

  itEbpf('a kprobe one-liner is unsupported on a kernel without kprobes', async () => {
    const report = await verifyOneLiners(shell("sudo bpftrace -e 'kprobe:do_sys_openat2 { printf(\"%s\\n\", comm); }'"));
    expect(report.runner.kprobes).toBe(false); // this runner's kernel; see RUNNER.md
    expect(report.results[0]!.status).toBe('unsupported');
  });

  itEbpf('hostile one-liners are denied and nothing they asked for runs', async () => {
    const marker = (name: string) => path.join(scratch, name);
    const code = [
      `sudo bpftrace -e 'BEGIN { cat("/etc/shadow"); exit(); }'`,
      `sudo bpftrace -e 'BEGIN { system("touch ${marker('system')}"); exit(); }'`,
      `sudo bpftrace --unsafe -e 'BEGIN { system("touch ${marker('unsafe')}"); exit(); }'`,
      `sudo bpftrace -c 'touch ${marker('dash-c')}' -e 'BEGIN { exit(); }'`,
      `sudo bpftrace -e 'BEGIN { exit(); }'; touch ${marker('semicolon')}`,
      `sudo bpftrace -e 'BEGIN { exit(); }' $(touch ${marker('substitution')})`,
      `sudo bpftrace -e 'BEGIN { exit(); }' \`touch ${marker('backquote')}\``,
      `sudo bpftrace -e 'BEGIN { exit(); }' && touch ${marker('and')}`,
    ].join('\n');
    const oneLiners = shell(code);
    expect(oneLiners).toHaveLength(8);
    const report = await verifyOneLiners(oneLiners);
    expect(report.results.map((r) => r.status)).toEqual(new Array(8).fill('denied'));
    expect(report.results.map((r) => r.rule)).toEqual(['file-read', 'unsafe-function', 'option', 'option', 'shell-syntax', 'shell-syntax', 'shell-syntax', 'shell-syntax']);
    for (const name of ['system', 'unsafe', 'dash-c', 'semicolon', 'substitution', 'backquote', 'and']) {
      expect(existsSync(marker(name)), name).toBe(false);
    }
    expect(report.results.every((r) => r.output.length === 0 && r.durationMs === 0)).toBe(true);
  });

  itEbpf('the attacks of issue 8 are denied on the host and change nothing', async () => {
    const touched = path.join(scratch, 'issue8');
    const hidden = `#define Q '"'"'"'"'"'\nBEGIN { printf("/*"); system("touch ${touched}-system"); printf("*/"); exit(); }`;
    const report = await verifyOneLiners(shell([
      `sudo bpftrace -e '${hidden}' -- --unsafe`,
      `sudo bpftrace -e '${hidden}'`,
      `sudo bpftrace -e 'BEGIN { printf("x"); exit(); }' -- -o${touched}-output`,
      "sudo bpftrace -e 'BEGIN { exit(); }' -- -c/usr/bin/id",
      'sudo groupadd-bpfcc studybot-issue8',
      "sudo bpftrace -e '#include_next <linux/sched.h>\nBEGIN { exit(); }'",
    ].join('\n')));
    expect(report.results.map((r) => [r.status, r.rule])).toEqual([
      ['denied', 'argument'], ['denied', 'unsafe-function'], ['denied', 'argument'], ['denied', 'argument'], ['denied', 'bcc-tool'], ['denied', 'include'],
    ]);
    expect(existsSync(`${touched}-system`)).toBe(false);
    expect(existsSync(`${touched}-output`)).toBe(false);
  });

  itEbpf('wildcards are counted quoted or not, summed over the program, and refused when uncountable', async () => {
    const report = await verifyOneLiners(shell([
      `sudo bpftrace -e 'tracepoint:syscalls:"sys_enter_*" { @ = count(); }'`,
      "sudo bpftrace -e 't:syscalls:sys_enter_s*, t:syscalls:sys_exit_s*, t:syscalls:sys_enter_f*, t:syscalls:sys_exit_f*, t:syscalls:sys_enter_g*, t:syscalls:sys_exit_g* { @ = count(); }'",
      "sudo bpftrace -e 'kfunc:* { @ = count(); }'",
    ].join('\n')));
    expect(report.results.map((r) => [r.status, r.rule])).toEqual([['denied', 'wildcard'], ['denied', 'wildcard'], ['denied', 'wildcard']]);
    expect(report.results[1]!.message).toMatch(/at most 200 in total/);
  });

  itEbpf('a forged request cannot smuggle argv past the policy', async () => {
    const forged: OneLiner = {
      kind: 'bpftrace', line: 3, endLine: 3, heading: null,
      command: `sudo bpftrace -e 'BEGIN { exit(); }'; touch ${path.join(scratch, 'forged')}`,
      argv: ['bpftrace', '-e', 'BEGIN { exit(); }'], env: {}, shellSyntax: [],
    };
    const report = await runRequest({ version: 1, file: 'study/week1/x.md', oneLiners: [forged] });
    expect(report.file).toBe('study/week1/x.md');
    expect(report.results[0]).toMatchObject({ status: 'denied', rule: 'shell-syntax', line: 3 });
    expect(existsSync(path.join(scratch, 'forged'))).toBe(false);
  });

  itEbpf('a fixed pid == 1 filter comes back no-events with a hint', async () => {
    const report = await verifyOneLiners(shell("sudo bpftrace -e 'tracepoint:syscalls:sys_enter_openat /pid == 1/ { printf(\"%s\\n\", comm); }'"));
    expect(report.results[0]).toMatchObject({ status: 'no-events', events: 0 });
    expect(report.results[0]!.hint).toMatch(/pid == 1/);
  });

  itEbpf('a fixed pid == 1 filter on a scalar count is no-events too (bpftrace prints `@: 0` at exit)', async () => {
    const report = await verifyOneLiners(shell("sudo bpftrace -e 'tracepoint:syscalls:sys_enter_openat /pid == 1/ { @ = count(); }'"));
    expect(report.results[0]).toMatchObject({ status: 'no-events', events: 0 });
    expect(report.results[0]!.hint).toMatch(/pid == 1/);
  });

  itEbpf('a one-liner printing on every syscall is capped', async () => {
    const report = await verifyOneLiners(
      shell("sudo bpftrace -e 'tracepoint:raw_syscalls:sys_enter { printf(\"%s %d\\n\", comm, pid); }'"),
      { limits: { maxOutputLines: 10 } },
    );
    const [result] = report.results;
    expect(result!.status).toBe('ok');
    expect(result!.output).toHaveLength(10);
    expect(result!.truncated).toBe(true);
    expect(result!.events).toBeGreaterThan(10);
    expect(result!.durationMs).toBeLessThan(8000);
  });

  itEbpf('bpftrace -l lists probes, or reports none', async () => {
    const report = await verifyOneLiners(shell("sudo bpftrace -l 'tracepoint:sock:*'\nsudo bpftrace -l 'tracepoint:nosuchcategory:*'"));
    expect(report.results[0]).toMatchObject({ status: 'ok' });
    expect(report.results[0]!.output).toContain('tracepoint:sock:inet_sock_set_state');
    expect(report.results[1]!.status).toBe('no-events');
  });

  itEbpf('a bcc tool name that bcc does not ship is denied, never looked up in /usr/sbin', async () => {
    const report = await verifyOneLiners(shell('sudo groupadd-bpfcc x'));
    expect(report.results[0]).toMatchObject({ status: 'denied', rule: 'bcc-tool' });
  });

  itEbpf('a run aborted by its signal (the guest\'s warm-up, when a request comes) kills its bpftrace at once', async () => {
    // Runs until its 60 s window ends unless killed: no events come, no interval stops it.
    const oneLiners = shell("sudo bpftrace -e 'tracepoint:syscalls:sys_enter_pivot_root { printf(\"x\\n\"); }'");
    const abort = new AbortController();
    const steps: string[] = [];
    const started = Date.now();
    const run = verifyOneLiners(oneLiners, { windowMs: 60_000, signal: abort.signal, trace: (step) => steps.push(step) });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    abort.abort();
    const report = await run;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(report.results[0]!.status).not.toBe('ok');
    // The steps a request's trace shows (STUDY_BOT_VM_TRACE), in order.
    expect(steps.filter((s, i) => steps.indexOf(s) === i)).toEqual(['planned', 'workload-spawned', 'spawn', 'spawned', 'attached', 'workload-done', 'stopping', 'exited']);
  });

  itEbpf('starts processes with an empty environment except PATH and the pinned limits', async () => {
    process.env.STUDYBOT_FAKE_TOKEN = 'ghp_thisisnotarealtokenbutlookslikeone0000';
    try {
      const child = new TracedProcess(['env'], 'lines');
      const run = await child.finished;
      const names = run.output.map((line) => line.split('=')[0]).sort();
      expect(names).toEqual(['BPFTRACE_MAX_BPF_PROGS', 'BPFTRACE_MAX_PROBES', 'BPFTRACE_PERF_RB_PAGES', 'BPFTRACE_STRLEN', 'PATH', '__BPFTRACE_NOTIFY_PROBES_ATTACHED']);
    } finally {
      delete process.env.STUDYBOT_FAKE_TOKEN;
    }
  });
});
