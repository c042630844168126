import { z } from 'zod';
import { extractFromShell } from '../oneliners/extract-oneliners.js';
import { loadShellParser } from '../oneliners/shell-parser.js';
import type { OneLiner } from '../oneliners/types.js';
import { MAX_REQUEST_ONELINERS, oneLinerSchema } from './one-liner-schema.js';
import type { VerifyReport } from './report-schema.js';
import { verifyOneLiners, type VerifyOptions } from './verify-oneliners.js';

/**
 * What the app hands the eBPF runner (a GitHub Actions job): the one-liners it extracted from
 * a submission. The runner trusts none of it: each `command` is parsed again here and the
 * argv, kind and shell syntax come from that parse, never from the request; the policy runs
 * again inside `verifyOneLiners`.
 */
export { MAX_REQUEST_ONELINERS, oneLinerSchema };

/** A kernel name as a runner lists it: `6.1`, `6.1.0-57-cloud-amd64`. */
export const KERNEL_NAME = /^[0-9][0-9a-z.+_-]{0,40}$/i;
export const MAX_KERNELS = 4;

export const runnerRequestSchema = z.object({
  version: z.literal(1),
  /** The markdown file, for the report (e.g. "study/week1/hgd.md"). */
  file: z.string().max(1024).optional(),
  oneLiners: z.array(oneLinerSchema).max(MAX_REQUEST_ONELINERS),
  /** VM kernels to run on, by name (`6.1`); the runner's first kernel when absent. */
  kernels: z.array(z.string().regex(KERNEL_NAME)).max(MAX_KERNELS).optional(),
});
export type RunnerRequest = z.infer<typeof runnerRequestSchema>;

/** Parses a request and rebuilds its one-liners from their text; throws a ZodError on a malformed request. */
export async function readRunnerRequest(request: unknown): Promise<RunnerRequest> {
  const parsed = runnerRequestSchema.parse(request);
  await loadShellParser();
  return { ...parsed, oneLiners: parsed.oneLiners.map(reparse) };
}

/** Parses and runs a request on this host's kernel; throws a ZodError on a malformed request. */
export async function runRequest(request: unknown, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const parsed = await readRunnerRequest(request);
  return verifyOneLiners(parsed.oneLiners, { ...opts, file: opts.file ?? parsed.file });
}

/**
 * The request's one-liner rebuilt from its command text alone. A command that does not parse
 * to exactly one one-liner is kept with a shell-syntax mark, so the policy denies it.
 */
export function reparse(claimed: OneLiner): OneLiner {
  const found = extractFromShell(claimed.command, { lineOffset: claimed.line, heading: claimed.heading });
  if (found.length === 1) return { ...found[0]!, endLine: Math.max(found[0]!.endLine, claimed.line) };
  return {
    ...claimed,
    argv: found[0]?.argv ?? [claimed.command],
    env: {},
    shellSyntax: [found.length === 0 ? 'not-a-one-liner' : 'several-commands'],
  };
}
