import { z } from 'zod';

/**
 * The part of a VM request that carries a member's project (`/verify project`,
 * `study-bot verify FOLDER --isolation vm`): the eBPF sources to check and the headers they
 * include from the project folder, nothing else. One schema, parsed by the host before it
 * sends and by the guest agent when it receives: the guest trusts nothing it did not check.
 *
 * Bounded so that one request fits the serial line (serial-protocol.ts, 8 MiB) with room to
 * spare: the committed vmlinux.h (3-10 MB) never travels; the guest generates its own from
 * its kernel's BTF, which is also the one the programs load on.
 */
export const MAX_PROJECT_FILES = 64;
export const MAX_PROJECT_FILE_BYTES = 512 * 1024;
export const MAX_PROJECT_TOTAL_BYTES = 2 * 1024 * 1024;
export const MAX_PROJECT_PROGRAMS = 16;

/**
 * A path inside the project folder: `/`-separated segments, none empty, `.` or `..`, no
 * leading `/`, no backslash or control character. The guest writes the file under its own
 * scratch folder at exactly this path.
 */
export const projectPathSchema = z
  .string()
  .min(1)
  .max(255)
  .refine(isSafeRelativePath, { message: 'not a relative path inside the project' });

export function isSafeRelativePath(p: string): boolean {
  if (p.startsWith('/') || p.includes('\\')) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(p)) return false;
  return p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..' && seg.length <= 128);
}

export const PROJECT_SOURCE_KINDS = ['libbpf-c', 'bcc-python'] as const;

export const projectPayloadSchema = z
  .object({
    /** The project folder's name as the member knows it (`projects/kim`), for messages. */
    root: z.string().max(255),
    files: z
      .array(z.object({ path: projectPathSchema, content: z.string().max(MAX_PROJECT_FILE_BYTES) }))
      .max(MAX_PROJECT_FILES),
    /** What to check, each a path among `files`. */
    sources: z
      .array(z.object({ path: projectPathSchema, kind: z.enum(PROJECT_SOURCE_KINDS) }))
      .max(MAX_PROJECT_PROGRAMS),
    /** Per-step limits, scaled by the host to the VM's speed. */
    limits: z
      .object({
        compileMs: z.number().int().positive().max(600_000),
        loadMs: z.number().int().positive().max(600_000),
        windowMs: z.number().int().positive().max(60_000),
        pythonMs: z.number().int().positive().max(600_000),
      })
      .partial()
      .default({}),
  })
  .refine((p) => p.files.reduce((sum, f) => sum + f.content.length, 0) <= MAX_PROJECT_TOTAL_BYTES, {
    message: 'project files too large in total',
  })
  .refine((p) => new Set(p.files.map((f) => f.path)).size === p.files.length, { message: 'a path twice' })
  .refine((p) => p.sources.every((s) => p.files.some((f) => f.path === s.path)), {
    message: 'a source that is not among the files',
  });
export type ProjectPayload = z.infer<typeof projectPayloadSchema>;

/**
 * What the guest reports for one source file. Raw facts only (the verifier's log tail, clang's
 * messages, run counts); the host explains them (verifier-log.ts) against the sources it sent.
 */
export const guestSourceResultSchema = z.object({
  path: z.string().max(255),
  kind: z.enum(PROJECT_SOURCE_KINDS),
  /** compile: clang's exit; for bcc-python: the script's run. */
  /** pch: compiled with the guest's precompiled vmlinux.h (guest/vmlinux-pch.ts). */
  compile: z.object({ ok: z.boolean(), ms: z.number().nonnegative(), stderr: z.string().max(16_000), timedOut: z.boolean().optional(), pch: z.boolean().optional() }),
  programs: z
    .array(
      z.object({
        name: z.string().max(256),
        section: z.string().max(256),
        /** 0 when the verifier accepted it; the errno otherwise. */
        err: z.number().int(),
        /** `processed N insns ... peak_states P ...` (log level 4). */
        stats: z.string().max(512),
        insns: z.number().int().nonnegative().optional(),
        xlated: z.number().int().nonnegative().optional(),
        jited: z.number().int().nonnegative().optional(),
        /** The verifier log's last lines (level 1), for a rejected program. */
        log: z.string().max(8_000),
        /** The level-4 log of a rejected program (its error lines even when level 1 overflowed). */
        log4: z.string().max(8_000).optional(),
        /** libbpf's own warnings while loading it (CO-RE, kernel BTF). */
        libbpf: z.string().max(2_000).optional(),
        attachErr: z.number().int().optional(),
        runs: z.number().int().nonnegative().optional(),
      }),
    )
    .max(64),
  loadMs: z.number().nonnegative().optional(),
  /** The loader itself failed (could not open the object, timed out). */
  loadError: z.string().max(4_000).optional(),
  /** bcc-python: the first lines it printed, and how it ended. */
  output: z.array(z.string().max(1_000)).max(30).optional(),
  exit: z.enum(['ok', 'error', 'timeout', 'killed']).optional(),
  windowMs: z.number().nonnegative().optional(),
});
export type GuestSourceResult = z.infer<typeof guestSourceResultSchema>;

export const guestProjectReportSchema = z.object({
  /** `uname -r` inside the guest. */
  kernel: z.string().max(200),
  /** How vmlinux.h was made for this kernel, and how long it took. */
  vmlinuxMs: z.number().nonnegative().optional(),
  clang: z.string().max(200).optional(),
  results: z.array(guestSourceResultSchema).max(MAX_PROJECT_PROGRAMS),
});
export type GuestProjectReport = z.infer<typeof guestProjectReportSchema>;
