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


/** The most a heading may carry to a runner: longer ones are cut, not refused (it is only context). */
export const MAX_REQUEST_HEADING = 500;

/** The one-liner as a request carries it: its heading cut to what the schema takes. */
export const forRequest = <T extends { heading: string | null }>(oneLiner: T): T =>
  oneLiner.heading !== null && oneLiner.heading.length > MAX_REQUEST_HEADING ? { ...oneLiner, heading: oneLiner.heading.slice(0, MAX_REQUEST_HEADING) } : oneLiner;

/**
 * Why the runner's schema refuses this one-liner, in both languages, or null. The host asks
 * before it boots anything, with the very schema the guest agent parses with, so the two
 * never disagree (a request the guest refuses used to hold a VM until its deadline).
 */
export function requestLimitProblem(oneLiner: unknown): string | null {
  const parsed = oneLinerSchema.safeParse(oneLiner);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.join('.');
  const max = 'maximum' in issue ? ` (max ${String(issue.maximum)})` : '';
  return `러너 요청 한도를 넘습니다: ${where}${max} (over the runner's request limits: ${where}${max}: ${issue.message})`;
}

/** One line about why a request was refused, for the guest's answer. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(request)'}: ${issue.message}`).join('; ').slice(0, 500);
}
