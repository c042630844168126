/**
 * The guest agent: runs inside the runner VM as root, on the VM's own kernel, with nothing of
 * the host mounted. Bundled into one file (guest-bundle.ts) and handed to the VM in its
 * initramfs. It gets ready first (probes bpftrace, which also pulls bpftrace and LLVM into the
 * page cache), then waits for one request on the serial line (serial-protocol.ts): the host
 * may freeze the guest right there and restore that snapshot for every later request. It
 * prints its report as one frame on the console and exits; /init then reboots and QEMU ends.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { getRunnerInfo, type RunnerInfo } from '../../runner-info.js';
import { verifyOneLiners } from '../../verify-oneliners.js';
import { checkProject, prepareProjectTools } from './check-project.js';
import { installIncludePathsShims } from './include-paths-shim.js';
import { encodeFrame } from '../result-frame.js';
import { MAX_REQUEST_LINE, READY_INTERVAL_MS, READY_MARKER, WARMED_MARKER, WARMUP_LINE } from '../serial-protocol.js';
import { readRequestLine, type VmRequest } from '../vm-request.js';

async function main(): Promise<unknown> {
  const info = await getReady();
  const request = await awaitRequest();
  armWatchdog(request.deadlineSeconds);
  await setClock(request.nowMs);
  // No mount-namespace sandbox in here: the VM is the boundary.
  const { graceMs, ...options } = request.options;
  const report = await verifyOneLiners(request.oneLiners, { ...options, ...(graceMs ? { limits: { graceMs } } : {}), runnerInfo: info, sandbox: null, isolation: 'vm', file: request.file });
  return request.project ? { report, project: await checkProject(request.project) } : { report };
}

/**
 * What the runner is, probed once before the snapshot, and one real compile and attach, so
 * the libraries bpftrace needs are in memory when a restored guest runs a member's programs.
 */
async function getReady(): Promise<RunnerInfo> {
  const info = await getRunnerInfo();
  if (info.bpftrace) {
    await installShims();
    await warmUp();
  }
  // This kernel's vmlinux.h and the project loader, made once, before the snapshot.
  await prepareProjectTools();
  return info;
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

async function warmUp(signal?: AbortSignal): Promise<void> {
  if (!(await run('bpftrace', ['-e', WARM_UP_PROGRAM], 60_000, signal)) && !signal?.aborted) await run('bpftrace', ['-e', FALLBACK_WARM_UP], 60_000, signal);
}

/**
 * Says "ready" until the host sends a request line; the first one is the request. One the
 * schema refuses is answered at once with why (main's error frame), never waited out: the
 * host's VM slot would otherwise idle to its deadline. A warm-up line (a parked guest, before
 * any request) runs the warm-up again, says WARMED_MARKER, and goes on waiting.
 */
function awaitRequest(): Promise<VmRequest> {
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
      pending += chunk.toString('latin1');
      let newline = pending.search(/[\r\n]/);
      while (newline !== -1) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line === WARMUP_LINE.trim() && !warming) {
          stopHeartbeat();
          stopWarming = new AbortController();
          warming = warmUp(stopWarming.signal).finally(() => {
            process.stdout.write(`${WARMED_MARKER}\n`);
            warming = null;
          });
        }
        const read = readRequestLine(line);
        if (read.kind !== 'not-a-request') {
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

main()
  .then((answer) => process.stdout.write(encodeFrame(answer)))
  .catch((error: unknown) => process.stdout.write(encodeFrame({ error: error instanceof Error ? error.message : String(error) })))
  .finally(() => process.exit(0));
