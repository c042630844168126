import { z } from 'zod';
import { runnerInfoSchema, verifyReportSchema } from '../runner/report-schema.js';

/**
 * The public JSON contract of `/verify project` and `study-bot verify FOLDER --isolation vm
 * --format json`: one entry per program (a libbpf C file gives one per `SEC()` program), and
 * one per file that was looked at but not run (Go, user-space C, headers), so the member
 * sees what was done with each. Add fields; never rename or remove one.
 */
export const PROJECT_STATUSES = [
  /** Loaded, attached, and the kernel counted runs during the workload. */
  'ok',
  /** Loaded and attached, no run seen during the window. */
  'no-events',
  /** The verifier accepted it; not attached (XDP, TC... need an interface or a hook). */
  'loaded',
  /** The verifier rejected it. */
  'rejected',
  'compile-error',
  'attach-failed',
  /** A BCC script that failed (its C did not compile, it raised, it exited non-zero). */
  'error',
  'timeout',
  /** Not eBPF, or not built here (Go): said so, nothing run. */
  'skipped',
  /** Refused before anything ran (an include outside the project, a file too large). */
  'denied',
  'runner-error',
] as const;
export const projectStatusSchema = z.enum(PROJECT_STATUSES);
export type ProjectStatus = z.infer<typeof projectStatusSchema>;

export const projectEntrySchema = z.object({
  /** Repo-relative path of the file. */
  path: z.string(),
  /** The file's kind (classify-source.ts). */
  kind: z.string(),
  /** The program's function name (libbpf C), when the entry is one program. */
  program: z.string().optional(),
  section: z.string().optional(),
  status: projectStatusSchema,
  /** 1-based line in `path` (or in `file`, when that is set) the message is about. */
  line: z.number().int().nonnegative().optional(),
  /** The file the line is in when it is not `path` (a header the program includes). */
  file: z.string().optional(),
  /** One sentence, Korean then English, or the tool's own error. */
  message: z.string(),
  hint: z.string().optional(),
  /** The verifier's rejection class (verifier-log.ts), e.g. `null-check`. */
  class: z.string().optional(),
  /** The verifier's decisive lines, as it printed them. */
  log: z.array(z.string()).optional(),
  /** As veristat reports them: instructions processed, verifier states. */
  insns: z.number().int().nonnegative().optional(),
  states: z.object({ total: z.number().int().nonnegative(), peak: z.number().int().nonnegative() }).optional(),
  /** Times the kernel ran the program during the workload window. */
  events: z.number().int().nonnegative().optional(),
  /** First lines a BCC script printed. */
  output: z.array(z.string()).optional(),
  /** How long each step took, ms; `pch`: compiled with the guest's precompiled vmlinux.h. */
  steps: z
    .object({ compileMs: z.number().nonnegative(), loadMs: z.number().nonnegative(), windowMs: z.number().nonnegative(), pch: z.boolean() })
    .partial()
    .optional(),
});
export type ProjectEntry = z.infer<typeof projectEntrySchema>;

export const projectKernelRunSchema = z.object({
  runner: runnerInfoSchema,
  entries: z.array(projectEntrySchema),
  /** clang's version line in the guest. */
  clang: z.string().optional(),
  /** vmlinux.h came from this kernel's BTF (bpftool btf dump), made in this long, ms. */
  vmlinuxMs: z.number().nonnegative().optional(),
  durationMs: z.number().nonnegative().optional(),
});
export type ProjectKernelRun = z.infer<typeof projectKernelRunSchema>;

export const projectReportSchema = z.object({
  /** The project folder (or the one file) verified. */
  root: z.string(),
  runner: runnerInfoSchema,
  entries: z.array(projectEntrySchema),
  clang: z.string().optional(),
  vmlinuxMs: z.number().nonnegative().optional(),
  /** The project's `.bt` scripts, run like one-liners. */
  scripts: verifyReportSchema.optional(),
  durationMs: z.number().nonnegative().optional(),
  /** Several kernels: each kernel's run, in the order asked; the top level is the first's. */
  kernels: z.array(projectKernelRunSchema).optional(),
});
export type ProjectReport = z.infer<typeof projectReportSchema>;

/** Statuses that mean "this works" for an exit code or a check run's conclusion. */
export const isProjectPassing = (status: ProjectStatus): boolean =>
  status === 'ok' || status === 'no-events' || status === 'loaded' || status === 'skipped';
