import type { StudyConfig } from '../config/schema.js';
import { pathKey, studyPaths } from '../paths/study-paths.js';
import type { StudyFileRef } from './ledger.js';

/**
 * A path as the ledger keys it: week notes of a roster member, or notes in a week folder
 * under a name nobody has in the roster (kept so that renaming `jw.md` to `jiwoo.md` carries
 * its first-seen time). Attribution is by the path's owner, never by the commit's author:
 * commits made on a VM arrive as `Ubuntu <ubuntu@ip-…>`. The path is the name it reads as
 * (paths/name-key.ts), as the classifier decides whose it is: `김철수.md` + U+FEFF beside
 * kim-cs's note was kim-cs's to the classifier and another note to the ledger, and its verdict
 * took the row (attack review 19); now both are one note, and which push's verdict counts is
 * the push check's look-alike rule.
 */
export function studyFileOf(path: string, config: StudyConfig): StudyFileRef | null {
  const c = studyPaths(config).classify(path);
  if (c.week === null) return null;
  if (c.kind === 'submission' && c.member) return { path: pathKey(path), week: c.week, owner: c.member };
  if (c.kind === 'unknown' && c.pathName) return { path: pathKey(path), week: c.week, owner: c.pathName };
  return null;
}

/** Paths classified between two turns of the event loop (~50 us each; study-paths.ts primes alike). */
const FILES_CHUNK = 500;

/**
 * `studyFileOf` of every path, a chunk per turn of the event loop: the report reads the whole
 * tree on every refresh, and 50,000 notes under made-up names (more than study-paths.ts
 * remembers, so priming them first did not help) were classified in one turn of over half a
 * second (attack review 18).
 */
export async function studyFilesOf(paths: readonly string[], config: StudyConfig): Promise<StudyFileRef[]> {
  const files: StudyFileRef[] = [];
  for (let i = 0; i < paths.length; i++) {
    const file = studyFileOf(paths[i]!, config);
    if (file) files.push(file);
    if (i % FILES_CHUNK === FILES_CHUNK - 1) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return files;
}

/** Only files that count as a member's submission (the report's rows). */
export const isSubmission = (path: string, config: StudyConfig): boolean => studyPaths(config).classify(path).kind === 'submission';

export interface CommitPaths {
  added?: string[];
  removed?: string[];
}

/**
 * Renames inside one week folder, as a push reports them: a commit that removes one study
 * file and adds one in the same week. Two or more on either side in one folder are left
 * alone: pairing them would be a guess. A roster member's note is renamed only into the same
 * member's name (`jw.md` → `jiwoo.md`, an alias to the name): moving another member's note onto
 * one's own name (`git mv m1.md hgd.md` after the deadline) took m1's first-seen time and
 * deleted m1's record (the fourteenth attack review's High). A name nobody has may still
 * become a member's.
 */
export function renamesIn(commits: readonly CommitPaths[], config: StudyConfig): { from: StudyFileRef; to: StudyFileRef }[] {
  const pairs: { from: StudyFileRef; to: StudyFileRef }[] = [];
  for (const commit of commits) {
    const byWeek = new Map<number, { removed: StudyFileRef[]; added: StudyFileRef[] }>();
    const slot = (week: number) => byWeek.get(week) ?? byWeek.set(week, { removed: [], added: [] }).get(week)!;
    for (const p of commit.removed ?? []) {
      const ref = studyFileOf(p, config);
      if (ref) slot(ref.week).removed.push(ref);
    }
    for (const p of commit.added ?? []) {
      const ref = studyFileOf(p, config);
      if (ref) slot(ref.week).added.push(ref);
    }
    for (const { removed, added } of byWeek.values()) {
      if (removed.length !== 1 || added.length !== 1) continue;
      const [from, to] = [removed[0], added[0]];
      if (from.owner !== to.owner && isSubmission(from.path, config)) continue;
      pairs.push({ from, to });
    }
  }
  return pairs;
}
