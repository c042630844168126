import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const alnum = (n: number) => {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(n)].map((b) => chars[b % chars.length]).join('');
};

/** The comm of the process that opens the planted files (a symlink to cat carries it). */
export const READER_COMM = 'tokreader';

/**
 * Fake credentials planted where a workload makes them visible to tracing: files whose NAMES
 * are the tokens (an `openat` one-liner prints the path), plus a Korean file name that must
 * come through intact. Random each time, so nothing can match by accident.
 */
export function plantSecrets() {
  const prefix = path.join(os.tmpdir(), 'sbt-');
  const dir = mkdtempSync(prefix);
  const tokens = { ghs: `ghs_${alnum(36)}`, pat: `github_pat_${alnum(22)}_${alnum(59)}` };
  const korean = '스터디-노트.md';
  const files = [tokens.ghs, tokens.pat, korean].map((name) => path.join(dir, name));
  for (const file of files) writeFileSync(file, 'x\n');
  const reader = path.join(dir, READER_COMM);
  symlinkSync('/bin/cat', reader);
  return {
    dir,
    tokens,
    korean,
    /** fragments that must never appear: each token without its prefix, in 12-char windows */
    fragments: Object.values(tokens).flatMap((t) => {
      const body = t.replace(/^(ghs_|github_pat_)/, '');
      return Array.from({ length: Math.floor(body.length / 12) }, (_, i) => body.slice(i * 12, i * 12 + 12));
    }),
    /** the workload: the reader opens every planted file (its comm is READER_COMM) */
    workload: async () => {
      for (const file of files) await run(reader, [file]).catch(() => undefined);
    },
    /** the one-liner that prints what the reader opens */
    oneLinerCommand: `sudo bpftrace -e 'tracepoint:syscalls:sys_enter_openat /comm == "${READER_COMM}" && strncmp(str(args->filename), "${prefix}", ${prefix.length}) == 0/ { printf("%s\\n", str(args->filename)); }'`,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
