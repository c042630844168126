import os from 'node:os';
import { execa, type ResultPromise } from 'execa';
import { redactSecrets } from './redact.js';
import { renderRecord, repairBpftraceJson } from './render-events.js';
import { SAFE_PATH } from './runner-info.js';

/**
 * One bpftrace (or bcc tool) process, run the way bpftrace's own test engine does: argv array,
 * never a shell; its own process group; an empty environment except PATH and pinned limits;
 * `__BPFTRACE_NOTIFY_PROBES_ATTACHED` to know when probes are live; SIGINT to stop (so maps
 * print), then SIGKILL for the whole group after a grace period. Output is capped and
 * redacted as it is read.
 */
export const ATTACH_MARKER = '__BPFTRACE_NOTIFY_PROBES_ATTACHED';

/** Pinned through the environment: it overrides anything a program could configure. */
export const PINNED_ENV = {
  BPFTRACE_MAX_PROBES: '256',
  BPFTRACE_MAX_BPF_PROGS: '256',
  BPFTRACE_STRLEN: '64',
  BPFTRACE_PERF_RB_PAGES: '64',
  [ATTACH_MARKER]: '1',
} as const;

const SIGINT_AFTER_ATTACH_MS = 50;
const SIGINT_REPEAT_MS = 300;

export interface ExecLimits {
  /** Kept lines of output for the report. */
  maxOutputLines: number;
  /** Kept bytes of output for the report. */
  maxOutputBytes: number;
  /** Stop the process once it has written this many bytes (a flood of events). */
  maxStreamBytes: number;
  /** Kept bytes of stderr for classification. */
  maxStderrBytes: number;
  /** After SIGINT, how long before SIGKILL. */
  graceMs: number;
}

export const DEFAULT_EXEC_LIMITS: ExecLimits = {
  maxOutputLines: 30,
  maxOutputBytes: 8 * 1024,
  maxStreamBytes: 1024 * 1024,
  maxStderrBytes: 64 * 1024,
  graceMs: 2000,
};

export interface RawRun {
  exitCode: number | null;
  signal: string | null;
  markerSeen: boolean;
  events: number;
  output: string[];
  truncated: boolean;
  stderr: string;
  /** SIGINT was sent by us (window over, events seen, flood). */
  stoppedByUs: boolean;
  /** Still alive after SIGINT + grace: SIGKILLed. */
  killed: boolean;
  /** The process could not start at all (ENOENT, EACCES...). */
  spawnError: string | null;
  durationMs: number;
  /** From the start to the attach marker (compile + attach), ms; null when it never attached. */
  attachMs: number | null;
}

export type OutputMode =
  /** bpftrace -f json: JSON records, marker on stderr (0.17-0.22) or stdout (0.23+). */
  | 'bpftrace-json'
  /** bpftrace -l: one probe per line. */
  | 'lines'
  /** a bcc tool: the first line is its header (printed once attached), then one event per line. */
  | 'bcc';

export class TracedProcess {
  readonly finished: Promise<RawRun>;
  /** Resolves when probes are attached, or the process ended first. */
  readonly attached: Promise<'attached' | 'exited'>;
  private readonly child: ResultPromise | null;
  private readonly startedAt = Date.now();
  private resolveAttached!: (value: 'attached' | 'exited') => void;
  private eventListeners: (() => void)[] = [];
  private markerSeen = false;
  private events = 0;
  private output: string[] = [];
  private outputBytes = 0;
  private truncated = false;
  private streamBytes = 0;
  private stderr = '';
  private stoppedByUs = false;
  private killed = false;
  private exited = false;
  private killTimer: NodeJS.Timeout | null = null;
  private interruptTimer: NodeJS.Timeout | null = null;
  private attachedAt: number | null = null;
  private headerSeen = false;

  constructor(
    argv: string[],
    private readonly mode: OutputMode,
    private readonly limits: ExecLimits = DEFAULT_EXEC_LIMITS,
  ) {
    this.attached = new Promise((resolve) => (this.resolveAttached = resolve));
    const [file, ...args] = argv as [string, ...string[]];
    let spawnError: string | null = null;
    try {
      this.child = execa(file, args, {
        env: { PATH: SAFE_PATH, ...PINNED_ENV },
        extendEnv: false,
        shell: false,
        detached: true, // own process group: SIGKILL reaches anything it started
        cwd: os.tmpdir(),
        stdin: 'ignore',
        buffer: false,
        reject: false,
        stripFinalNewline: false,
      });
    } catch (error) {
      this.child = null;
      spawnError = error instanceof Error ? error.message : String(error);
    }
    this.finished = this.watch(spawnError);
  }

  get eventCount(): number {
    return this.events;
  }

  get isRunning(): boolean {
    return !this.exited;
  }

  onEvent(listener: () => void): void {
    this.eventListeners.push(listener);
  }

  /**
   * SIGINT the group (bpftrace prints its maps), SIGKILL it after the grace period.
   * bpftrace 0.17 prints the attach marker a moment before it installs its SIGINT handler and
   * ignores a SIGINT that arrives in between (seen here: killed after the grace period), so
   * the first SIGINT waits until 50 ms after the marker and is repeated until it exits.
   */
  stop(): void {
    if (this.exited || this.stoppedByUs || !this.child?.pid) return;
    this.stoppedByUs = true;
    const sinceAttach = this.attachedAt === null ? Infinity : Date.now() - this.attachedAt;
    const firstDelay = Math.max(0, SIGINT_AFTER_ATTACH_MS - sinceAttach);
    const interrupt = () => {
      if (this.exited) return;
      this.signalGroup('SIGINT');
      this.interruptTimer = setTimeout(interrupt, SIGINT_REPEAT_MS);
    };
    this.interruptTimer = setTimeout(interrupt, firstDelay);
    this.killTimer = setTimeout(() => {
      if (this.exited) return;
      this.killed = true;
      this.signalGroup('SIGKILL');
    }, firstDelay + this.limits.graceMs);
  }

  /** Immediately SIGKILL the group (runner shutting down). */
  kill(): void {
    if (this.exited || !this.child?.pid) return;
    this.killed = true;
    this.signalGroup('SIGKILL');
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (!pid) return;
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
  }

  private async watch(spawnError: string | null): Promise<RawRun> {
    const child = this.child;
    if (child) {
      const stdout = lineSplitter((line) => this.onStdoutLine(line), (n) => this.countStream(n));
      const stderr = lineSplitter((line) => this.onStderrLine(line), () => {});
      child.stdout?.on('data', stdout.push).on('end', stdout.flush);
      child.stderr?.on('data', stderr.push).on('end', stderr.flush);
    }
    let exitCode: number | null = null;
    let signal: string | null = null;
    if (child) {
      const result = await child;
      exitCode = result.exitCode ?? null;
      signal = result.signal ?? null;
      if (result.failed && result.exitCode === undefined && !result.signal) {
        spawnError = result.shortMessage ?? 'the process could not start';
      }
    }
    this.exited = true;
    if (this.killTimer) clearTimeout(this.killTimer);
    if (this.interruptTimer) clearTimeout(this.interruptTimer);
    // The group may still hold children (a bcc tool's python); nothing of ours may outlive us.
    this.signalGroup('SIGKILL');
    this.resolveAttached('exited');
    return {
      exitCode,
      signal,
      markerSeen: this.markerSeen,
      events: this.events,
      output: this.output,
      truncated: this.truncated,
      stderr: this.stderr,
      stoppedByUs: this.stoppedByUs,
      killed: this.killed,
      spawnError,
      durationMs: Date.now() - this.startedAt,
      attachMs: this.attachedAt === null ? null : this.attachedAt - this.startedAt,
    };
  }

  private countStream(bytes: number): void {
    this.streamBytes += bytes;
    if (this.streamBytes > this.limits.maxStreamBytes) {
      this.truncated = true;
      this.stop();
    }
  }

  private onStdoutLine(line: string): void {
    const trimmed = line.trim();
    if (!trimmed) return;
    if (trimmed === ATTACH_MARKER) return this.markAttached();
    if (this.mode === 'bcc' && !this.headerSeen) {
      this.headerSeen = true;
      this.keep([line]);
      return this.markAttached();
    }
    if (this.mode === 'bpftrace-json' && trimmed.startsWith('{')) {
      let record: unknown;
      try {
        record = JSON.parse(repairBpftraceJson(trimmed));
      } catch {
        record = undefined;
      }
      if (record !== undefined) {
        const rendered = renderRecord(record);
        this.keep(rendered.lines);
        return this.addEvents(rendered.events);
      }
    }
    this.keep([line]);
    this.addEvents(1);
  }

  private onStderrLine(line: string): void {
    if (line.trim() === ATTACH_MARKER) return this.markAttached();
    if (this.stderr.length < this.limits.maxStderrBytes) this.stderr += `${line}\n`;
  }

  private markAttached(): void {
    this.markerSeen = true;
    this.attachedAt ??= Date.now();
    this.resolveAttached('attached');
  }

  private addEvents(count: number): void {
    if (count <= 0) return;
    this.events += count;
    for (const listener of this.eventListeners) listener();
  }

  private keep(lines: string[]): void {
    for (const raw of lines) {
      if (this.output.length >= this.limits.maxOutputLines || this.outputBytes >= this.limits.maxOutputBytes) {
        this.truncated = true;
        return;
      }
      const line = redactSecrets(raw.length > 500 ? `${raw.slice(0, 500)}…` : raw);
      this.output.push(line);
      this.outputBytes += Buffer.byteLength(line) + 1;
    }
  }
}

/** Splits a byte stream into lines (a line may span chunks); the tail is flushed on end. */
function lineSplitter(onLine: (line: string) => void, onBytes: (n: number) => void) {
  let carry = '';
  const decoder = new TextDecoder();
  const push = (chunk: Buffer | string) => {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    onBytes(typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length);
    const parts = (carry + text).split('\n');
    carry = parts.pop() ?? '';
    // A single line longer than 64 KiB is cut rather than buffered without end.
    if (carry.length > 64 * 1024) {
      parts.push(carry);
      carry = '';
    }
    for (const part of parts) onLine(part.replace(/\r$/, ''));
  };
  const flush = () => {
    if (carry) onLine(carry);
    carry = '';
  };
  return { push, flush };
}
