import { pathKey } from '../paths/study-paths.js';
import type { Ledger } from './ledger.js';

/**
 * The ledger lives in one comment (65,536 characters with the table), and pushes can grow it:
 * a note under a name nobody has is kept (so `jw.md` → `jiwoo.md` carries its time), and one
 * push of 2,000 such files made a ledger of 122,386 characters; from then on every refresh
 * failed and nobody's submission or check-in was recorded again (the fourteenth attack
 * review's High). When the whole ledger does not fit, what matters least gives way first,
 * a whole kind at a time, so the result depends only on the ledger and the roster:
 *
 * 1. check results of files that are no longer a note on `main` (nothing shows them);
 * 2. records of names nobody on the roster has: their notes, checks and project work;
 * 3. the file lists of project work (the commits, lines and eBPF sources stay);
 * 4. first-seen times of roster members' notes that were removed from `main`.
 *
 * Attendance marks, the approved config and the notes on `main` never give way; a roster whose
 * own records still do not fit fails the refresh as before, saying so.
 */
export type TrimmedKind = 'stale-checks' | 'strangers' | 'work-files' | 'removed-notes';
export const TRIM_ORDER: readonly TrimmedKind[] = ['stale-checks', 'strangers', 'work-files', 'removed-notes'];

export interface FittedLedger {
  ledger: Ledger;
  block: string;
  /** what gave way, in order (empty when the whole ledger fits) */
  trimmed: TrimmedKind[];
}

const notePaths = (l: Ledger) => new Set(Object.values(l.submissions).filter((s) => s.onMain).map((s) => pathKey(s.path)));
const keepChecks = (l: Ledger, paths: Set<string>) => Object.fromEntries(Object.entries(l.checks).filter(([path]) => paths.has(path)));

function trim(ledger: Ledger, kind: TrimmedKind, isMember: (owner: string) => boolean): Ledger {
  switch (kind) {
    case 'stale-checks':
      return { ...ledger, checks: keepChecks(ledger, notePaths(ledger)) };
    case 'strangers': {
      const submissions = Object.fromEntries(Object.entries(ledger.submissions).filter(([, s]) => isMember(s.owner)));
      const next = { ...ledger, submissions };
      const work = ledger.work ? Object.fromEntries(Object.entries(ledger.work).filter(([, w]) => isMember(w.owner))) : undefined;
      return { ...next, checks: keepChecks(next, notePaths(next)), ...(work ? { work } : {}) };
    }
    case 'work-files':
      return ledger.work ? { ...ledger, work: Object.fromEntries(Object.entries(ledger.work).map(([k, w]) => [k, { ...w, files: [] }])) } : ledger;
    case 'removed-notes': {
      const submissions = Object.fromEntries(Object.entries(ledger.submissions).filter(([, s]) => s.onMain));
      return { ...ledger, submissions };
    }
  }
}

/**
 * The ledger as it fits in `maxChars` of encoded block (`encode`), trimmed as above. Each step
 * encodes once more (deflate of a few hundred kilobytes: milliseconds), only when the step
 * before did not fit. Returns the last try when nothing fits; the caller decides.
 */
export function fitLedger(
  ledger: Ledger,
  encode: (l: Ledger) => string,
  maxChars: number,
  isMember: (owner: string) => boolean,
  /** kinds given up before the ledger was built (flooded-strangers.ts): said, not done again */
  already: readonly TrimmedKind[] = [],
): FittedLedger {
  let current = ledger;
  let block = encode(current);
  const trimmed: TrimmedKind[] = [];
  for (const kind of TRIM_ORDER) {
    if (already.includes(kind)) {
      trimmed.push(kind);
      continue;
    }
    if (block.length <= maxChars) continue;
    current = trim(current, kind, isMember);
    trimmed.push(kind);
    block = encode(current);
  }
  return { ledger: current, block, trimmed };
}
