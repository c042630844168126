/**
 * TEST DOUBLE — not the runner. The GitHub-side /verify tests need a verifier that answers at
 * once and the same way every time, so this one reads the one-liner's text and returns what
 * the real runner would for it (validated against the runner's own report schema). The real
 * verifier is exercised by test/verify/verify-real-ebpf.test.ts and the runner's own tests.
 */
import type { OneLiner } from '../../src/oneliners/types.js';
import { verifyReportSchema, type VerifyReport, type VerifyResult } from '../../src/runner/report-schema.js';
import type { Verifier } from '../../src/verify/drivers/types.js';

export const FAKE_RUNNER = { kernel: '6.18.44-fake', bpftrace: 'v0.17.0', btf: true, kprobes: false } as const;

function fakeResult(o: OneLiner): VerifyResult {
  const base = { line: o.line, endLine: o.endLine, heading: o.heading, command: o.command, kind: o.kind, durationMs: 400 };
  if (/system\(|cat\(/.test(o.command)) {
    return { ...base, status: 'denied', events: 0, message: 'system() runs a command as root', rule: 'unsafe-builtin', output: [] };
  }
  if (/sys_enter_opnat/.test(o.command)) {
    return {
      ...base,
      status: 'error',
      events: 0,
      message: "stdin:1:1-34: ERROR: tracepoint not found: syscalls:sys_enter_opnat\ntracepoint:syscalls:sys_enter_opnat { printf(\"%s\\n\", comm); }\n~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~",
      output: [],
    };
  }
  if (/pid == 1\b/.test(o.command)) {
    return { ...base, status: 'no-events', events: 0, message: 'probes attached, no events', hint: 'a literal pid filter matches nothing here', output: [] };
  }
  return { ...base, status: 'ok', events: 3, message: 'probes attached, 3 events', output: ['eBPF 스터디 시작!', '@login hello | <b>x</b>', '```'] };
}

/** A verifier double that records what it was asked to run. */
export function fakeVerifier(overrides: Partial<Record<number, Partial<VerifyResult>>> = {}): Verifier & { calls: OneLiner[][] } {
  const calls: OneLiner[][] = [];
  const verify = async (oneLiners: OneLiner[]): Promise<VerifyReport> => {
    calls.push(oneLiners);
    const report = { runner: { ...FAKE_RUNNER }, results: oneLiners.map((o) => ({ ...fakeResult(o), ...overrides[o.line] })) };
    return verifyReportSchema.parse(report);
  };
  return Object.assign(verify, { calls });
}
