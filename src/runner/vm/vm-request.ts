import { z } from 'zod';
import { projectPayloadSchema } from '../../project/project-request.js';
import { describeIssues, MAX_REQUEST_ONELINERS, oneLinerSchema } from '../one-liner-schema.js';
import { decodeRequestLine, REQUEST_PREFIX } from './serial-protocol.js';

/**
 * What the host hands the guest agent. The host built it from its own parse, so the guest
 * need not parse shell again; the policy still runs inside the guest (verifyOneLiners).
 */
export const vmRequestSchema = z.object({
  version: z.literal(2),
  file: z.string().max(1024).optional(),
  oneLiners: z.array(oneLinerSchema).max(MAX_REQUEST_ONELINERS),
  /** A member's project to compile, load and attach (`/verify project`); its `.bt` scripts come as oneLiners. */
  project: projectPayloadSchema.optional(),
  /**
   * The guest's own watchdog, seconds: it reboots (which ends QEMU) even if the host process
   * that should kill it is gone. Counted from when the request arrives: a restored snapshot's
   * clock says nothing about the host's.
   */
  deadlineSeconds: z.number().int().positive().max(3600),
  /** The host's clock, ms since the epoch: a restored guest's clock is the snapshot's. */
  nowMs: z.number().int().nonnegative(),
  /** Timings scaled to the VM's speed (full emulation compiles ~8x slower than the host). */
  options: z
    .object({
      attachTimeoutMs: z.number().int().positive().max(600_000),
      windowMs: z.number().int().positive().max(600_000),
      parallelism: z.number().int().positive().max(64),
      batchSize: z.number().int().positive().max(64),
      /** After SIGINT, how long a one-liner may take to print its maps and exit. */
      graceMs: z.number().int().positive().max(120_000),
    })
    .partial()
    .default({}),
});
export type VmRequest = z.infer<typeof vmRequestSchema>;

export type RequestLine = { kind: 'not-a-request' } | { kind: 'request'; request: VmRequest } | { kind: 'refused'; why: string };

/**
 * What the guest agent makes of one line from the host: not a request (noise), the request, or
 * a request it refuses, with why. A refused request is answered at once (the agent's error
 * frame), never waited out: the host's VM slot would otherwise idle to its deadline.
 */
export function readRequestLine(line: string): RequestLine {
  if (!line.includes(REQUEST_PREFIX)) return { kind: 'not-a-request' };
  const decoded = decodeRequestLine(line);
  if (decoded === null) return { kind: 'refused', why: '요청을 읽을 수 없습니다 (the request line does not decode)' };
  const parsed = vmRequestSchema.safeParse(decoded);
  return parsed.success ? { kind: 'request', request: parsed.data } : { kind: 'refused', why: `요청을 거부했습니다 (request refused): ${describeIssues(parsed.error)}` };
}
