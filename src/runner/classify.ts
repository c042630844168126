import type { RunStatus } from './report-schema.js';

/**
 * Turns what a bpftrace run left behind into a status a member can act on, in the order
 * RUNNER.md gives (denied, unsupported, error, attach-failed, timeout, ok, no-events).
 * Pure, and fed in tests with stderr captured on a real runner.
 */
export interface RunEvidence {
  exitCode: number | null;
  signal: string | null;
  markerSeen: boolean;
  events: number;
  stderr: string;
  /** No marker within the attach limit. */
  attachTimedOut: boolean;
  /** Still running after SIGINT + grace. */
  killed: boolean;
  /** We sent the SIGINT (window over or events seen). */
  stoppedByUs: boolean;
  spawnError: string | null;
  /** The program, for hints (literal filters, `args.x`). */
  program?: string;
  /** Whether the runner's kernel has kprobes (no kprobe_events in tracefs otherwise). */
  kprobes?: boolean;
  /** Whether bpftrace can attach kfunc (fentry) here; undefined when unknown. */
  kfunc?: boolean;
}

export interface Classification {
  status: RunStatus;
  message: string;
  hint?: string;
}

/** Lines bpftrace prints that say nothing about the member's program. */
export function dropNoise(stderr: string): string[] {
  const lines = stderr.split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) continue;
    if (/couldn't set RLIMIT_MEMLOCK/.test(line)) continue;
    if (/^(stdin:\S+: )?WARNING:/.test(line)) {
      // a located warning is followed by its source line and ~~~ underline
      if (/^stdin:/.test(line) && /^\s*~+\s*$/.test(lines[i + 2] ?? '')) i += 2;
      continue;
    }
    kept.push(line);
  }
  return kept;
}

/** The first `stdin:L:C: ERROR: ...` with its source line and caret, as bpftrace printed it. */
export function firstLocatedError(lines: string[]): { text: string; message: string } | null {
  const index = lines.findIndex((line) => /^stdin:\d+(:\d+(-\d+)?)?:\s*ERROR:/.test(line));
  if (index === -1) return null;
  const quoted = [lines[index]!];
  if (lines[index + 2] !== undefined && /^\s*~+\s*$/.test(lines[index + 2]!)) quoted.push(lines[index + 1]!, lines[index + 2]!);
  const message = lines[index]!.replace(/^stdin:\S+\s*ERROR:\s*/, '');
  return { text: quoted.join('\n'), message };
}

const RUNTIME_DENIALS = [/unsafe function being used in safe mode/, /\bis unsafe\b/, /Can't attach to \d+ probes because it exceeds/];
const UNSUPPORTED = [
  /create_probe_event: open\(.*kprobe_events\)/,
  /not available for your kernel version/,
  /Kernel does not support/i,
  /helper \S+ not supported/i,
  /Unable to find kernel headers/,
  /BTF (is )?not available|missing BTF|Could not load BTF|requires BTF/i,
  /kprobe_multi.*not supported/i,
];
/** Tracepoints that exist on other kernels/architectures; not finding them is not a typo. */
const KNOWN_ELSEWHERE = /tracepoint not found: syscalls:sys_(enter|exit)_(open|stat|lstat|fork|vfork|creat|access|pipe|poll|select|dup2|epoll_wait|alarm|pause|time|getpgrp|unlink|mkdir|rmdir|rename|chmod|chown|readlink|symlink|link|utimes|futimesat|inotify_init|eventfd|signalfd|uselib|ustat|sysfs)\b/;
const ARGS_DOT = /Can not access field .* Try dereferencing it first, or using '->'/;
const ATTACH_FAILED = [/Error attaching probe/, /Could not resolve symbol/, /is not traceable/];
const RUNNER_FAULT = [/Missing CAP_BPF/, /Permission denied/, /Operation not permitted/, /must be run as root/i, /failed to initialize BPF/i];

export function classifyRun(run: RunEvidence): Classification {
  if (run.spawnError) {
    return { status: 'runner-error', message: `bpftrace를 실행하지 못했습니다 (could not start bpftrace): ${run.spawnError}` };
  }
  const lines = dropNoise(run.stderr);
  const all = lines.join('\n');
  const located = firstLocatedError(lines);
  const quote = located?.text ?? lastLines(lines);
  const versionHint = run.program && /\bargs\.\w/.test(run.program)
    ? '`args.x` 문법은 bpftrace 0.19 이상입니다. 이 러너에서는 `args->x`로 써 주세요 (args.x needs bpftrace 0.19+; use args->x here).'
    : undefined;

  if (RUNTIME_DENIALS.some((re) => re.test(all))) {
    return { status: 'denied', message: quote };
  }
  const kprobeWithoutKernelSupport = run.kprobes === false && /Error attaching probe: '?k(ret)?probe:/.test(all);
  if (UNSUPPORTED.some((re) => re.test(all)) || kprobeWithoutKernelSupport) {
    return {
      status: 'unsupported',
      message: kprobeWithoutKernelSupport || /kprobe_events/.test(all)
        ? `이 러너의 커널에는 kprobe가 없습니다 (this runner's kernel has no kprobes).\n${quote}`
        : quote,
      hint: /kprobe/.test(all) ? kprobeAlternativeHint(run.kfunc) : undefined,
    };
  }
  if (/perf_event_open failed: No such file or directory/.test(all) && /Error attaching probe: '?hardware:/.test(all)) {
    return { status: 'unsupported', message: `이 러너(VM)에는 하드웨어 성능 카운터가 없습니다 (no PMU on this runner).\n${quote}` };
  }
  if (ARGS_DOT.test(all) && versionHint) {
    return { status: 'unsupported', message: quote, hint: versionHint };
  }
  if (KNOWN_ELSEWHERE.test(all)) {
    return { status: 'unsupported', message: `이 커널/아키텍처에는 없는 tracepoint입니다 (not on this kernel/architecture).\n${quote}` };
  }
  if (located || /Error loading program/.test(all)) {
    return { status: 'error', message: quote, hint: versionHint };
  }
  if (RUNNER_FAULT.some((re) => re.test(all))) {
    return { status: 'runner-error', message: `러너 권한 문제입니다 (the runner lacks privileges).\n${quote}` };
  }
  if (ATTACH_FAILED.some((re) => re.test(all))) {
    return { status: 'attach-failed', message: quote };
  }
  if (!run.markerSeen && run.attachTimedOut) {
    return { status: 'timeout', message: 'probe attach가 제한 시간 안에 끝나지 않았습니다 (probes did not attach in time).' };
  }
  if (run.killed) {
    return { status: 'timeout', message: 'SIGINT 후에도 끝나지 않아 강제 종료했습니다 (did not exit after SIGINT; killed).' };
  }
  const cleanExit = run.exitCode === 0 || (run.stoppedByUs && run.signal === 'SIGINT');
  if (run.events > 0 && (cleanExit || run.markerSeen)) {
    return { status: 'ok', message: `이벤트 ${run.events}개를 받았습니다 (${run.events} events).` };
  }
  if (run.markerSeen && cleanExit) {
    return { status: 'no-events', message: 'probe는 붙었지만 이벤트가 없었습니다 (attached, but no events).', hint: noEventsHint(run.program) };
  }
  if (run.exitCode !== 0) {
    return { status: 'error', message: quote || `bpftrace가 종료 코드 ${run.exitCode ?? run.signal}로 끝났습니다 (exit ${run.exitCode ?? run.signal}).`, hint: versionHint };
  }
  return { status: 'no-events', message: '출력 없이 끝났습니다 (exited without output).', hint: noEventsHint(run.program) };
}

/**
 * What to use instead of a kprobe on a runner without kprobes: kfunc only where this runner
 * can attach it (a hint that sends the member to another failure is worse than none).
 */
export function kprobeAlternativeHint(kfunc: boolean | undefined): string {
  return kfunc
    ? 'tracepoint나 fentry(kfunc)로 바꾸면 이 러너에서도 확인할 수 있습니다 (try a tracepoint or kfunc instead).'
    : '같은 지점의 tracepoint로 바꾸면 이 러너에서도 확인할 수 있습니다 — `bpftrace -l \'tracepoint:*\'`로 찾아보세요 (try a tracepoint instead; this runner cannot attach kfunc either).';
}

function lastLines(lines: string[]): string {
  return lines.slice(-6).join('\n');
}

/** A filter on a fixed pid/comm/uid cannot match the runner's processes. */
export function noEventsHint(program: string | undefined): string | undefined {
  if (!program) return undefined;
  const literal = /\b(pid|tid|uid|gid|comm|cgroup)\s*==\s*("[^"]*"|\d+)|("[^"]*"|(?<!\d)\d+)\s*==\s*(pid|tid|uid|gid|comm)\b/.exec(program);
  if (literal) {
    return `${literal[0]} 처럼 고정된 값으로 거르면 러너의 프로세스와 맞지 않습니다. 필터를 빼거나 러너의 워크로드(comm "studybot-load")로 확인해 보세요 ` +
      `(a literal ${literal[1] ?? literal[4]} filter matches nothing on the runner).`;
  }
  if (/\b(block|bio|blk)\w*:/.test(program) || /tracepoint:block:/.test(program)) {
    return '블록 I/O는 러너의 워크로드가 만들지 않습니다 (the runner\'s workload does no block I/O).';
  }
  return undefined;
}
