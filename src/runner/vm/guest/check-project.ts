/**
 * Inside the guest only: compiles a member's libbpf C with clang, loads each program through
 * the loader (bpf-loader-c.ts) so the verifier judges it on this VM's kernel, attaches what
 * libbpf can attach, runs the workload, and runs BCC Python under a time limit in a cgroup
 * that caps its processes and memory. Returns raw facts; the host explains them.
 *
 * Nothing here runs on the host: the agent is the only caller, and the VM is the boundary.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TracedProcess, DEFAULT_EXEC_LIMITS } from '../../execute.js';
import { prepareWorkload } from '../../workload.js';
import type { GuestProjectReport, GuestSourceResult, ProjectPayload } from '../../../project/project-request.js';
import { BPF_LOADER_C } from './bpf-loader-c.js';
import { BPF_CLANG_FLAGS, includesVmlinuxFirst } from './vmlinux-pch.js';

const TOOLS = '/run/study-bot/project-tools';
const LOADER = `${TOOLS}/bpf-loader`;
/** The guest kernel's own vmlinux.h (bpftool btf dump), on the include path after the project's. */
const BTF_INCLUDE = `${TOOLS}/btf`;
/** That vmlinux.h parsed once (vmlinux-pch.ts): clang's slowest step under emulation, done before the snapshot. */
const VMLINUX_PCH = `${BTF_INCLUDE}/vmlinux.h.pch`;
const SAFE_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', HOME: '/tmp' };

/**
 * The clang command line RUNNER.md found works for libbpf C on Debian 12 (glibc's stubs need
 * __x86_64__), with the precompiled vmlinux.h when one is given.
 */
export function clangArgv(source: string, object: string, projectDir: string, pch?: string): string[] {
  return [
    'clang', ...BPF_CLANG_FLAGS,
    `-I${projectDir}`, `-I${BTF_INCLUDE}`, '-idirafter', '/usr/include/x86_64-linux-gnu',
    ...(pch ? ['-include-pch', pch] : []),
    '-fno-color-diagnostics', '-ferror-limit=10', '-c', source, '-o', object,
  ];
}

/**
 * Before any request (and so inside the saved guest): the loader compiled, this kernel's
 * vmlinux.h dumped. Each step is skipped, not fatal, when a tool is missing (an older image).
 */
export async function prepareProjectTools(): Promise<{ vmlinuxMs?: number }> {
  mkdirSync(BTF_INCLUDE, { recursive: true });
  const started = Date.now();
  if (!existsSync(`${BTF_INCLUDE}/vmlinux.h`) && existsSync('/sys/kernel/btf/vmlinux')) {
    await run('sh', ['-c', `bpftool btf dump file /sys/kernel/btf/vmlinux format c > ${BTF_INCLUDE}/vmlinux.h.tmp && mv ${BTF_INCLUDE}/vmlinux.h.tmp ${BTF_INCLUDE}/vmlinux.h`], 120_000);
  }
  const vmlinuxMs = Date.now() - started;
  if (!existsSync(VMLINUX_PCH) && existsSync(`${BTF_INCLUDE}/vmlinux.h`)) {
    // Made under its final name only once complete: a half-written PCH would fail every compile.
    const made = await run('clang', [...BPF_CLANG_FLAGS, '-x', 'c-header', `${BTF_INCLUDE}/vmlinux.h`, '-o', `${VMLINUX_PCH}.tmp`], 240_000);
    if (made) await run('mv', [`${VMLINUX_PCH}.tmp`, VMLINUX_PCH], 10_000);
  }
  if (!existsSync(LOADER)) {
    writeFileSync(`${TOOLS}/bpf-loader.c`, BPF_LOADER_C);
    await run('clang', ['-O1', '-o', LOADER, `${TOOLS}/bpf-loader.c`, '-lbpf'], 120_000);
  }
  // The kernel counts each program's runs only when asked (how "events seen" is measured).
  try {
    writeFileSync('/proc/sys/kernel/bpf_stats_enabled', '1');
  } catch {
    // an older kernel: no run counts
  }
  return { vmlinuxMs };
}

interface Limits {
  compileMs: number;
  loadMs: number;
  windowMs: number;
  pythonMs: number;
}

export async function checkProject(payload: ProjectPayload): Promise<GuestProjectReport> {
  const tools = await prepareProjectTools();
  const limits: Limits = { compileMs: 120_000, loadMs: 120_000, windowMs: 2_000, pythonMs: 90_000, ...payload.limits };
  const dir = mkdtempSync('/tmp/project-');
  for (const file of payload.files) {
    const target = path.join(dir, file.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.content);
  }
  const cgroup = await memberCgroup();
  const results: GuestSourceResult[] = [];
  let n = 0;
  // One at a time: two clangs side by side on two emulated vCPUs only swap.
  for (const source of payload.sources) {
    const abs = path.join(dir, source.path);
    results.push(
      source.kind === 'libbpf-c'
        ? await checkLibbpf(source.path, abs, `${dir}/.out-${n++}.o`, dir, limits)
        : await runBccPython(source.path, abs, dir, limits, cgroup),
    );
  }
  const clang = await capture('clang', ['--version'], 30_000);
  return {
    kernel: (await capture('uname', ['-r'], 10_000)).stdout.trim(),
    ...(tools.vmlinuxMs !== undefined ? { vmlinuxMs: tools.vmlinuxMs } : {}),
    clang: clang.stdout.split('\n')[0]?.slice(0, 200) ?? '',
    results,
  };
}

async function checkLibbpf(rel: string, abs: string, object: string, dir: string, limits: Limits): Promise<GuestSourceResult> {
  const started = Date.now();
  const pch = existsSync(VMLINUX_PCH) && includesVmlinuxFirst(readFileSync(abs, 'utf8')) ? VMLINUX_PCH : undefined;
  const [clang, ...args] = clangArgv(abs, object, dir, pch);
  const compiled = await capture(clang!, args, limits.compileMs, path.dirname(abs));
  const compile = {
    ok: compiled.code === 0,
    ms: Date.now() - started,
    stderr: withoutDir(compiled.stderr, dir).slice(0, 16_000),
    ...(compiled.timedOut ? { timedOut: true } : {}),
    ...(pch ? { pch: true } : {}),
  };
  if (!compile.ok) return { path: rel, kind: 'libbpf-c', compile, programs: [] };
  const loadStarted = Date.now();
  const loaded = await runLoader(object, limits);
  return {
    path: rel,
    kind: 'libbpf-c',
    compile,
    programs: loaded.programs,
    loadMs: Date.now() - loadStarted,
    ...(loaded.error ? { loadError: withoutDir(loaded.error, dir).slice(0, 4_000) } : {}),
    ...(loaded.windowMs !== undefined ? { windowMs: loaded.windowMs } : {}),
  };
}

type Program = GuestSourceResult['programs'][number];

/** The loader's JSON lines, read as they come: the workload starts when it says it attached. */
function runLoader(object: string, limits: Limits): Promise<{ programs: Program[]; error?: string; windowMs?: number }> {
  return new Promise((resolve) => {
    const child = spawn(LOADER, [object], { env: SAFE_ENV, stdio: ['pipe', 'pipe', 'pipe'] });
    // Node starts slowly under emulation: the workload process waits while the programs load.
    const workload = prepareWorkload({ timeoutMs: limits.windowMs + 10_000 });
    let workloadStarted = false;
    const programs: Program[] = [];
    const byName = new Map<string, Program>();
    let pending = '';
    let stderr = '';
    let windowMs: number | undefined;
    let done = false;
    let openError: string | undefined;
    // The load limit is for loading and attaching (the verifier's work); once attached, the
    // window and the workload's slow start under emulation have their own bound.
    const stopAfter = (ms: number, why: string) =>
      setTimeout(() => {
        child.kill('SIGKILL');
        finish(why);
      }, ms);
    let timer = stopAfter(limits.loadMs, `the loader did not finish loading within ${Math.round(limits.loadMs / 1000)} s`);
    const finish = (error?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (!workloadStarted) workload.cancel();
      resolve({ programs, ...(error ? { error } : {}), ...(windowMs !== undefined ? { windowMs } : {}) });
    };
    const onLine = (line: string) => {
      let value: Record<string, unknown>;
      try {
        value = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (typeof value.open === 'number') {
        openError = `libbpf could not open the object (errno ${value.open}): ${String(value.libbpf ?? '').slice(-3_000)}`;
      } else if (typeof value.prog === 'string' && programs.length < 64) {
        const program: Program = {
          name: value.prog.slice(0, 256),
          section: String(value.section ?? '').slice(0, 256),
          err: Number(value.err) || 0,
          stats: String(value.stats ?? '').slice(0, 512),
          log: String(value.log ?? '').slice(-8_000),
          ...(value.log4 ? { log4: String(value.log4).slice(-8_000) } : {}),
          ...(value.libbpf ? { libbpf: withoutDir(String(value.libbpf), path.dirname(object)).slice(-2_000) } : {}),
          ...(typeof value.insns === 'number' ? { insns: value.insns } : {}),
          ...(typeof value.xlated === 'number' ? { xlated: value.xlated } : {}),
          ...(typeof value.jited === 'number' ? { jited: value.jited } : {}),
        };
        programs.push(program);
        byName.set(program.name, program);
      } else if (typeof value.attach === 'string') {
        const program = byName.get(value.attach);
        if (program) program.attachErr = Number(value.err) || 0;
      } else if (typeof value.attached === 'number') {
        if (value.attached === 0) return;
        clearTimeout(timer);
        timer = stopAfter(limits.windowMs + 60_000, 'the loader did not stop after the workload window');
        const started = Date.now();
        workloadStarted = true;
        void Promise.all([workload.start(), sleep(limits.windowMs)]).then(() => {
          windowMs = Date.now() - started;
          child.stdin.end('\n');
        });
      } else if (typeof value.runs === 'string') {
        const program = byName.get(value.runs);
        if (program) program.runs = Math.max(0, Number(value.count) || 0);
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      if (pending.length > 4 * 1024 * 1024) {
        child.kill('SIGKILL');
        finish('the loader wrote too much');
        return;
      }
      let at = pending.indexOf('\n');
      while (at !== -1) {
        onLine(pending.slice(0, at));
        pending = pending.slice(at + 1);
        at = pending.indexOf('\n');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 8_000) stderr += chunk.toString('utf8');
    });
    child.stdin.on('error', () => {});
    child.on('error', (error) => finish(error.message));
    child.on('close', (code) => {
      if (pending) onLine(pending);
      finish(code === 0 ? undefined : openError ?? (stderr.trim() || `the loader exited with ${code}`));
    });
    // Nothing attached: the loader has already exited on its own.
  });
}

/**
 * A cgroup for a member's Python: at most 64 processes (a fork bomb stops there) and 512 MiB
 * (tmpfs pages it writes count too); null when cgroup2 is not available.
 */
async function memberCgroup(): Promise<string | null> {
  const root = '/sys/fs/cgroup';
  if (!existsSync(`${root}/cgroup.controllers`)) await run('mount', ['-t', 'cgroup2', 'cgroup2', root], 10_000);
  const group = `${root}/member`;
  try {
    writeFileSync(`${root}/cgroup.subtree_control`, '+pids +memory');
    mkdirSync(group, { recursive: true });
    writeFileSync(`${group}/pids.max`, '64');
    writeFileSync(`${group}/memory.max`, String(512 * 1024 * 1024));
    writeFileSync(`${group}/memory.swap.max`, '0');
    return group;
  } catch {
    return existsSync(`${group}/cgroup.procs`) ? group : null;
  }
}

/**
 * A BCC script run as a member would (`sudo python3 x.py`), from its own folder: BCC compiles
 * its C (from the script or the `.c` next to it), loads and attaches; the workload runs once it
 * printed its first line (or after a while, for scripts that print only events); then SIGINT,
 * as Ctrl-C (most print their maps then), and SIGKILL after a grace period.
 */
async function runBccPython(rel: string, abs: string, dir: string, limits: Limits, cgroup: string | null): Promise<GuestSourceResult> {
  const started = Date.now();
  const enter = cgroup ? `echo $$ > ${cgroup}/cgroup.procs && ` : '';
  const argv = ['sh', '-c', `${enter}cd "$1" && exec python3 -u "$2"`, 'sh', path.dirname(abs), abs];
  const traced = new TracedProcess(argv, 'bcc', { ...DEFAULT_EXEC_LIMITS, graceMs: 3_000 });
  const hardStop = setTimeout(() => traced.stop(), limits.pythonMs);
  // BCC compiles with clang first: under emulation that takes most of the allowance.
  const attached = await Promise.race([traced.attached, sleep(limits.pythonMs * 0.6).then(() => 'waited' as const)]);
  let windowMs: number | undefined;
  if (attached !== 'exited' && traced.isRunning) {
    const windowStarted = Date.now();
    await Promise.all([prepareWorkload({ timeoutMs: limits.windowMs + 10_000 }).start(), sleep(limits.windowMs)]);
    windowMs = Date.now() - windowStarted;
    traced.stop();
  }
  const raw = await traced.finished;
  clearTimeout(hardStop);
  // Whatever it left behind (a daemon, a fork bomb's last children) goes with it.
  if (cgroup) {
    try {
      writeFileSync(`${cgroup}/cgroup.kill`, '1');
    } catch {
      // a kernel before 5.14: the process group was killed already
    }
  }
  const exit: GuestSourceResult['exit'] = raw.killed ? 'killed' : raw.stoppedByUs ? (raw.markerSeen ? 'ok' : 'timeout') : raw.exitCode === 0 ? 'ok' : 'error';
  return {
    path: rel,
    kind: 'bcc-python',
    compile: { ok: exit === 'ok', ms: Date.now() - started, stderr: withoutDir(raw.stderr, dir).slice(-16_000) },
    programs: [],
    output: raw.output.slice(0, 30).map((line) => withoutDir(line, dir).slice(0, 1_000)),
    exit,
    ...(windowMs !== undefined ? { windowMs } : {}),
  };
}

/** Messages name files as the member does (`projects/kim/x.bpf.c`), not the guest's scratch folder. */
const withoutDir = (text: string, dir: string) => text.split(`${dir}/`).join('');

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs a command; resolves whether it succeeded. */
function run(file: string, args: string[], timeout: number): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout, env: SAFE_ENV }, (error) => resolve(!error));
  });
}

function capture(file: string, args: string[], timeout: number, cwd = '/tmp'): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout, env: SAFE_ENV, cwd, maxBuffer: 1024 * 1024, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr), timedOut: Boolean(error && (error as { killed?: boolean }).killed && error.signal === 'SIGKILL') });
    });
  });
}
