import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyRun, dropNoise, noEventsHint, type RunEvidence } from '../../src/runner/classify.js';
import { renderRecord, repairBpftraceJson } from '../../src/runner/render-events.js';
import { parseProbeTypes } from '../../src/runner/runner-info.js';

/**
 * stderr/stdout captured on this runner (bpftrace 0.17, kernel 6.18, no kprobes) with
 * `__BPFTRACE_NOTIFY_PROBES_ATTACHED=1 bpftrace -f json -e PROGRAM`; see test/fixtures/runner.
 */
function captured(name: string, program: string, overrides: Partial<RunEvidence> = {}): RunEvidence {
  const read = (ext: string) => readFileSync(new URL(`../fixtures/runner/${name}.${ext}`, import.meta.url), 'utf8');
  const stderr = read('stderr');
  const stdout = read('stdout');
  const exitCode = Number(read('rc').trim());
  let events = 0;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('{')) events += renderRecord(JSON.parse(repairBpftraceJson(line))).events;
  }
  const markerSeen = `${stderr}\n${stdout}`.includes('__BPFTRACE_NOTIFY_PROBES_ATTACHED');
  // timeout(1) reported 124 when it had to SIGINT the run; the runner sees bpftrace's own 0.
  const stoppedByUs = exitCode === 124;
  return {
    exitCode: stoppedByUs ? 0 : exitCode, signal: null, markerSeen, events, stderr: stderr.replace(/^__BPFTRACE_NOTIFY_PROBES_ATTACHED\n/m, ''),
    attachTimedOut: false, killed: false, stoppedByUs, spawnError: null, program, kprobes: false, ...overrides,
  };
}

describe('classifyRun on captured runs', () => {
  it.each([
    ['printf-ok', 'BEGIN { printf("hi\\n"); exit(); }', 'ok', /1 events/],
    ['maps', 'BEGIN { @x[1]=2; @y = hist(5); exit(); }', 'ok', /2 events/],
    ['tracepoint-typo', 'tracepoint:syscalls:sys_enter_opnat { printf("x\\n"); }', 'error',
      /^stdin:1:1-36: ERROR: tracepoint not found: syscalls:sys_enter_opnat\ntracepoint:syscalls:sys_enter_opnat \{ printf\("x\\n"\); \}\n~+$/],
    ['syntax-error', 'BEGIN { printf("x\\n") exit(); }', 'error', /syntax error, unexpected call, expecting \}\nBEGIN \{ printf\("x\\n"\) exit\(\); \}\n {22}~~~~/],
    ['unknown-function', 'BEGIN { foo(); }', 'error', /Unknown function: foo/],
    ['undefined-map', 'BEGIN { print(@nope); }', 'error', /Undefined map: @nope/],
    ['missing-field', 'tracepoint:syscalls:sys_enter_openat { printf("%s\\n", str(args->filenme)); }', 'error', /does not contain a field named 'filenme'/],
    ['kprobe', 'kprobe:do_sys_openat2 { printf("x\\n"); }', 'unsupported', /no kprobes[\s\S]*kprobe_events/],
    ['hardware', 'hardware:cache-misses:1000 { @ = count(); }', 'unsupported', /no PMU/],
    ['args-dot', 'tracepoint:syscalls:sys_enter_openat { printf("%s\\n", str(args.filename)); }', 'unsupported', /Can not access field 'filename'/],
    ['system-unsafe', 'BEGIN { system("id"); exit(); }', 'denied', /unsafe function being used in safe mode/],
    ['no-events', 'tracepoint:syscalls:sys_enter_openat /pid == 1/ { printf("x\\n"); }', 'no-events', /no events/],
    ['empty-map', 'tracepoint:syscalls:sys_enter_openat /pid == 1/ { @[comm] = count(); }', 'no-events', /no events/],
  ])('%s → %s', (name, program, status, message) => {
    const verdict = classifyRun(captured(name, program));
    expect(verdict.status).toBe(status);
    expect(verdict.message).toMatch(message);
    expect(verdict.message).not.toMatch(/RLIMIT_MEMLOCK|WARNING/);
  });

  it('hints at the bpftrace version for args.x', () => {
    expect(classifyRun(captured('args-dot', 'tracepoint:syscalls:sys_enter_openat { printf("%s\\n", str(args.filename)); }')).hint).toMatch(/0\.19/);
  });

  it('hints at a literal pid filter', () => {
    expect(classifyRun(captured('no-events', 'tracepoint:syscalls:sys_enter_openat /pid == 1/ { printf("x\\n"); }')).hint).toMatch(/pid == 1/);
  });

  it('recommends kfunc for a kprobe only on a runner that can attach kfunc', () => {
    const program = 'kprobe:do_sys_openat2 { printf("x\\n"); }';
    const here = classifyRun(captured('kprobe', program, { kfunc: false }));
    expect(here.hint).toMatch(/tracepoint/);
    expect(here.hint).not.toMatch(/try a tracepoint or kfunc/);
    expect(classifyRun(captured('kprobe', program)).hint).not.toMatch(/try a tracepoint or kfunc/);
    expect(classifyRun(captured('kprobe', program, { kfunc: true })).hint).toMatch(/fentry\(kfunc\)/);
  });

  it('reads kfunc support from bpftrace --info, as this runner printed it', () => {
    const info = readFileSync(new URL('../fixtures/runner/info-kfunc-no.txt', import.meta.url), 'utf8');
    expect(parseProbeTypes(info)).toEqual({ kfunc: false });
    expect(parseProbeTypes(info.replace('kfunc: no', 'kfunc: yes'))).toEqual({ kfunc: true });
    expect(parseProbeTypes('bpftrace: command not found')).toEqual({});
  });

  it('a kprobe on a kernel with kprobes is an attach failure, not unsupported', () => {
    const evidence = captured('kprobe', 'kprobe:do_sys_openat2 {}', { kprobes: true });
    evidence.stderr = evidence.stderr.replace(/create_probe_event.*\n/, '');
    expect(classifyRun(evidence).status).toBe('attach-failed');
  });
});

describe('classifyRun on the runner side', () => {
  const base: RunEvidence = { exitCode: 0, signal: null, markerSeen: true, events: 0, stderr: '', attachTimedOut: false, killed: false, stoppedByUs: true, spawnError: null };
  it.each<[Partial<RunEvidence>, string]>([
    [{ markerSeen: false, attachTimedOut: true, exitCode: null, signal: 'SIGKILL' }, 'timeout'],
    [{ killed: true, exitCode: null, signal: 'SIGKILL', events: 0 }, 'timeout'],
    [{ spawnError: 'spawn bpftrace ENOENT', markerSeen: false }, 'runner-error'],
    [{ stderr: 'ERROR: Missing CAP_BPF\n', exitCode: 1, markerSeen: false }, 'runner-error'],
    [{ stderr: "ERROR: Could not resolve symbol: /bin/bash:nope\n", exitCode: 1, markerSeen: false }, 'attach-failed'],
    [{ stderr: 'ERROR: Can\'t attach to 5000 probes because it exceeds the current limit of 256 probes.\n', exitCode: 1, markerSeen: false }, 'denied'],
    [{ events: 3 }, 'ok'],
    [{ events: 0 }, 'no-events'],
    [{ exitCode: 1, markerSeen: false, stderr: 'something odd\n' }, 'error'],
  ])('%o → %s', (overrides, status) => {
    expect(classifyRun({ ...base, ...overrides }).status).toBe(status);
  });
});

describe('noise and hints', () => {
  it('drops the RLIMIT_MEMLOCK error and located warnings with their caret', () => {
    const stderr = [
      "ERROR: Unknown error -1: couldn't set RLIMIT_MEMLOCK for bpftrace. If your program is not loading, you can try \"ulimit -l 8192\" to fix the problem",
      'stdin:1:1-22: WARNING: do_sys_openat2 is not traceable',
      'kprobe:do_sys_openat2 { }',
      '~~~~~~~~~~~~~~~~~~~~~',
      "ERROR: Error attaching probe: 'kprobe:do_sys_openat2'",
    ].join('\n');
    expect(dropNoise(stderr)).toEqual(["ERROR: Error attaching probe: 'kprobe:do_sys_openat2'"]);
  });

  it.each([
    ['t:syscalls:sys_enter_openat /comm == "bash"/ { }', /comm == "bash"/],
    ['t:syscalls:sys_enter_openat /uid == 1000/ { }', /uid == 1000/],
    ['t:block:block_rq_issue { @ = count(); }', /블록 I\/O/],
    ['t:syscalls:sys_enter_openat { }', undefined],
  ])('%s', (program, hint) => {
    const found = noEventsHint(program);
    if (hint) expect(found).toMatch(hint);
    else expect(found).toBeUndefined();
  });
});
