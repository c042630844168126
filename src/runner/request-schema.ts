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

export const runnerRequestSchema = z.object({
  version: z.literal(1),
  /** The markdown file, for the report (e.g. "study/week1/hgd.md"). */
  file: z.string().max(1024).optional(),
  oneLiners: z.array(oneLinerSchema).max(MAX_REQUEST_ONELINERS),
});
export type RunnerRequest = z.infer<typeof runnerRequestSchema>;

/** Parses and runs a request; throws a ZodError on a malformed request. */
export async function runRequest(request: unknown, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const parsed = runnerRequestSchema.parse(request);
  await loadShellParser();
  const oneLiners = parsed.oneLiners.map(reparse);
  return verifyOneLiners(oneLiners, { ...opts, file: opts.file ?? parsed.file });
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
