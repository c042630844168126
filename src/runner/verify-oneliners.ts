import os from 'node:os';
import type { OneLiner } from '../oneliners/types.js';
import { bccSmokeArgv, findBccTool } from './bcc-tools.js';
import { classifyRun, dropNoise } from './classify.js';
import { DEFAULT_EXEC_LIMITS, TracedProcess, type ExecLimits, type RawRun } from './execute.js';
import { checkPolicy, checkWildcardCounts, type Isolation, type PolicyDecision } from './policy.js';
import { countWildcardMatches } from './probe-count.js';
import { redactSecrets } from './redact.js';
import { TEXT_CAPS } from '../text/shown-text.js';
import type { RunStatus, VerifyReport, VerifyResult } from './report-schema.js';
import { getRunnerInfo, type RunnerInfo } from './runner-info.js';
import { getSandbox, sandboxArgv, type Sandbox } from './sandbox.js';
import { prepareWorkload } from './workload.js';

export interface VerifyOptions {
  /** Probes must be attached within this, ms (compiling 5 programs on 2 cores takes ~1 s). */
  attachTimeoutMs?: number;
  /** Longest a one-liner runs after the workload starts, ms. */
  windowMs?: number;
  /**
   * Stop a one-liner as soon as the workload is done and it has shown events (default true).
   * false: every one-liner runs the full window, as a fixed-window runner would.
   */
  earlyStop?: boolean;
  /** After the workload, wait this long for late events before stopping, ms. */
  settleMs?: number;
  /**
   * How many bpftrace processes compile at once (default 2 × os.availableParallelism()).
   * bpftrace 0.17's compile+attach spends much of its ~0.5 s waiting on the kernel (BTF,
   * verifier, perf_event_open), so one per core leaves the CPU idle: measured here with
   * the five orientation one-liners under load, 1 per core took 2.7-2.9 s, 5 at once 2.1 s.
   */
  parallelism?: number;
  /** At most this many attached side by side; more one-liners run in batches. */
  batchSize?: number;
  limits?: Partial<ExecLimits>;
  runnerInfo?: RunnerInfo;
  /** The activity one-liners trace; the built-in workload by default. */
  workload?: () => Promise<void>;
  /** Markdown file the one-liners came from, copied into the report. */
  file?: string;
  /**
   * The private mount namespace each process runs in (sandbox.ts): probed once by default;
   * null runs without it.
   */
  sandbox?: Sandbox | null;
  /**
   * Where these one-liners run, which decides the policy (policy.ts): 'host' (default) is
   * strict; 'vm' (the guest agent inside a throwaway VM) keeps only the limits that protect
   * the VM's availability and the reply.
   */
  isolation?: Isolation;
  /**
   * Told when a step of the run is reached (the guest agent times a request's steps with it,
   * for `STUDY_BOT_VM_TRACE`: docs/vm-warm-pool.md).
   */
  trace?: (step: string) => void;
  /** Kills what runs at once when aborted (the guest's warm-up, when a request comes). */
  signal?: AbortSignal;
}

interface Planned {
  oneLiner: OneLiner;
  decision: PolicyDecision;
}

/**
 * Runs one-liners side by side on this machine and reports each one's status.
 * They share ONE workload, started once all of a batch have attached (or the attach limit
 * passed); each stops early once the workload is over and it has shown events, or when
 * its own interval needs it to run longer. The policy is applied here, whatever the caller
 * checked before.
 */
export async function verifyOneLiners(oneLiners: OneLiner[], opts: VerifyOptions = {}): Promise<VerifyReport> {
  const startedAt = Date.now();
  const info = opts.runnerInfo ?? (await getRunnerInfo());
  const sandbox = opts.sandbox === undefined ? await getSandbox() : opts.sandbox;
  const planned = await Promise.all(oneLiners.map(async (oneLiner) => plan(oneLiner, info, opts.isolation ?? 'host')));
  opts.trace?.('planned');
  const results: VerifyResult[] = new Array(planned.length);

  const runnable: number[] = [];
  planned.forEach(({ oneLiner, decision }, index) => {
    if (!decision.ok) results[index] = deniedResult(oneLiner, decision);
    else if (!info.bpftrace && oneLiner.kind !== 'bcc-tool') {
      results[index] = baseResult(oneLiner, 'runner-error', 'bpftrace가 이 러너에 설치되어 있지 않습니다 (bpftrace is not installed).', 0);
    } else runnable.push(index);
  });

  const batchSize = Math.max(1, opts.batchSize ?? 16);
  for (let i = 0; i < runnable.length && !opts.signal?.aborted; i += batchSize) {
    const batch = runnable.slice(i, i + batchSize);
    const batchResults = await runBatch(batch.map((index) => planned[index]!), info, opts, sandbox);
    batch.forEach((index, k) => (results[index] = batchResults[k]!));
  }
  return {
    runner: { kernel: info.kernel, bpftrace: info.bpftrace, btf: info.btf, kprobes: info.kprobes, arch: info.arch },
    ...(opts.file ? { file: opts.file } : {}),
    results,
    durationMs: Date.now() - startedAt,
  };
}

async function plan(oneLiner: OneLiner, info: RunnerInfo, isolation: Isolation): Promise<Planned> {
  let decision = checkPolicy(oneLiner, { isolation });
  if (decision.ok && decision.wildcards.length > 0) {
    const counts = await countWildcardMatches(decision.wildcards, info);
    decision = checkWildcardCounts(counts, decision.fixedProbes, { isolation }) ?? decision;
  }
  return { oneLiner, decision };
}

interface Launch {
  planned: Planned & { decision: Extract<PolicyDecision, { ok: true }> };
  process: TracedProcess | null;
  /** A result decided without running (bcc tool missing). */
  settled: VerifyResult | null;
  startedAt: number;
}

async function runBatch(batch: Planned[], info: RunnerInfo, opts: VerifyOptions, sandbox: Sandbox | null): Promise<VerifyResult[]> {
  const limits: ExecLimits = { ...DEFAULT_EXEC_LIMITS, ...opts.limits };
  const attachTimeoutMs = opts.attachTimeoutMs ?? 10_000;
  const windowMs = opts.windowMs ?? 5_000;
  const settleMs = opts.settleMs ?? 100;
  const earlyStop = opts.earlyStop ?? true;
  const workload = opts.workload ? { start: opts.workload, cancel: () => {} } : prepareWorkload();
  opts.trace?.('workload-spawned');
  const all: TracedProcess[] = [];
  const abort = () => {
    workload.cancel();
    for (const process of all) process.kill();
  };
  opts.signal?.addEventListener('abort', abort, { once: true });
  if (opts.signal?.aborted) abort();
  const compileSlots = new Semaphore(Math.max(1, opts.parallelism ?? 2 * os.availableParallelism()));

  // Start everything, but let only `parallelism` processes compile at once: compiling is the
  // CPU-bound part; an attached bpftrace sleeps until events come.
  const launches: Launch[] = await Promise.all(batch.map(async (planned) => {
    const okPlanned = planned as Launch['planned'];
    await compileSlots.acquire();
    const launch = launchOne(okPlanned, windowMs, limits, sandbox);
    if (launch.process) all.push(launch.process);
    if (opts.signal?.aborted) launch.process?.kill();
    opts.trace?.('spawn');
    if (!launch.process) compileSlots.release();
    else void withTimeout(launch.process.attached, attachTimeoutMs).finally(() => compileSlots.release());
    return launch;
  }));

  const trace = opts.trace ?? (() => {});
  trace('spawned');
  const running = launches.filter((l) => l.process) as (Launch & { process: TracedProcess })[];
  const attachDeadline = Date.now() + attachTimeoutMs;
  const attachOutcomes = await Promise.all(running.map((l) => withTimeout(l.process.attached, Math.max(0, attachDeadline - Date.now()))));
  trace('attached');
  const attachTimedOut = new Set<TracedProcess>();
  running.forEach((l, k) => {
    if (attachOutcomes[k] === 'timeout') {
      attachTimedOut.add(l.process);
      l.process.stop();
    }
  });

  // One workload for everyone that attached and still runs.
  const live = running.filter((l) => l.process.isRunning && !attachTimedOut.has(l.process) && l.planned.oneLiner.kind !== 'bpftrace-list');
  const workloadStart = Date.now();
  if (live.length === 0) workload.cancel();
  const workloadDone = live.length > 0 ? workload.start().catch(() => {}) : Promise.resolve();

  // Everyone gets SIGINT at the end of the window at the latest.
  const windowTimer = setTimeout(() => live.forEach((l) => l.process.stop()), windowMs);
  if (earlyStop) {
    await workloadDone;
    trace('workload-done');
    await sleep(settleMs);
    for (const l of live) {
      // interval:s:N programs get their first tick before they are judged
      const needed = Math.min(l.planned.decision.longestPeriodMs + 250, windowMs);
      const ranFor = Date.now() - workloadStart;
      if (l.process.eventCount > 0 || ranFor >= needed) l.process.stop();
      else {
        const stopAfter = needed - ranFor;
        const timer = setTimeout(() => l.process.stop(), stopAfter);
        l.process.onEvent(() => {
          clearTimeout(timer);
          l.process.stop();
        });
        void l.process.finished.then(() => clearTimeout(timer));
      }
    }
  }
  trace('stopping');
  const finished = await Promise.all(launches.map(async (l) => (l.process ? l.process.finished : null)));
  trace('exited');
  clearTimeout(windowTimer);
  opts.signal?.removeEventListener('abort', abort);
  void workloadDone;

  return launches.map((l, k) => {
    if (l.settled) return l.settled;
    const raw = finished[k]!;
    const result = judge(l, raw, attachTimedOut.has(l.process!), info);
    return raw.attachMs === null ? result : { ...result, attachMs: raw.attachMs };
  });
}

function launchOne(planned: Launch['planned'], windowMs: number, limits: ExecLimits, sandbox: Sandbox | null): Launch {
  const { oneLiner, decision } = planned;
  const startedAt = Date.now();
  if (oneLiner.kind === 'bcc-tool') {
    const [name, ...args] = decision.argv as [string, ...string[]];
    const path = findBccTool(name);
    if (!path) {
      return { planned, process: null, startedAt, settled: baseResult(oneLiner, 'unsupported', `${name}: 이 러너에 설치되어 있지 않음 (not installed on this runner).`, 0) };
    }
    return { planned, process: new TracedProcess(sandboxArgv(bccSmokeArgv(path, args, windowMs / 1000), sandbox), 'bcc', limits), startedAt, settled: null };
  }
  const mode = oneLiner.kind === 'bpftrace-list' ? 'lines' : 'bpftrace-json';
  return { planned, process: new TracedProcess(sandboxArgv(decision.argv, sandbox), mode, limits), startedAt, settled: null };
}

function judge(launch: Launch, raw: RawRun, attachTimedOut: boolean, info: RunnerInfo): VerifyResult {
  const { oneLiner, decision } = launch.planned;
  const durationMs = raw.durationMs;
  if (oneLiner.kind === 'bpftrace-list') return judgeListing(oneLiner, raw);
  if (oneLiner.kind === 'bcc-tool') return judgeBccTool(oneLiner, raw);
  const programIndex = decision.argv.indexOf('-e');
  const program = programIndex === -1 ? undefined : decision.argv[programIndex + 1];
  const verdict = classifyRun({ ...raw, attachTimedOut, program, kprobes: info.kprobes, kfunc: info.kfunc });
  return {
    ...baseResult(oneLiner, verdict.status, redactSecrets(verdict.message, TEXT_CAPS.message), durationMs),
    events: raw.events,
    ...(verdict.hint ? { hint: verdict.hint } : {}),
    output: raw.output,
    ...(raw.truncated ? { truncated: true } : {}),
  };
}

function judgeListing(oneLiner: OneLiner, raw: RawRun): VerifyResult {
  if (raw.spawnError) return baseResult(oneLiner, 'runner-error', `bpftrace를 실행하지 못했습니다: ${raw.spawnError}`, raw.durationMs);
  const listed = raw.events;
  const problems = dropNoise(raw.stderr).filter((line) => !/^WARNING/.test(line));
  const status: RunStatus = listed > 0 ? 'ok' : problems.length > 0 && raw.exitCode !== 0 ? 'error' : 'no-events';
  const message = listed > 0
    ? `probe ${listed}개가 나열되었습니다 (${listed} probes listed).`
    : problems.length > 0 ? redactSecrets(problems.slice(-6).join('\n'), TEXT_CAPS.message) : '일치하는 probe가 없습니다 (no probe matches the pattern).';
  return { ...baseResult(oneLiner, status, message, raw.durationMs), events: listed, output: raw.output, ...(raw.truncated ? { truncated: true } : {}) };
}

function judgeBccTool(oneLiner: OneLiner, raw: RawRun): VerifyResult {
  const lines = dropNoise(raw.stderr);
  const stderr = redactSecrets(lines.slice(-6).join('\n'), TEXT_CAPS.message);
  // The first stdout line is the tool's header; an event is any line after it.
  const events = raw.events;
  const stopped = raw.exitCode === 124 || raw.exitCode === 0 || raw.stoppedByUs;
  let status: RunStatus;
  let message: string;
  if (raw.spawnError) [status, message] = ['runner-error', `도구를 실행하지 못했습니다 (could not start the tool): ${raw.spawnError}`];
  else if (/Unable to find kernel headers|not supported|Failed to compile BPF|No such file or directory.*\/lib\/modules/i.test(stderr)) {
    [status, message] = ['unsupported', `이 러너에서 bcc 도구를 컴파일할 수 없습니다 (cannot build bcc tools here).\n${stderr}`];
  } else if (events > 0 && stopped) [status, message] = ['ok', `출력 ${events}줄 (${events} lines after the header).`];
  else if (raw.markerSeen && stopped) [status, message] = ['no-events', '헤더 뒤에 출력이 없었습니다 (no line after the header).'];
  else if (raw.killed) [status, message] = ['timeout', '끝나지 않아 강제 종료했습니다 (killed).'];
  else [status, message] = ['error', stderr || `종료 코드 ${raw.exitCode ?? raw.signal} (exit ${raw.exitCode ?? raw.signal}).`];
  return { ...baseResult(oneLiner, status, message, raw.durationMs), events, output: raw.output, ...(raw.truncated ? { truncated: true } : {}) };
}

export function deniedResult(oneLiner: OneLiner, decision: Extract<PolicyDecision, { ok: false }>): VerifyResult {
  return { ...baseResult(oneLiner, 'denied', decision.message, 0), rule: decision.rule };
}

export function baseResult(oneLiner: OneLiner, status: RunStatus, message: string, durationMs: number): VerifyResult {
  return {
    line: oneLiner.line,
    endLine: oneLiner.endLine,
    heading: oneLiner.heading,
    command: oneLiner.command,
    kind: oneLiner.kind,
    status,
    events: 0,
    message,
    output: [],
    durationMs,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    void promise.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class Semaphore {
  private waiting: (() => void)[] = [];
  constructor(private available: number) {}
  async acquire(): Promise<void> {
    if (this.available > 0) {
      this.available--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.available++;
  }
}
