/**
 * bpftrace 0.17 asks clang for the system include paths every time a program has C definitions
 * or BTF types (a tracepoint's `args`, a struct cast): it runs
 * `sh -c 'clang-14 -Wp,-v -x c -fsyntax-only /dev/null 2>&1'`, a second LLVM process per
 * one-liner, and reads the list between "#include <...> search starts here:" and "End of search
 * list.". Since the runner image carries clang (for project checks), that process costs each
 * such one-liner 0.4-0.5 s under full emulation (docs/vm-warm-pool.md); without clang bpftrace
 * falls back to /usr/local/include and /usr/include.
 *
 * The guest asks clang once, before it is saved, and puts a `clang-14` of its own in a directory
 * ahead of /usr/bin on the PATH bpftrace runs with (SAFE_PATH: /usr/local/bin, empty in the
 * image, a tmpfs in the guest): it prints clang's own answer to exactly that command line and
 * hands any other command line to the real clang. bpftrace gets the same include paths as
 * before, byte for byte, without the process.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The arguments bpftrace 0.17 gives `clang-<LLVM major>` (clang_parser.cpp, system_include_paths). */
export const INCLUDE_PATHS_ARGS = ['-Wp,-v', '-x', 'c', '-fsyntax-only', '/dev/null'] as const;

/** True when `answer` is clang's include search list (what bpftrace looks for in it). */
export function isIncludePathsAnswer(answer: string): boolean {
  const start = answer.indexOf('#include <...> search starts here:\n');
  return start !== -1 && answer.indexOf('\nEnd of search list.', start) !== -1;
}

/** A shell word that is exactly `text` (single quotes; a quote inside is closed, escaped, reopened). */
const quoted = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * The shim's text: clang's recorded `answer` for INCLUDE_PATHS_ARGS, and `exec real "$@"` for
 * anything else (a member's program that runs clang itself gets the real one).
 */
export function includePathsShim(real: string, answer: string): string {
  const test = INCLUDE_PATHS_ARGS.map((arg, i) => `[ "$${i + 1}" = ${quoted(arg)} ]`).join(' && ');
  return [
    '#!/bin/sh',
    `# study-bot: clang's answer to bpftrace's include-path question, recorded when this guest was made (src/runner/vm/guest/include-paths-shim.ts).`,
    `if [ "$#" -eq ${INCLUDE_PATHS_ARGS.length} ] && ${test}; then`,
    `  printf '%s' ${quoted(answer)}`,
    '  exit 0',
    'fi',
    `exec ${quoted(real)} "$@"`,
    '',
  ].join('\n');
}

/**
 * Writes a shim into `dir` for every `clang-<N>` found in `binDir` whose answer is an include
 * search list; returns the names written. `dir` must come before `binDir` on bpftrace's PATH.
 */
export async function installIncludePathsShims(dir: string, binDir = '/usr/bin'): Promise<string[]> {
  const names = existsSync(binDir) ? readdirSync(binDir).filter((name) => /^clang-\d+$/.test(name)) : [];
  const written: string[] = [];
  for (const name of names) {
    const real = path.join(binDir, name);
    // Asked the way bpftrace asks (its popen: sh, stderr into stdout), with the PATH it has.
    const answer = await new Promise<string | null>((resolve) => {
      execFile('/bin/sh', ['-c', `${quoted(real)} ${INCLUDE_PATHS_ARGS.join(' ')} 2>&1`], { timeout: 60_000, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } }, (error, stdout) =>
        resolve(error ? null : stdout),
      );
    });
    if (answer === null || !isIncludePathsAnswer(answer)) continue;
    writeFileSync(path.join(dir, name), includePathsShim(real, answer), { mode: 0o755 });
    written.push(name);
  }
  return written;
}
