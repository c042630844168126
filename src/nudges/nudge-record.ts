import { deflateSync, strToU8 } from 'fflate';
import { z } from 'zod';
import { ledgerSeal, openSealedBlock, type LedgerSeal } from '../attendance/ledger-seal.js';
import { markerFor } from '../github/marker-comment.js';
import { COMMENT_BODY_LIMIT, fitText, textLength } from '../github/text-limits.js';
import type { RepoRef } from '../github/octokit.js';
import { turnKeeper } from '../worker/turns.js';

/**
 * The bot's record of a reminder or a digest, hidden in that very comment and signed like the
 * ledger (a key only the app holds, bound to the repository, a purpose of its own). After a
 * restart, on a redelivery or in a second replica, what was sent is read back from these
 * records: never from the repository, and never from a comment the app did not sign.
 */
export type NudgeRecord =
  | { kind: 'nudge'; week: number; logins: string[] }
  | {
      kind: 'digest';
      week: number;
      /** no more edits: the week's notes are due and the next session has started */
      final: boolean;
      /** the mirrors (Discord, Slack) it was handed to: at most once each, recorded before sending */
      mirrored: string[];
    };

export const NUDGE_MARKER = markerFor('nudge');
export const DIGEST_MARKER = markerFor('digest');

const VERSION = 1;
const BLOCK = /^<!-- study-bot:nudge-record v(\d+) ([A-Za-z0-9+/=]+)(?: sig=([0-9a-f]{64}))? -->$/;

const schema = z.strictObject({
  v: z.literal(VERSION),
  k: z.enum(['n', 'd']),
  w: z.number().int().min(1).max(52),
  l: z.array(z.string().min(1).max(45)).max(500).optional(),
  f: z.union([z.literal(0), z.literal(1)]).optional(),
  m: z.array(z.enum(['discord', 'slack'])).max(2).optional(),
});

export const nudgeRecordSeal = (secrets: readonly string[], repo: RepoRef): LedgerSeal | null => ledgerSeal(secrets, repo, 'nudge-record v1');

export function encodeNudgeRecord(record: NudgeRecord, seal: LedgerSeal | null): string {
  const data: z.infer<typeof schema> =
    record.kind === 'nudge'
      ? { v: VERSION, k: 'n', w: record.week, l: record.logins }
      : { v: VERSION, k: 'd', w: record.week, f: record.final ? 1 : 0, m: record.mirrored as ('discord' | 'slack')[] };
  const packed = Buffer.from(deflateSync(strToU8(JSON.stringify(data)), { level: 9 })).toString('base64');
  return `<!-- study-bot:nudge-record v${VERSION} ${packed}${seal ? ` sig=${seal.sign(packed)}` : ''} -->`;
}

/**
 * The record of a comment body, or null: none, another version, not signed by this app for this
 * repository. Read only where `withRecord` puts it, right after the marker on the first line:
 * the text below quotes what members wrote, and a block there is theirs, not the bot's.
 */
export function decodeNudgeRecord(body: string, seal: LedgerSeal | null): NudgeRecord | null {
  const end = body.indexOf('\n');
  const head = (end < 0 ? body : body.slice(0, end)).replace(/\r$/, '');
  const marker = [NUDGE_MARKER, DIGEST_MARKER].find((m) => head.startsWith(m));
  const json = openSealedBlock(marker ? BLOCK.exec(head.slice(marker.length)) : null, VERSION, seal);
  if (json === null) return null;
  const parsed = schema.safeParse(json);
  if (!parsed.success) return null;
  const d = parsed.data;
  return d.k === 'n' ? { kind: 'nudge', week: d.w, logins: d.l ?? [] } : { kind: 'digest', week: d.w, final: d.f === 1, mirrored: d.m ?? [] };
}

/**
 * A comment body: the marker and the record on the first line, then what people see, cut (with
 * a note) to GitHub's limit on a comment. A reminder's record names only the members whose
 * line survived the cut: nobody is recorded as reminded who was not.
 */
export function withRecord(visible: string, record: NudgeRecord, seal: LedgerSeal | null): string {
  const marker = record.kind === 'nudge' ? NUDGE_MARKER : DIGEST_MARKER;
  // the record's own size bounds what is left for the text (logins: at most 45 characters each)
  const budget = COMMENT_BODY_LIMIT - textLength(marker) - textLength(encodeNudgeRecord(record, seal)) - 1;
  const shown = fitText(visible, budget);
  const kept = record.kind === 'nudge' ? { ...record, logins: record.logins.filter((l) => shown.toLowerCase().includes(`\n- @${l.toLowerCase()} (`)) } : record;
  return `${marker}${encodeNudgeRecord(kept, seal)}\n${shown}`;
}

export interface SentComment {
  id: number;
  body: string;
  htmlUrl?: string | null;
  record: NudgeRecord;
}

/**
 * What was sent, from the comments of the report issue: bot comments only, with a record that
 * verifies. Per week, the first reminder and the first digest (by comment id) count; a copy
 * of a block pasted into another comment by another bot changes nothing.
 *
 * A comment GitHub says another app wrote (`performed_via_github_app`, e.g. GitHub Actions for
 * a workflow's github-actions[bot]) is not read at all; one with no app named, or all of them
 * when `appId` is null (credentials that do not say), is. The rest are checked in turns
 * (worker/turns.ts): each first line with the marker costs a pattern pass and one HMAC per
 * secret over up to 65 KB, and 6,000 such comments held the event loop 2.5 s in one loop
 * (the eighteenth attack review's High).
 */
export async function sentOf(
  comments: readonly { id: number; body: string; userType: string; appId?: number | null; htmlUrl?: string | null }[],
  seal: LedgerSeal | null,
  appId: number | null,
) {
  const nudges = new Map<number, SentComment>();
  const digests = new Map<number, SentComment>();
  const pause = turnKeeper();
  for (const c of [...comments].sort((a, b) => a.id - b.id)) {
    await pause();
    if (c.userType !== 'Bot' || (appId !== null && c.appId != null && c.appId !== appId)) continue;
    const record = decodeNudgeRecord(c.body, seal);
    if (!record) continue;
    const into = record.kind === 'nudge' ? nudges : digests;
    if (!into.has(record.week)) into.set(record.week, { id: c.id, body: c.body, htmlUrl: c.htmlUrl ?? null, record });
  }
  return { nudges, digests };
}
