import { execFile } from 'node:child_process';

/**
 * `git ARGS` in `cwd` and what it printed, for the two calls `study-bot check` makes (the
 * checkout's top, its file list). Node's own execFile, not execa: loading execa and its
 * dependencies cost `check` more CPU than both git calls (docs/cli-speed.md). Rejects when
 * git is missing or fails, and ends git (SIGTERM) past `timeoutMs`, as execa did.
 */
export function gitOutput(args: string[], options: { cwd: string; timeoutMs: number; env?: Record<string, string> }): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd: options.cwd,
        timeout: options.timeoutMs,
        // execa's way: the caller's variables on top of this process's
        env: { ...process.env, ...options.env },
        encoding: 'utf8',
        // execa's bound: a large repository's `ls-files` is megabytes (execFile's default is 1 MiB)
        maxBuffer: 100_000_000,
        windowsHide: true,
      },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
  });
}
