import { existsSync, realpathSync, statSync } from 'node:fs';
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
  /** `unshare` path; null when the sandbox is off */
  unshare: string | null;
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
  if (!sandbox?.unshare) return argv;
  return [sandbox.unshare, '--mount', '--propagation', 'private', '--', '/bin/sh', '-c', SCRIPT, 'study-bot-sandbox', String(sandbox.covers.length), ...sandbox.covers, ...argv];
}

let probed: Promise<Sandbox> | null = null;

/**
 * Probes once per process whether the sandbox works here (Linux, root, `unshare` present, the
 * covers mountable) by running `true` inside it. Any failure turns it off with the reason,
 * and bpftrace runs as before: the policy and redaction still apply.
 */
export function getSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  probed ??= probeSandbox(options);
  return probed;
}

export async function probeSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const off = (reason: string): Sandbox => ({ unshare: null, covers: [], reason });
  if (process.platform !== 'linux') return off(`not Linux (${process.platform})`);
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return off('not root');
  if ((options.env ?? process.env).STUDY_BOT_SANDBOX === 'off') return off('STUDY_BOT_SANDBOX=off');
  const unshare = (options.searchPath ?? SAFE_PATH).split(':').map((dir) => `${dir}/unshare`).find((p) => existsSync(p));
  if (!unshare) return off('unshare (util-linux) is not installed');
  const sandbox: Sandbox = { unshare, covers: coversFor(options), reason: null };
  const [file, ...args] = sandboxArgv(['/bin/true'], sandbox) as [string, ...string[]];
  try {
    const result = await execa(file, args, { env: { PATH: SAFE_PATH }, extendEnv: false, reject: false, timeout: 5000, stdin: 'ignore' });
    if (result.exitCode === 0) return sandbox;
    return off(`unshare --mount failed (exit ${result.exitCode ?? result.signal}): ${(result.stderr || result.shortMessage || '').toString().trim().split('\n')[0]}`);
  } catch (error) {
    return off(`unshare --mount failed: ${(error as Error).message}`);
  }
}
