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

export interface ImplicitRoster {
  /** the names kept, sorted for the table */
  names: string[];
  /** names with work on `main` left out */
  left: number;
}

export function implicitRoster(ledger: Pick<Ledger, 'submissions' | 'work'>, max = IMPLICIT_ROSTER_MAX): ImplicitRoster {
  const firstSeen = new Map<string, number>();
  const see = (owner: string, at: number) => firstSeen.set(owner, Math.min(at, firstSeen.get(owner) ?? Infinity));
  for (const s of Object.values(ledger.submissions)) if (s.onMain) see(s.owner, s.firstSeen);
  for (const w of Object.values(ledger.work ?? {})) see(w.owner, w.firstSeen);
  const arrived = [...firstSeen].sort(([a, at], [b, bt]) => at - bt || (a < b ? -1 : a > b ? 1 : 0));
  return { names: arrived.slice(0, max).map(([name]) => name).sort((a, b) => a.localeCompare(b)), left: Math.max(0, arrived.length - max) };
}
