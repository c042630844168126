import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { SAFE_PATH } from './runner-info.js';

/**
 * bpftrace runs as root, and a program could read files through features the policy does
 * not know yet (or a future bpftrace adds). So on Linux with util-linux's `unshare`, each
 * bpftrace (and bcc tool) runs in a private mount namespace where the places secrets live are
 * covered: an empty tmpfs over home directories, /root, TLS private keys, the runner's work
 * directory and temp dirs, /dev/null over the shadow files. The kernel side is untouched
 * (tracefs, debugfs, /sys, /proc, /lib/modules, /usr/src): probes attach and trace the whole
 * machine as before. BPF needs CAP_BPF in the initial user namespace, so a user namespace
 * cannot be used; a mount namespace can (RUNNER.md).
 *
 * What it cannot hide: str()/buf() read the traced processes' memory, which is the point of
 * tracing; output redaction (redact.ts) is the last line of defence there.
 */

/** Directories covered with an empty tmpfs when they exist. */
export const HIDDEN_DIRS = ['/root', '/home', '/etc/ssl/private', '/run/secrets', '/tmp', '/var/tmp', '/opt/actions-runner', '/actions-runner'];
/** Files covered with /dev/null when they exist. */
export const HIDDEN_FILES = ['/etc/shadow', '/etc/gshadow', '/etc/shadow-', '/etc/gshadow-'];

/**
 * Trees never covered, at, above or below: bpftrace, its libraries, kernel headers
 * (/usr/src, /lib/modules) and the kernel's own file systems (tracefs, debugfs, BTF, /proc).
 */
const KEEP_TREES = ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/usr', '/sys', '/proc', '/dev', '/boot', '/snap'];
/** Directories never covered as a whole (nor anything above them); a secret inside may be (/etc/ssl/private, /var/tmp). */
const KEEP_POINTS = ['/', '/etc', '/var', '/run', '/opt', '/srv', '/mnt', '/media'];

/** Exit code of the sandbox script when a cover cannot be mounted (then nothing runs). */
export const SANDBOX_SETUP_FAILED = 97;

/**
 * Our own fixed script: mounts the covers given as arguments ("d:/path" or "f:/path"), leaves
 * the covered /tmp for /, and execs the rest of the arguments. The member's program only ever
 * arrives as one of "$@" and is never read by the shell.
 */
const SCRIPT = [
  'n=$1; shift',
  'while [ "$n" -gt 0 ]; do',
  '  case "$1" in',
  '    d:*) mount -n -t tmpfs -o size=1m,mode=0700 studybot-hidden "${1#d:}" ;;',
  '    f:*) mount -n --bind /dev/null "${1#f:}" ;;',
  '  esac || { echo "study-bot sandbox: cannot cover ${1#?:}" >&2; exit ' + SANDBOX_SETUP_FAILED + '; }',
  '  shift; n=$((n - 1))',
  'done',
  'cd / && exec "$@"',
].join('\n');

export interface Sandbox {
  /** what goes before a process's argv to run it inside (`nsenter --mount=… --wd=/ --`); null when off */
  prefix: string[] | null;
  /** "d:/root", "f:/etc/shadow", ... in mount order */
  covers: string[];
  /** why it is off, when it is */
  reason: string | null;
}

export interface SandboxOptions {
  /** more paths to hide, e.g. the runner's work directory (the process's cwd by default) */
  extraDirs?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** where to look for `unshare` (PATH syntax; SAFE_PATH by default) */
  searchPath?: string;
}

/**
 * Which paths to cover on this machine: the fixed list, the runner's work directories from
 * the environment (GitHub Actions names them), the process's working directory (the bot's
 * checkout with its `.env` for the local driver), the directory of Probot's private key and
 * `STUDY_BOT_SANDBOX_HIDE` (colon-separated). Paths under an already covered directory are
 * dropped (the tmpfs hides them, and mounting on them would fail).
 */
export function coversFor(options: SandboxOptions = {}): string[] {
  const env = options.env ?? process.env;
  const fromEnv = ['RUNNER_WORKSPACE', 'GITHUB_WORKSPACE', 'RUNNER_TEMP', 'RUNNER_TOOL_CACHE'].map((k) => env[k]);
  const keyFile = env.PRIVATE_KEY_PATH ? path.dirname(path.resolve(env.PRIVATE_KEY_PATH)) : undefined;
  const extra = (env.STUDY_BOT_SANDBOX_HIDE ?? '').split(':');
  const dirs = [...HIDDEN_DIRS, ...fromEnv, options.cwd ?? process.cwd(), keyFile, ...extra, ...(options.extraDirs ?? [])]
    .filter((d): d is string => typeof d === 'string' && d.startsWith('/'))
    .map(resolveExisting)
    .filter((d): d is string => d !== null && isDirectory(d) && !isKept(d));
  const unique = [...new Set(dirs)].sort((a, b) => a.length - b.length);
  const chosen: string[] = [];
  for (const dir of unique) if (!chosen.some((c) => dir.startsWith(`${c}/`))) chosen.push(dir);
  const files = HIDDEN_FILES.filter((f) => existsSync(f) && !chosen.some((c) => f.startsWith(`${c}/`)));
  return [...chosen.map((d) => `d:${d}`), ...files.map((f) => `f:${f}`)];
}

function resolveExisting(p: string): string | null {
  try {
    return realpathSync(path.resolve(p));
  } catch {
    return null;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A path inside a kept tree, or a kept point, or an ancestor of either. */
function isKept(dir: string): boolean {
  const under = (parent: string) => parent === '/' || dir.startsWith(`${parent}/`);
  const above = (child: string) => dir === '/' || child.startsWith(`${dir}/`);
  return KEEP_TREES.some((t) => t === dir || under(t) || above(t)) || KEEP_POINTS.some((p) => p === dir || above(p));
}

/** argv run inside the sandbox; unchanged when the sandbox is off. */
export function sandboxArgv(argv: string[], sandbox: Sandbox | null): string[] {
  return sandbox?.prefix ? [...sandbox.prefix, ...argv] : argv;
}

let probed: Promise<Sandbox> | null = null;

/**
 * The sandbox of this process, set up once: later calls get the same one (the options of
 * the first call count). Any failure turns it off with the reason, and bpftrace runs as
 * before: the policy and redaction still apply.
 */
export function getSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  probed ??= setUpSandbox(options);
  return probed;
}

const NS_DIR_PREFIX = '/run/study-bot-sandbox-';

/**
 * One persistent mount namespace per process, not one per bpftrace: mounting the covers
 * costs ~200 ms (mount(8) per cover), paid once here; entering it with nsenter costs ~10 ms.
 * The namespace is pinned by a bind mount of its nsfs file in a private directory under /run
 * (`unshare --mount=FILE` needs a non-shared parent mount), and released when the process
 * exits. Directories left by a process that was killed are cleaned up by the next one.
 */
export async function setUpSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const off = (reason: string): Sandbox => ({ prefix: null, covers: [], reason });
  if (process.platform !== 'linux') return off(`not Linux (${process.platform})`);
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return off('not root');
  if ((options.env ?? process.env).STUDY_BOT_SANDBOX === 'off') return off('STUDY_BOT_SANDBOX=off');
  const find = (name: string) => (options.searchPath ?? SAFE_PATH).split(':').map((dir) => `${dir}/${name}`).find((p) => existsSync(p));
  const tools = { unshare: find('unshare'), nsenter: find('nsenter'), mount: find('mount'), umount: find('umount') };
  const missing = Object.entries(tools).filter(([, p]) => !p).map(([name]) => name);
  if (missing.length) return off(`${missing.join(', ')} (util-linux) is not installed`);
  const { unshare, nsenter, mount, umount } = tools as Record<keyof typeof tools, string>;

  cleanUpStale(umount);
  // pid first (stale clean-up reads it), then a random part: worker threads share the pid.
  const dir = `${NS_DIR_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`;
  const nsFile = `${dir}/mnt`;
  const covers = coversFor(options);
  const run = async (argv: string[]) => {
    const [file, ...args] = argv as [string, ...string[]];
    const result = await execa(file, args, { env: { PATH: SAFE_PATH }, extendEnv: false, reject: false, timeout: 10_000, stdin: 'ignore' });
    if (result.exitCode !== 0) {
      const why = String(result.stderr || result.shortMessage || '').trim().split('\n')[0];
      throw new Error(`${path.basename(file)} exit ${result.exitCode ?? result.signal}${why ? `: ${why}` : ''}`);
    }
  };
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(nsFile, '');
    await run([mount, '-n', '--bind', dir, dir]);
    await run([mount, '-n', '--make-private', dir]);
    await run([unshare, `--mount=${nsFile}`, '--propagation', 'private', '--', '/bin/sh', '-c', SCRIPT, 'study-bot-sandbox', String(covers.length), ...covers, '/bin/true']);
    const prefix = [nsenter, `--mount=${nsFile}`, '--wd=/', '--'];
    await run([...prefix, '/bin/true']);
    process.once('exit', () => releaseNamespace(umount, dir));
    return { prefix, covers, reason: null };
  } catch (error) {
    releaseNamespace(umount, dir);
    return off(`mount namespace: ${(error as Error).message}`);
  }
}

/** Synchronous: runs on process exit. Unmounts the pinned namespace and removes its directory. */
function releaseNamespace(umount: string, dir: string): void {
  for (const target of [`${dir}/mnt`, dir]) {
    try {
      execFileSync(umount, ['-n', target], { stdio: 'ignore', env: { PATH: SAFE_PATH } });
    } catch {
      // not mounted
    }
  }
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // still busy: the next process cleans it up
  }
}

/** Namespaces pinned by processes that no longer exist (killed before their exit hook ran). */
function cleanUpStale(umount: string): void {
  let names: string[] = [];
  try {
    names = readdirSync('/run').filter((n) => `/run/${n}`.startsWith(NS_DIR_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name.slice(NS_DIR_PREFIX.length - '/run/'.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    releaseNamespace(umount, `/run/${name}`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
