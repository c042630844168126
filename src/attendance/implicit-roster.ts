import type { Ledger } from './ledger.js';

/**
 * Who the rows are while the config's roster is empty (a study being set up): every `{name}`
 * with a note on `main` or project work is accepted, so one member's push of notes under 9,000
 * made-up names made 9,000 rows, and every later refresh computed and rendered 9,000 × 52
 * cells on the event loop (1.3-4.9 s per push; the fourteenth attack review's High). The first
 * names to arrive are kept, up to a bound a real study never reaches; the rest wait for the
 * organizers to write the roster, and the report says how many.
 */
export const IMPLICIT_ROSTER_MAX = 100;
/**
 * Names one pusher brings into the rows (a member's name and a spelling of it, say): arrival
 * order alone let 2,000 made-up names pushed before another member's first note take every
 * row, and the ledger's fit then dropped that member's on-time record as a stranger's (the
 * review's next High). Names whose first sighting has a pusher (a push listing the file) come
 * first, at most this many per pusher; then names nobody is known to have brought (files the
 * tree showed before the app saw them pushed, ledgers written before pushers were kept,
 * `study-bot report` from git history), in order of arrival, up to the bound.
 */
export const IMPLICIT_NAMES_PER_PUSHER = 3;

export interface ImplicitRoster {
  /** the names kept, sorted for the table */
  names: string[];
  /** names with work on `main` left out */
  left: number;
}

export function implicitRoster(ledger: Pick<Ledger, 'submissions' | 'work'>, max = IMPLICIT_ROSTER_MAX): ImplicitRoster {
  // each name's first arrival, and everyone who pushed a note under it: a name is a pusher's to
  // bring if they pushed any note under it, so another pusher's note under member-1's name
  // (pushed first) does not spend member-1's row (the fifteenth review's High)
  const first = new Map<string, { at: number; pushers: Set<string> }>();
  const see = (owner: string, at: number, pushers: readonly string[]) => {
    const known = first.get(owner) ?? first.set(owner, { at, pushers: new Set() }).get(owner)!;
    known.at = Math.min(known.at, at);
    for (const p of pushers) known.pushers.add(p);
  };
  for (const s of Object.values(ledger.submissions)) if (s.onMain) see(s.owner, s.firstSeen, s.pushers ?? []);
  // project work is credited only to its pusher's own folder (vouchedFor): it brings its own name
  for (const w of Object.values(ledger.work ?? {})) see(w.owner, w.firstSeen, []);
  const arrived = [...first].sort(([a, x], [b, y]) => x.at - y.at || (a < b ? -1 : a > b ? 1 : 0));
  const perPusher = new Map<string, number>();
  const names: string[] = [];
  const admitted = new Set<string>();
  for (const [name, { pushers }] of arrived) {
    if (names.length >= max) break;
    // the pusher with the most room left among those who pushed under this name (ties: by login)
    const pusher = [...pushers].sort((a, b) => (perPusher.get(a) ?? 0) - (perPusher.get(b) ?? 0) || (a < b ? -1 : 1))[0];
    if (pusher === undefined || (perPusher.get(pusher) ?? 0) >= IMPLICIT_NAMES_PER_PUSHER) continue;
    perPusher.set(pusher, (perPusher.get(pusher) ?? 0) + 1);
    names.push(name);
    admitted.add(name);
  }
  for (const [name, { pushers }] of arrived) if (pushers.size === 0 && names.length < max && !admitted.has(name)) names.push(name);
  return { names: names.sort((a, b) => a.localeCompare(b)), left: arrived.length - names.length };
}
