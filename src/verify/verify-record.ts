import { deflateSync, strToU8 } from 'fflate';
import { z } from 'zod';
import { ledgerSeal, openSealedBlock, type LedgerSeal } from '../attendance/ledger-seal.js';
import { markerFor } from '../github/marker-comment.js';
import type { RepoRef } from '../github/octokit.js';
import { oneLinerSchema } from '../runner/one-liner-schema.js';
import type { DispatchedRun, VerifyJob } from './drivers/types.js';

/**
 * The bot's own record of a `/verify` request, hidden in every comment the bot writes for it
 * (the ⏳, the result, a refusal after acceptance, a close-out): who asked, whether it is
 * still pending and until when, and, once its Check Run exists, the whole job. It is what
 * survives a restart: the gate counts a member's requests of the last hour from these records,
 * and the recovery pass finds pending requests again and finishes them (verify-history.ts,
 * recover-verify.ts).
 *
 * Anyone with write access can edit any comment, and any workflow can post as a bot, so the
 * record is signed like the ledger (HMAC with a key only the app holds, bound to the
 * repository, a purpose of its own) and read only from bot comments. A copy of a real block
 * in another comment says nothing new: records are merged by request id, and `done` wins.
 */
export interface VerifyRecord {
  requestId: string;
  requester: string;
  state: 'pending' | 'done';
  /**
   * epoch ms: when the gate accepted the request, just before its ⏳ comment was posted. It ties
   * the record to that comment (recordSitsIn): a copy pasted into a later comment is not it.
   */
  acceptedAt?: number;
  /** the language the request was answered in */
  lang?: 'ko' | 'en';
  /** epoch ms; pending requests only */
  deadline?: number;
  /** where the request runs, once known */
  driver?: 'local' | 'actions';
  /** the job, once its Check Run exists (one-liners without their argv: enough to report them) */
  job?: VerifyJob;
  /** the actions run it waits for */
  run?: DispatchedRun;
}

const VERSION = 1;
const BLOCK = /<!-- study-bot:verify-record v(\d+) ([A-Za-z0-9+/=]+)(?: sig=([0-9a-f]{64}))? -->/;

const jobSchema = z.object({
  requestId: z.string(),
  repo: z.object({ owner: z.string(), repo: z.string() }),
  path: z.string(),
  sha: z.string(),
  oneLiners: z.array(oneLinerSchema).max(500),
  comment: z.object({ kind: z.enum(['issue', 'commit']), id: z.number().int() }),
  checkRunId: z.number().int(),
  view: z.object({
    webOrigin: z.string(),
    owner: z.string(),
    repo: z.string(),
    path: z.string(),
    sha: z.string(),
    requester: z.string(),
    requestId: z.string(),
    lang: z.enum(['ko', 'en']),
    kernelLabel: z.string().nullable().optional(),
    project: z.boolean().optional(),
  }),
  failureConclusion: z.enum(['failure', 'neutral']),
  kernelLabel: z.string().nullable(),
  kernels: z.array(z.string()),
  ticket: z.object({ key: z.string(), requestId: z.string(), startedAt: z.number() }),
  deadline: z.number(),
  notes: z.array(z.object({ ko: z.string(), en: z.string() })).optional(),
  project: z.object({ root: z.string().max(300) }).optional(),
});

const recordSchema = z.strictObject({
  v: z.literal(VERSION),
  id: z.string().regex(/^[a-z]{2}\d{1,20}$/),
  by: z.string().min(1).max(100),
  st: z.enum(['p', 'd']),
  at: z.number().int().optional(),
  lg: z.enum(['ko', 'en']).optional(),
  dl: z.number().int().optional(),
  dr: z.enum(['local', 'actions']).optional(),
  job: jobSchema.optional(),
  rn: z
    .object({
      runner: z.object({ owner: z.string(), repo: z.string() }),
      workflow: z.string(),
      runId: z.number().int().nullable(),
      runUrl: z.string().nullable(),
      dispatchedAt: z.number(),
    })
    .optional(),
});

/** The seal of `/verify` records in `repo`: the ledger's secrets, a key of their own. */
export const verifyRecordSeal = (secrets: readonly string[], repo: RepoRef): LedgerSeal | null => ledgerSeal(secrets, repo, 'verify-record v1');

/** Long commands are cut: the record only ever reports them (a table cell shows 160 characters). */
const compactJob = (job: VerifyJob): VerifyJob => ({
  ...job,
  // The folder only: what was collected is in memory, and a restart loses the run anyway.
  ...(job.project ? { project: { root: job.project.root } } : {}),
  oneLiners: job.oneLiners.map((o) => ({ kind: o.kind, line: o.line, endLine: o.endLine, heading: o.heading?.slice(0, 200) ?? null, command: o.command.slice(0, 400), argv: [], env: {}, shellSyntax: [] })),
});

export function encodeVerifyRecord(record: VerifyRecord, seal: LedgerSeal | null): string {
  const data: z.infer<typeof recordSchema> = {
    v: VERSION,
    id: record.requestId,
    by: record.requester,
    st: record.state === 'pending' ? 'p' : 'd',
    ...(record.acceptedAt !== undefined ? { at: record.acceptedAt } : {}),
    ...(record.lang ? { lg: record.lang } : {}),
    ...(record.deadline !== undefined ? { dl: record.deadline } : {}),
    ...(record.driver ? { dr: record.driver } : {}),
    ...(record.job ? { job: compactJob(record.job) as z.infer<typeof jobSchema> } : {}),
    ...(record.run ? { rn: record.run } : {}),
  };
  const packed = Buffer.from(deflateSync(strToU8(JSON.stringify(data)), { level: 9 })).toString('base64');
  return `<!-- study-bot:verify-record v${VERSION} ${packed}${seal ? ` sig=${seal.sign(packed)}` : ''} -->`;
}

/**
 * The record of a comment body, or null: none, another version, a signature that does not
 * verify, or not ours. Read only where `stampRecord` puts it, the first line of a `/verify`
 * comment (marker first): a bot comment quotes a member's output further down, and a block
 * there is text, never a record.
 */
export function decodeVerifyRecord(body: string, seal: LedgerSeal | null): VerifyRecord | null {
  const head = firstLine(body);
  if (!head.startsWith(markerFor('verify'))) return null;
  const match = BLOCK.exec(head);
  const json = openSealedBlock(match, VERSION, seal);
  if (json === null) return null;
  const parsed = recordSchema.safeParse(json);
  if (!parsed.success) return null;
  const d = parsed.data;
  return {
    requestId: d.id,
    requester: d.by,
    state: d.st === 'p' ? 'pending' : 'done',
    ...(d.at !== undefined ? { acceptedAt: d.at } : {}),
    ...(d.lg ? { lang: d.lg } : {}),
    ...(d.dl !== undefined ? { deadline: d.dl } : {}),
    ...(d.dr ? { driver: d.dr } : {}),
    ...(d.job ? { job: d.job as VerifyJob } : {}),
    ...(d.rn ? { run: d.rn } : {}),
  };
}

/** GitHub's clock may run behind the bot's by this much (the record is stamped before the POST). */
const CLOCK_SKEW_MS = 2 * 60_000;
/** The ⏳ is posted right after acceptance; retries of a slow POST stay well inside this. */
const POST_DELAY_MS = 15 * 60_000;

/**
 * Whether `record` was written for `comment`, the place it was read from. A signature proves the
 * bot wrote the block, not that it wrote it there: any workflow can post as a bot (a commit
 * comment names no app) and anyone with write access can edit a bot's comment, so a block
 * copied from an old ⏳ would otherwise be a "pending" request again after a restart, and the
 * close-out would rewrite the old result and its Check Run (the attack review's High 1). A
 * record is its comment's when the job it names lives in that comment and GitHub created the
 * comment when the request was accepted (a time no edit changes).
 */
export function recordSitsIn(record: VerifyRecord, comment: { kind: 'issue' | 'commit'; id: number; createdAt: number }): boolean {
  if (record.job && (record.job.comment.kind !== comment.kind || record.job.comment.id !== comment.id)) return false;
  // Records written before `at` existed carry the gate's ticket once they have a job.
  const acceptedAt = record.acceptedAt ?? record.job?.ticket.startedAt;
  if (acceptedAt === undefined || !Number.isFinite(comment.createdAt)) return false;
  return comment.createdAt >= acceptedAt - CLOCK_SKEW_MS && comment.createdAt <= acceptedAt + POST_DELAY_MS;
}

/**
 * `body` with `record` in its first line, next to the `/verify` marker: GitHub's length limit
 * cuts a long result at its end, never there. A record already in the body is replaced.
 */
export function stampRecord(body: string, record: VerifyRecord, seal: LedgerSeal | null): string {
  const block = encodeVerifyRecord(record, seal);
  const end = body.indexOf('\n');
  const head = (end < 0 ? body : body.slice(0, end)).replace(BLOCK, '');
  return end < 0 ? `${head}${block}` : `${head}${block}${body.slice(end)}`;
}

const firstLine = (body: string): string => {
  const end = body.indexOf('\n');
  return end < 0 ? body : body.slice(0, end);
};
