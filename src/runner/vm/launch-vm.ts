import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Duplex } from 'node:stream';
import { QEMU_BINARY, qemuArgv, type QemuSpec } from './qemu-argv.js';
import { consoleOutsideFrame, decodeFrame, FRAME_BEGIN, FRAME_END, type FrameRead } from './result-frame.js';
import { READY_MARKER, WARMED_MARKER, withoutHeartbeats } from './serial-protocol.js';
import { closeFdsArgv, jailArgv, type JailPaths } from './qemu-jail.js';
import type { VmUser } from './vm-user.js';
import { nicedArgv, processTree, reniceTree } from './vm-priority.js';

/**
 * QEMU in bubblewrap, seeing only the spec's files and these folders (the snapshot boot's socket
 * folder); null for no jail.
 */
export type Jail = { writable?: string[] } | null;

export interface LaunchOptions {
  spec: QemuSpec;
  /** QEMU is killed (SIGKILL) after this long, whatever the guest is doing. */
  deadlineMs: number;
  /** QEMU is killed if the agent has not said it is ready by then (a restored snapshot that hangs). */
  readyWithinMs?: number;
  /** The console is read up to this many bytes; a guest that writes more is killed. */
  maxConsoleBytes?: number;
  user: VmUser | null;
  /** Another QEMU build (tests point it at a missing one). */
  qemuBinary?: string;
  /** Called once, when the guest first writes to its console (QEMU has read its files by then). */
  onFirstOutput?: () => void;
  /** Sent to the guest's serial line once, when the agent first says it is ready (serial-protocol.ts). */
  request?: string;
  /**
   * QEMU's descriptor 3: an open file (the saved guest it restores, spec.incomingFd = 3) or
   * 'pipe', a socket pair whose other end onReady gets (the snapshot boot's monitor).
   */
  fd3?: number | 'pipe';
  /** Called once, when the agent first says it is ready (snapshot.ts saves the guest then). */
  onReady?: (fd3: Duplex | null) => void;
  /** QEMU in bubblewrap (qemu-jail.ts); null (or left out) without a jail. */
  jail?: Jail;
  /**
   * A guest parked at READY for a request that does not exist yet (warm-pool.ts): no request
   * is sent when the agent first says it is ready, the deadline does not run, and what the
   * console says meanwhile (heartbeats) is dropped. When `request` resolves, its line is sent
   * and the deadline starts; when it resolves null, QEMU is killed.
   */
  park?: Promise<{ line: string; deadlineMs: number } | null>;
  /**
   * With `park`: sent when the agent first says it is ready; the guest then counts as ready
   * (onReady, a request sent) only once it says WARMED_MARKER (serial-protocol.ts).
   */
  warmUp?: string;
  /**
   * QEMU started at this `nice` (vm-priority.ts: a warm pool's guest, started ahead of time),
   * and set back to the normal priority, every thread, when `until` resolves (a request took it).
   */
  nice?: { value: number; until: Promise<unknown> };
  /**
   * With `park` and `warmUp`: resolves when a request takes the guest. One taken before its
   * restore is over skips the warm-up; one taken during its warm-up counts as ready at once
   * and is sent its request without waiting for WARMED_MARKER: the agent stops its warm-up
   * for it (a request behind a refill then waits for the restore only).
   */
  taken?: Promise<unknown>;
}

export interface LaunchResult {
  frame: FrameRead;
  /** The end of what the console showed outside the frame, for a message when there is no frame. */
  consoleTail: string;
  /** QEMU's own complaints (bad options, a missing file, KVM failures). */
  qemuErrors: string;
  exitCode: number | null;
  /** The agent said it was ready (so QEMU booted or restored the guest). */
  readySeen: boolean;
  /** ms from QEMU's start until the agent first said it was ready (null: never). */
  readyAfterMs?: number | null;
  /** ms from the request's sending until QEMU ended (null: never sent). */
  requestMs?: number | null;
  /** ms from the request's sending until the console last showed a frame's end (null: never). */
  frameEndMs?: number | null;
  /** ms from the request's sending until the console first showed a frame's beginning (null: never). */
  frameBeginMs?: number | null;
  timedOut: boolean;
  overflowed: boolean;
  durationMs: number;
}

export const DEFAULT_MAX_CONSOLE_BYTES = 4 * 1024 * 1024;

/**
 * What the host makes of a guest's console once QEMU has ended: the answer's frame and the
 * tail around it. On the event loop, so it is linear in the console's bytes, which are capped
 * (`maxConsoleBytes`); bench/compromised-guest.ts times it on a full console.
 */
export function readConsole(chunks: readonly Buffer[], overflowed: boolean): Pick<LaunchResult, 'frame' | 'consoleTail'> {
  const text = Buffer.concat(chunks).toString('utf8');
  return {
    frame: overflowed ? { ok: false, reason: 'no-frame' } : decodeFrame(text),
    consoleTail: withoutHeartbeats(consoleOutsideFrame(text)).slice(-4000),
  };
}
const MAX_QEMU_STDERR = 16 * 1024;

/**
 * Boots one runner VM and waits for it to end. Everything the guest sends is data, read with
 * a byte cap; QEMU is SIGKILLed at the deadline or when the cap is passed. QEMU gets an
 * empty environment: nothing of study-bot's (tokens, keys) is in its memory to begin with.
 */
export function launchVm(opts: LaunchOptions): Promise<LaunchResult> {
  const startedAt = Date.now();
  const maxConsole = opts.maxConsoleBytes ?? DEFAULT_MAX_CONSOLE_BYTES;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let consoleBytes = 0;
    let stderr = '';
    let timedOut = false;
    let overflowed = false;
    let spawnError: string | null = null;
    const jail: JailPaths | null = opts.jail
      ? { readOnly: [opts.spec.kernel, opts.spec.initramfs, opts.spec.rootImage], writable: opts.jail.writable, kvm: opts.spec.accel === 'kvm' }
      : null;
    const [file, ...args] = nicedArgv(opts.nice?.value ?? 0, confinedArgv(opts.qemuBinary ?? QEMU_BINARY, qemuArgv(opts.spec), opts.user, jail, opts.fd3 === undefined ? [] : [3]));
    const child = spawn(file!, args, {
      stdio: ['pipe', 'pipe', 'pipe', ...(opts.fd3 === undefined ? [] : [opts.fd3])],
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
      cwd: '/',
    }) as ChildProcessWithoutNullStreams;
    let first = true;
    let readySeen = false;
    // The marker may be split across chunks: look in the last chunk and the end of the one before.
    let lastTail = '';
    child.stdin.on('error', () => {
      // QEMU gone before it read the request: its exit says why.
    });
    (child.stdio[3] as Duplex | null | undefined)?.on?.('error', () => {
      // The monitor's socket closes with QEMU: its exit says why.
    });
    const kill = () => {
      // The whole tree, not only the process spawned (bwrap): bwrap makes its PID namespace's
      // first process with a fork, and one killed in the instant before that process has set
      // its death signal (--die-with-parent) left it running, holding QEMU's console open, so
      // 'close' never came (seen once, a refill stopped right after it was spawned).
      const pids = child.pid === undefined ? [] : processTree(child.pid);
      for (const pid of pids.length > 0 ? pids : [child.pid]) {
        try {
          if (pid === child.pid) child.kill('SIGKILL');
          else process.kill(pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    };
    let readyAt: number | null = null;
    let sentAt: number | null = null;
    let frameAt: number | null = null;
    let frameTail = '';
    let frameBeganAt: number | null = null;
    const send = (line: string) => {
      sentAt = Date.now();
      child.stdin.write(line);
    };
    const onDeadline = () => {
      timedOut = true;
      kill();
    };
    let timer = opts.park ? null : setTimeout(onDeadline, opts.deadlineMs);
    // A parked guest's console until its request: heartbeats only, hours of them.
    let parked = opts.park !== undefined;
    let pendingLine: string | null = null;
    let warming = false;
    let closed = false;
    // Taken by a request before its warm-up was over (opts.taken).
    let cut = false;
    let readyCalled = false;
    const ready = () => {
      if (readyCalled) return;
      readyCalled = true;
      opts.onReady?.((child.stdio[3] as Duplex | null | undefined) ?? null);
    };
    void opts.taken?.then(() => {
      cut = true;
      if (readySeen && warming && !closed) ready();
    });
    let niced = (opts.nice?.value ?? 0) > 0;
    const normalPriority = () => {
      if (!niced || closed || child.pid === undefined) return;
      niced = false;
      reniceTree(child.pid, 0);
    };
    void opts.nice?.until.then(normalPriority);
    // The low nice reaches QEMU's session group only once bwrap has made it (vm-priority.ts):
    // looked for a few times in the first seconds.
    if (niced) {
      const lower = (delays: number[]) => {
        if (!niced || closed || child.pid === undefined || delays.length === 0) return;
        if (reniceTree(child.pid, opts.nice!.value) === 0) setTimeout(() => lower(delays.slice(1)), delays[0]).unref();
      };
      setTimeout(() => lower([100, 300, 1000, 3000]), 30).unref();
    }
    void opts.park?.then((taken) => {
      if (closed) return;
      if (!taken) return kill();
      parked = false;
      timer = setTimeout(onDeadline, taken.deadlineMs);
      if (readySeen && (!warming || cut)) send(taken.line);
      else pendingLine = taken.line;
    });
    const onReadyTimer = () => {
      if ((readySeen && !warming) || sentAt !== null) return;
      // A low-priority guest a busy host starved gets the normal priority and the same time again.
      if (niced) {
        normalPriority();
        readyTimer = setTimeout(onReadyTimer, opts.readyWithinMs);
        return;
      }
      timedOut = true;
      kill();
    };
    let readyTimer = opts.readyWithinMs === undefined ? null : setTimeout(onReadyTimer, opts.readyWithinMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (first) {
        first = false;
        opts.onFirstOutput?.();
      }
      if (!readySeen || warming) {
        const marker = warming ? WARMED_MARKER : READY_MARKER;
        const text = lastTail + chunk.toString('latin1');
        if (text.includes(marker)) {
          if (!readySeen) {
            readySeen = true;
            readyAt = Date.now();
          }
          if (!warming && opts.park && opts.warmUp !== undefined && !cut) {
            warming = true;
            child.stdin.write(opts.warmUp);
          } else {
            warming = false;
            if (opts.request !== undefined) send(opts.request);
            else if (pendingLine !== null && sentAt === null) send(pendingLine);
            ready();
          }
          lastTail = '';
        } else lastTail = text.slice(-marker.length);
      }
      if (overflowed || parked) return;
      consoleBytes += chunk.length;
      if (consoleBytes > maxConsole) {
        overflowed = true;
        kill();
        return;
      }
      chunks.push(chunk);
      // When the answer was there, to tell the guest's work from QEMU's exit (STUDY_BOT_VM_TRACE).
      if (sentAt !== null) {
        const text = frameTail + chunk.toString('latin1');
        if (frameBeganAt === null && text.includes(FRAME_BEGIN)) frameBeganAt = Date.now();
        if (text.includes(FRAME_END)) frameAt = Date.now();
        frameTail = text.slice(-FRAME_END.length);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_QEMU_STDERR) stderr += chunk.toString('utf8').slice(0, MAX_QEMU_STDERR - stderr.length);
    });
    child.on('error', (error) => {
      spawnError = error.message;
    });
    child.on('close', (code) => {
      closed = true;
      if (timer) clearTimeout(timer);
      if (readyTimer) clearTimeout(readyTimer);
      resolve({
        ...readConsole(chunks, overflowed),
        qemuErrors: spawnError ? `${spawnError}\n${stderr}`.trim() : stderr.trim(),
        exitCode: code,
        readySeen,
        readyAfterMs: readyAt === null ? null : readyAt - startedAt,
        requestMs: sentAt === null ? null : Date.now() - sentAt,
        frameEndMs: sentAt === null || frameAt === null ? null : frameAt - sentAt,
        frameBeginMs: sentAt === null || frameBeganAt === null ? null : frameBeganAt - sentAt,
        timedOut,
        overflowed,
        durationMs: Date.now() - startedAt,
      });
    });
  });
}

/**
 * QEMU's argv inside its confinement. First every inherited descriptor but 0-2 and `keepFds`
 * is closed (qemu-jail.ts, closeFdsArgv). `setpriv --pdeathsig KILL`: QEMU dies with this
 * process, so a crashed or restarted bot leaves no VM running; as root, the VM user's uid and
 * gid with no supplementary groups, and no new privileges. Around that, bubblewrap when there
 * is a jail (qemu-jail.ts: only /usr and the runner's files, new PID, network, IPC, UTS
 * namespaces, and for an unprivileged study-bot a user namespace with the VM's uid). The VM
 * driver never runs QEMU without a jail (verify-in-vm.ts); tests' stand-in QEMUs may.
 */
export function confinedArgv(qemu: string, argv: string[], user: VmUser | null, jail: JailPaths | null = null, keepFds: readonly number[] = []): string[] {
  const setpriv = ['setpriv', '--pdeathsig', 'KILL', '--no-new-privs'];
  // A mapped user is set by bwrap itself; inside its user namespace groups cannot be changed.
  const drop = user && !user.mapped ? [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups'] : [];
  const close = closeFdsArgv(keepFds);
  if (jail) return [...close, ...jailArgv(jail, user), ...setpriv, ...drop, '--', qemu, ...argv];
  if (!user || user.mapped) return [...close, ...setpriv, '--', qemu, ...argv];
  return [...close, 'unshare', '--net', '--ipc', '--uts', '--', ...setpriv, ...drop, '--', qemu, ...argv];
}
