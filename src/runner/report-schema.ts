import { z } from 'zod';

/**
 * The public JSON contract of a verification: what `study-bot verify --format json` prints,
 * what `study-bot runner exec` writes for the GitHub Actions workflow, and what the app
 * validates when it downloads that artifact. Add fields; never rename or remove one.
 */
export const RUN_STATUSES = ['ok', 'no-events', 'error', 'attach-failed', 'unsupported', 'denied', 'timeout', 'runner-error'] as const;
export const runStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof runStatusSchema>;

export const runnerInfoSchema = z.object({
  /** `uname -r` */
  kernel: z.string(),
  /** `bpftrace --version`'s version, e.g. "v0.17.0"; null when bpftrace is not installed. */
  bpftrace: z.string().nullable(),
  btf: z.boolean(),
  kprobes: z.boolean().optional(),
  arch: z.string().optional(),
  /** Where the one-liners ran: a throwaway VM with its own kernel, or the runner host itself. */
  isolation: z.enum(['vm', 'host']).optional(),
  /** How the VM was run: hardware virtualization, or full emulation (slower). */
  accel: z.enum(['kvm', 'tcg']).optional(),
  /**
   * How the VM started: `pool`, a guest restored ahead of time and parked for this request
   * (fastest); `snapshot`, restored for this request from a guest saved once ready; `boot`,
   * booted from scratch (cold).
   */
  vmStart: z.enum(['pool', 'snapshot', 'boot']).optional(),
  /**
   * Where the VM's time went, ms: from the request to the guest taking it (start), compiling
   * and attaching the one-liners (the slowest of them), and the rest of the guest's run.
   */
  timing: z.object({ startMs: z.number().nonnegative(), attachMs: z.number().nonnegative(), runMs: z.number().nonnegative() }).optional(),
});
export type RunnerInfoSummary = z.infer<typeof runnerInfoSchema>;

export const verifyResultSchema = z.object({
  line: z.number().int().nonnegative(),
  endLine: z.number().int().nonnegative().optional(),
  heading: z.string().nullable(),
  /** The command as the member wrote it. */
  command: z.string(),
  kind: z.enum(['bpftrace', 'bpftrace-list', 'bcc-tool']).optional(),
  status: runStatusSchema,
  /** Output events seen (printf lines, map entries, listed probes, tool lines). */
  events: z.number().int().nonnegative(),
  /** One human sentence, or bpftrace's own error with its source line and caret. */
  message: z.string(),
  /** What to try next (e.g. "a literal pid filter matches nothing here"). */
  hint: z.string().optional(),
  /** The policy rule behind a `denied` status. */
  rule: z.string().optional(),
  /** First lines of output, capped and redacted. */
  output: z.array(z.string()),
  /** More output existed than `output` shows. */
  truncated: z.boolean().optional(),
  durationMs: z.number().nonnegative(),
  /** From starting the program to its probes being attached (compile + attach), ms. */
  attachMs: z.number().nonnegative().optional(),
});
export type VerifyResult = z.infer<typeof verifyResultSchema>;

/** One kernel's run in a report of several kernels. */
export const kernelRunSchema = z.object({
  runner: runnerInfoSchema,
  results: z.array(verifyResultSchema),
  durationMs: z.number().nonnegative().optional(),
});
export type KernelRun = z.infer<typeof kernelRunSchema>;

export const verifyReportSchema = z.object({
  runner: runnerInfoSchema,
  /** The markdown file the one-liners came from, when known. */
  file: z.string().optional(),
  results: z.array(verifyResultSchema),
  durationMs: z.number().nonnegative().optional(),
  /**
   * Several kernels asked for (`--kernel 6.1 --kernel 6.12`): one entry per kernel, in the
   * order asked. `runner` and `results` above are then the first kernel's, so a reader that
   * knows one kernel still reads a whole report.
   */
  kernels: z.array(kernelRunSchema).optional(),
});
export type VerifyReport = z.infer<typeof verifyReportSchema>;
