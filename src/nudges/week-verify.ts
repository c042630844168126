import { turnKeeper } from '../worker/turns.js';
import type { RecordedRequest } from '../verify/verify-history.js';

/**
 * Which of the week's `/verify` requests the digest lists. The records are first narrowed to
 * the week's notes, then each member keeps only their latest few and the list takes members in
 * turns, so one member's many requests (each a record like anyone's, at the default six an
 * hour) cannot push the others out: the eighteenth attack review found 50 of one member's
 * requests leaving every other member out of the digest ("/verify: 50건", every line his).
 * The list is short on purpose: the digest is a GitHub comment and, once final, a Discord
 * (2,000 characters) or Slack (4,000) message, and each listed request costs one Check Run
 * lookup.
 */

/** A member's latest requests the digest may list. */
export const VERIFY_PER_MEMBER = 3;
/** Requests the digest lists in all (the rest are counted). */
export const VERIFY_LISTED = 12;

export interface WeekRequests {
  /** the requests listed, oldest first; at most VERIFY_PER_MEMBER each and VERIFY_LISTED in all */
  listed: RecordedRequest[];
  /** all the week's requests on its notes, listed or not */
  total: number;
}

/**
 * The requests of `records` (oldest first, as recordedRequests returns them) that `isWeekNote`
 * accepts, picked fairly. Walked in turns (worker/turns.ts): a week of records of a whole
 * roster runs to tens of thousands.
 */
export async function weekRequests(records: readonly RecordedRequest[], isWeekNote: (path: string) => boolean, limits = { perMember: VERIFY_PER_MEMBER, listed: VERIFY_LISTED }): Promise<WeekRequests> {
  const pause = turnKeeper();
  // each member's latest requests, newest first; a Map keeps members in order of first request
  const byMember = new Map<string, number[]>();
  let total = 0;
  for (let i = records.length - 1; i >= 0; i--) {
    await pause();
    const r = records[i]!;
    const path = r.job?.path;
    if (!path || !isWeekNote(path)) continue;
    total++;
    const key = r.requester.toLowerCase();
    const latest = byMember.get(key) ?? [];
    if (latest.length < limits.perMember) latest.push(i);
    byMember.set(key, latest);
  }
  // Members in turns: everyone's latest before anyone's second. Members are met from the
  // newest request backwards, so with more members than lines the most recent ones are listed.
  const picked: number[] = [];
  for (let rank = 0; rank < limits.perMember && picked.length < limits.listed; rank++) {
    for (const latest of byMember.values()) {
      if (picked.length >= limits.listed) break;
      const i = latest[rank];
      if (i !== undefined) picked.push(i);
    }
  }
  return { listed: picked.sort((a, b) => a - b).map((i) => records[i]!), total };
}
