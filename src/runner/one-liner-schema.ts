import { z } from 'zod';

/** A one-liner as it crosses to a runner (a GitHub Actions job, or the VM's guest agent). */
export const MAX_REQUEST_ONELINERS = 50;

export const oneLinerSchema = z.object({
  kind: z.enum(['bpftrace', 'bpftrace-list', 'bcc-tool']),
  line: z.number().int().nonnegative(),
  endLine: z.number().int().nonnegative(),
  heading: z.string().max(500).nullable(),
  command: z.string().min(1).max(16 * 1024),
  argv: z.array(z.string().max(16 * 1024)).max(256),
  env: z.record(z.string(), z.string().max(4096)),
  shellSyntax: z.array(z.string().max(64)).max(64),
});

