import { distance } from 'fastest-levenshtein';
import type { Member, StudyConfig } from '../config/schema.js';
import { visibleName } from './name-key.js';

/**
 * Who is who in the roster. Names and aliases compare after Unicode NFC normalization:
 * macOS commits Hangul file names decomposed (NFD), so `홍길동.md` may arrive as six code
 * points instead of three and must still resolve to the member whose alias is 홍길동.
 */

export const nfc = (text: string): string => text.normalize('NFC');

/** The member a GitHub login belongs to; logins are case-insensitive on GitHub. */
export function memberByLogin(login: string, config: StudyConfig): Member | null {
  const wanted = login.toLowerCase();
  return config.members.find((m) => m.login.toLowerCase() === wanted) ?? null;
}

/**
 * The member whose `name` or one of whose `aliases` reads as `name`: NFC, invisible characters
 * dropped on both sides (name-key.ts), so the roster and the paths agree on what a name is.
 */
export function memberByName(name: string, config: StudyConfig): Member | null {
  const wanted = visibleName(name);
  return (
    config.members.find((m) => visibleName(m.name) === wanted) ??
    config.members.find((m) => m.aliases.some((a) => visibleName(a) === wanted)) ??
    null
  );
}

/** Same as memberByName, but ignoring case: `HGD.md` for `hgd` is a near miss, not a stranger. */
export function memberByNameIgnoringCase(name: string, config: StudyConfig): Member | null {
  const wanted = visibleName(name).toLowerCase();
  return config.members.find((m) => [m.name, ...m.aliases].some((n) => visibleName(n).toLowerCase() === wanted)) ?? null;
}

// Characters that make two names look the same on screen while comparing different:
// zero-width spaces and joiners, the BOM, bidi controls.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g;

/** A comparison key for "did you mean": compatibility-folded (full-width ｈｇｄ → hgd), lower case, invisible characters removed. */
const looseKey = (text: string): string => text.normalize('NFKC').replace(INVISIBLE, '').trim().toLowerCase();

export interface NameSuggestion {
  member: Member;
  /** the roster spelling closest to what was written: the name or one of the aliases */
  spelling: string;
  distance: number;
}

/**
 * The roster spelling nearest to `written`, when it is near enough to be a typo: at most
 * one edit for short names, about a third of the length for longer ones. Returns null
 * for a name that resembles nobody (an organizer's file, a stranger).
 */
export function suggestMember(written: string, config: StudyConfig): NameSuggestion | null {
  const key = looseKey(written);
  if (!key) return null;
  let best: NameSuggestion | null = null;
  for (const member of config.members) {
    for (const spelling of [member.name, ...member.aliases]) {
      const d = distance(key, looseKey(spelling));
      if (!best || d < best.distance) best = { member, spelling: nfc(spelling), distance: d };
    }
  }
  if (!best) return null;
  const allowed = Math.max(1, Math.floor(Math.max(key.length, looseKey(best.spelling).length) / 3));
  return best.distance <= allowed ? best : null;
}
