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
  const first = new Map<string, { at: number; by: string | undefined }>();
  const see = (owner: string, at: number, by: string | undefined) => {
    const known = first.get(owner);
    if (!known || at < known.at) first.set(owner, { at, by });
  };
  for (const s of Object.values(ledger.submissions)) if (s.onMain) see(s.owner, s.firstSeen, s.by);
  // project work is credited only to its pusher's own folder (vouchedFor): it brings its own name
  for (const w of Object.values(ledger.work ?? {})) see(w.owner, w.firstSeen, undefined);
  const arrived = [...first].sort(([a, x], [b, y]) => x.at - y.at || (a < b ? -1 : a > b ? 1 : 0));
  const perPusher = new Map<string, number>();
  const names: string[] = [];
  for (const [name, { by }] of arrived) {
    if (by === undefined || names.length >= max) continue;
    const brought = perPusher.get(by) ?? 0;
    if (brought >= IMPLICIT_NAMES_PER_PUSHER) continue;
    perPusher.set(by, brought + 1);
    names.push(name);
  }
  for (const [name, { by }] of arrived) if (by === undefined && names.length < max) names.push(name);
  return { names: names.sort((a, b) => a.localeCompare(b)), left: arrived.length - names.length };
}
