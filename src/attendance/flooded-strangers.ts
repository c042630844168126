import { pathKey } from '../paths/study-paths.js';
import { type Ledger, type LedgerChange, type StudyFileRef } from './ledger.js';
import { IMPLICIT_ROSTER_MAX } from './implicit-roster.js';

/**
 * Stranger names (nobody on the roster has them) beyond which their notes are not applied to
 * the ledger at all. A note under a name nobody has is kept so that `jw.md` → `jiwoo.md` carries
 * its first-seen time, and fit-ledger.ts gives all of them up when the ledger does not fit; but
 * every refresh re-reads the whole tree, so 50,000 made-up notes pushed once were applied record
 * by record and encoded whole before being trimmed on every later refresh: 1.3-1.9 s of one
 * event-loop turn per member's push (attack review 18). 2,000 such notes already made a
 * 122,386-character ledger (review 14), so past 1,000 names the fit would give them up anyway;
 * they are only counted, for the report's note, and their cost no longer grows with them.
 */
export const STRANGER_NAMES_MAX = 1_000;

export interface StrangersLeftOut {
  /** the changes to apply: without the strangers' notes when they were too many */
  changes: LedgerChange[];
  /** the ledger to apply them to: without the strangers' records when they were too many */
  base: Ledger;
  /** how many stranger names were left out (0: none, the fit decides as before) */
  left: number;
}

// most names are ASCII, which NFC leaves as they are: 50,000 normalize calls a refresh add up
const nfc = (s: string) => (/^[\x20-\x7e]*$/.test(s) ? s : s.normalize('NFC'));

/** Every tree change keeping only the files (and renames) `keep` accepts. */
function filterTrees(changes: readonly LedgerChange[], keep: (f: StudyFileRef) => boolean): LedgerChange[] {
  return changes.map((c) =>
    c.kind === 'tree' ? { ...c, files: c.files.filter(keep), renames: c.renames.filter((r) => keep(r.from) && keep(r.to)) } : c,
  );
}

/** The ledger without the records of names `isMember` refuses (as fit-ledger's 'strangers' step). */
export function withoutStrangers(ledger: Ledger, isMember: (owner: string) => boolean): Ledger {
  const submissions = Object.fromEntries(Object.entries(ledger.submissions).filter(([, s]) => isMember(s.owner)));
  const paths = new Set(Object.values(submissions).map((s) => pathKey(s.path)));
  const checks = Object.fromEntries(Object.entries(ledger.checks).filter(([path]) => paths.has(path)));
  const work = ledger.work ? Object.fromEntries(Object.entries(ledger.work).filter(([, w]) => isMember(w.owner))) : undefined;
  return { ...ledger, submissions, checks, ...(work ? { work } : {}) };
}

/**
 * With a roster: when the changes' study files and the ledger hold more than
 * STRANGER_NAMES_MAX names nobody on it has, those names' files and records are left out
 * before anything is applied. Members' records are untouched. One pass over the files (a Set
 * lookup each), no sort and no encoding of the strangers.
 */
export function leaveOutStrangers(base: Ledger, changes: readonly LedgerChange[], roster: ReadonlySet<string>): StrangersLeftOut {
  const isMember = (owner: string) => roster.has(nfc(owner));
  const strangers = new Set<string>();
  for (const c of changes) if (c.kind === 'tree') for (const f of c.files) if (!isMember(f.owner)) strangers.add(nfc(f.owner));
  for (const s of Object.values(base.submissions)) if (!isMember(s.owner)) strangers.add(nfc(s.owner));
  if (strangers.size <= STRANGER_NAMES_MAX) return { changes: [...changes], base, left: 0 };
  return { changes: filterTrees(changes, (f) => isMember(f.owner)), base: withoutStrangers(base, isMember), left: strangers.size };
}

/**
 * With an empty roster (implicit-roster.ts: the first IMPLICIT_ROSTER_MAX names to arrive are
 * the rows): a name the complete tree shows for the first time (no record, no push listing it)
 * arrives with the tree's push time and no pusher, the last of all, ties in code-unit order; so
 * of those only the first IMPLICIT_ROSTER_MAX in that order can take a row, and leaving the
 * rest out changes no row. Done only when they are more than STRANGER_NAMES_MAX; the names
 * left out are counted; the names the implicit roster then does not take are the fit's to trim.
 */
export function leaveOutImplicitStrangers(base: Ledger, changes: readonly LedgerChange[]): StrangersLeftOut {
  const known = new Set<string>();
  for (const s of Object.values(base.submissions)) known.add(nfc(s.owner));
  for (const w of Object.values(base.work ?? {})) known.add(nfc(w.owner));
  for (const c of changes) {
    if (c.kind === 'tree' && !c.complete) for (const f of c.files) known.add(nfc(f.owner));
    if (c.kind === 'tree') for (const r of c.renames) known.add(nfc(r.to.owner));
    if (c.kind === 'work') known.add(nfc(c.work.owner));
  }
  const fresh = new Set<string>();
  for (const c of changes) if (c.kind === 'tree' && c.complete) for (const f of c.files) if (!known.has(nfc(f.owner))) fresh.add(nfc(f.owner));
  if (fresh.size <= STRANGER_NAMES_MAX + IMPLICIT_ROSTER_MAX) return { changes: [...changes], base, left: 0 };
  // the first IMPLICIT_ROSTER_MAX fresh names in code-unit order (implicitRoster's tie-break):
  // a bounded selection, not a sort of all of them
  const first: string[] = [];
  for (const name of fresh) {
    if (first.length === IMPLICIT_ROSTER_MAX && !(name < first[first.length - 1]!)) continue;
    let i = first.length;
    while (i > 0 && name < first[i - 1]!) i--;
    first.splice(i, 0, name);
    if (first.length > IMPLICIT_ROSTER_MAX) first.pop();
  }
  const kept = new Set(first);
  const keep = (f: StudyFileRef) => !fresh.has(nfc(f.owner)) || kept.has(nfc(f.owner));
  return { changes: filterTrees(changes, keep), base, left: fresh.size - kept.size };
}
