/**
 * The guest agent: runs inside the runner VM as root, on the VM's own kernel, with nothing of
 * the host mounted. Bundled into one file (guest-bundle.ts) and handed to the VM in its
 * initramfs. It gets ready first (probes bpftrace, which also pulls bpftrace and LLVM into the
 * page cache), then waits for one request on the serial line (serial-protocol.ts): the host
 * may freeze the guest right there and restore that snapshot for every later request. It
 * prints its report as one frame on the console and exits; /init then reboots and QEMU ends.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { getRunnerInfo, type RunnerInfo } from '../../runner-info.js';
import { verifyOneLiners } from '../../verify-oneliners.js';
import type { OneLiner } from '../../../oneliners/types.js';
import { checkProject, prepareProjectTools } from './check-project.js';
import { installIncludePathsShims } from './include-paths-shim.js';
import { encodeFrame } from '../result-frame.js';
import { MAX_REQUEST_LINE, READY_INTERVAL_MS, READY_MARKER, WARMED_MARKER, WARMUP_LINE } from '../serial-protocol.js';
import { readRequestLine, type VmRequest } from '../vm-request.js';

async function main(): Promise<unknown> {
  const info = await getReady();
  const request = await awaitRequest(info);
  // Where the request's time goes in here, ms after its line came (the host logs them with
  // STUDY_BOT_VM_TRACE; performance.now(), not the clock setClock moves).
  const arrived = performance.now();
  const steps: [string, number][] = [];
  const trace = (step: string) => void steps.push([step, Math.round(performance.now() - arrived)]);
  // The guest's clock against the host's time in the request, before it is set (a parked
  // guest's was seen 4-9 s off, so it is always set), and the line's own transit.
  steps.push(['lag', Date.now() - request.nowMs], ['line', requestLineMs]);
  armWatchdog(request.deadlineSeconds);
  await setClock(request.nowMs);
  trace('clock');
  // No mount-namespace sandbox in here: the VM is the boundary.
  const { graceMs, ...options } = request.options;
  const report = await verifyOneLiners(request.oneLiners, { ...options, ...(graceMs ? { limits: { graceMs } } : {}), runnerInfo: info, sandbox: null, isolation: 'vm', file: request.file, trace });
  const project = request.project ? await checkProject(request.project) : null;
  trace('answer');
  return { report, ...(project ? { project } : {}), steps };
}

/**
 * What the runner is, probed once before the snapshot, and one real compile and attach, so
 * the libraries bpftrace needs are in memory when a restored guest runs a member's programs.
 */
async function getReady(): Promise<RunnerInfo> {
  const info = await getRunnerInfo();
  if (info.bpftrace) {
    await installShims();
    await warmUp(info);
  }
  // This kernel's vmlinux.h and the project loader, made once, before the snapshot.
  await prepareProjectTools();
  fasterSerialInput();
  return info;
}

/**
 * The request comes over the emulated 16550 UART, and QEMU hands the guest at most what its
 * receive FIFO's trigger level asks for before an interrupt: Linux sets 8 bytes, so a 2 KiB
 * request line is ~250 interrupt round trips between QEMU's main loop and the guest. At the
 * FIFO's highest level (14 of its 16 bytes) it is ~40% fewer (the request's line then took
 * 175 ms at load 17: docs/vm-warm-pool.md). Set before the snapshot, so a restored guest has
 * it. Best effort: a kernel without the setting reads as before.
 */
function fasterSerialInput(): void {
  try {
    writeFileSync('/sys/class/tty/ttyS0/rx_trig_bytes', '14');
  } catch {
    // not a 16550A, or no such setting: the default trigger level
  }
}

/**
 * One program with a probe of each kind members use (tracepoint, kprobe, uprobe, interval,
 * BEGIN/END) and the things their one-liners do most (a tracepoint's `args->` fields, `str()`,
 * `printf` with `%d` and `%s`, a predicate, `if`, a map keyed by `comm`), compiled and
 * attached: LLVM's code and the kernel's paths for each are then in memory, and in a parked
 * guest (which runs it once more after its restore, serial-protocol.ts's WARMUP_LINE) they are
 * translated by QEMU too, for the request's bpftraces to reuse (qemu-argv.ts, `norandmaps`).
 * The tracepoint-only program is the fallback should a kind not attach on some kernel.
 */
const WARM_UP_PROGRAM =
  'tracepoint:syscalls:sys_enter_getpid { @t[comm] = count(); } kprobe:vfs_read { @k = count(); } ' +
  'tracepoint:syscalls:sys_enter_openat /pid == 1/ { if (args->flags == 1) { printf("%d %-6d %s %s\\n", pid, tid, comm, str(args->filename)); } } ' +
  'uprobe:/bin/bash:readline { @u = count(); } interval:ms:100 { exit(); } BEGIN { @b = 1; } END { clear(@b); }';
const FALLBACK_WARM_UP = 'tracepoint:syscalls:sys_enter_getpid { @[comm] = count(); } BEGIN { exit(); }';

/**
 * clang's answer to bpftrace's include-path question, kept in /usr/local/bin (first on the PATH
 * bpftrace runs with, empty in the image; a tmpfs here, so it is in the saved guest):
 * include-paths-shim.ts.
 */
async function installShims(): Promise<void> {
  if (await run('mount', ['-t', 'tmpfs', '-o', 'mode=0755,size=1m', 'study-bot-shims', '/usr/local/bin'], 10_000)) await installIncludePathsShims('/usr/local/bin');
}

/**
 * The warm-up program run the way a request's one-liners run (verifyOneLiners: bpftrace with
 * its marker, the workload, the early stop, the judging), not as a bare bpftrace: the agent's
 * own code on that path (execa, the workload's Node, the output's parsing) is then compiled by
 * V8 before the snapshot, and translated by QEMU in a parked guest, like LLVM's.
 */
async function warmUp(info: RunnerInfo, signal?: AbortSignal): Promise<void> {
  const attached = async (program: string) => {
    const oneLiner: OneLiner = { kind: 'bpftrace', line: 1, endLine: 1, heading: null, command: `bpftrace -e '${program}'`, argv: ['bpftrace', '-e', program], env: {}, shellSyntax: [] };
    const report = await verifyOneLiners([oneLiner], { runnerInfo: info, sandbox: null, isolation: 'vm', attachTimeoutMs: 60_000, ...(signal ? { signal } : {}) });
    return report.results[0]?.attachMs !== undefined;
  };
  if (!(await attached(WARM_UP_PROGRAM)) && !signal?.aborted) await attached(FALLBACK_WARM_UP);
}

/** When the line being read began to arrive, and how long the request's line took to (STUDY_BOT_VM_TRACE). */
let lineBegan = 0;
let requestLineMs = 0;

/**
 * Says "ready" until the host sends a request line; the first one is the request. One the
 * schema refuses is answered at once with why (main's error frame), never waited out: the
 * host's VM slot would otherwise idle to its deadline. A warm-up line (a parked guest, before
 * any request) runs the warm-up again, says WARMED_MARKER, and goes on waiting.
 */
function awaitRequest(info: RunnerInfo): Promise<VmRequest> {
  return new Promise((resolve, reject) => {
    let pending = '';
    let warming: Promise<void> | null = null;
    // A request that comes during the warm-up stops it (the host sends one then only when a
    // request took this guest while it warmed: launch-vm.ts's `taken`).
    let stopWarming: AbortController | null = null;
    // The serial line as the agent's stdin: raw (no echo of the request back to the host, no
    // 4 KiB line limit of the tty's line editing, no signal characters). Set before the first
    // "ready", so the host never writes to a line still in its default mode.
    if (process.stdin.isTTY) process.stdin.setRawMode(true);
    const say = () => process.stdout.write(`${READY_MARKER}\n`);
    say();
    let heartbeat: NodeJS.Timeout | null = setInterval(say, READY_INTERVAL_MS);
    const stopHeartbeat = () => {
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = null;
    };
    const onData = (chunk: Buffer) => {
      if (pending === '') lineBegan = performance.now();
      pending += chunk.toString('latin1');
      let newline = pending.search(/[\r\n]/);
      while (newline !== -1) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line === WARMUP_LINE.trim() && !warming) {
          stopHeartbeat();
          stopWarming = new AbortController();
          warming = warmUp(info, stopWarming.signal).finally(() => {
            process.stdout.write(`${WARMED_MARKER}\n`);
            warming = null;
          });
        }
        const read = readRequestLine(line);
        if (read.kind !== 'not-a-request') {
          requestLineMs = Math.round(performance.now() - lineBegan);
          stopHeartbeat();
          process.stdin.off('data', onData);
          process.stdin.pause();
          stopWarming?.abort();
          if (read.kind === 'request') void (warming ?? Promise.resolve()).then(() => resolve(read.request));
          else reject(new Error(read.why));
          return;
        }
        newline = pending.search(/[\r\n]/);
      }
      if (pending.length > MAX_REQUEST_LINE) pending = '';
    };
    process.stdin.on('data', onData);
  });
}

/** Reboots the guest (so QEMU ends, -no-reboot) at the deadline, whatever else happens. */
function armWatchdog(seconds: number): void {
  setTimeout(() => {
    try {
      writeFileSync('/proc/sysrq-trigger', 'b');
    } catch {
      process.exit(1);
    }
  }, seconds * 1000).unref();
}

/** The host's time, so `time()` and `strftime()` in a one-liner print today, not the snapshot's day. */
async function setClock(nowMs: number): Promise<void> {
  await run('date', ['-u', '-s', `@${Math.floor(nowMs / 1000)}`], 10_000);
}

/** Runs a command (killed when `signal` aborts); resolves whether it succeeded. */
function run(file: string, args: string[], timeout: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, ...(signal ? { signal, killSignal: 'SIGKILL' as const } : {}) }, (error) => resolve(!error));
  });
}

/**
 * The answer, then the guest's end. Once the serial port has sent every byte of the frame
 * (the UART's transmit count, /proc/tty/driver/serial), the guest reboots at once (sysrq) and
 * QEMU ends: the normal way out (Node's exit, /init, `reboot -f` and the kernel's shutdown of
 * its devices) took another 0.6-1.2 s under emulation, with nothing left to say. A count that
 * cannot be read, or does not get there within 3 s, leaves the normal way.
 */
async function answerAndEnd(frame: string): Promise<void> {
  const before = transmitted();
  process.stdout.write(frame);
  if (before === null) return;
  // The line's output processing sends each \n as \r\n (libuv's raw mode keeps ONLCR).
  const bytes = Buffer.byteLength(frame) + (frame.match(/\n/g)?.length ?? 0);
  const until = performance.now() + 3_000;
  while (performance.now() < until) {
    const now = transmitted();
    if (now === null) return;
    if (now - before >= bytes) {
      try {
        writeFileSync('/proc/sysrq-trigger', 'b');
      } catch {
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Bytes the first serial port has sent since boot (the driver's count), or null. */
function transmitted(): number | null {
  try {
    const count = /^0: .*\btx:(\d+)/m.exec(readFileSync('/proc/tty/driver/serial', 'latin1'))?.[1];
    return count === undefined ? null : Number(count);
  } catch {
    return null;
  }
}

main()
  .catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }))
  .then((answer) => {
    let frame: string;
    try {
      frame = encodeFrame(answer);
    } catch (error) {
      frame = encodeFrame({ error: error instanceof Error ? error.message : String(error) });
    }
    return answerAndEnd(frame);
  })
  .finally(() => process.exit(0));
