import { distance } from 'fastest-levenshtein';
import { headingKey } from '../markdown/heading-text.js';
import type { Outline, OutlineHeading } from '../markdown/outline.js';
import type { SectionSpec } from './types.js';

/**
 * Finds each of the rubric's sections among the document's headings, forgivingly, once per
 * file; the `sections`, `empty-section`, `env-fields` and `evidence` rules all read the result.
 *
 * A heading matches a section, in this order of preference:
 * 1. `exact`: same key as the section's heading or an alias (case, spacing, emoji, punctuation
 *    and a leading number like `1.` ignored), at `##` first, then at `#` or `###`;
 * 2. `contains`: a `#`/`##` heading whose key contains the section's key (`## 학습 내용 정리`);
 * 3. `near`: a `#`/`##` heading within a small edit distance (`## bpftrce 실습`), which the
 *    `sections` rule reports as a "did you mean".
 * Each heading serves at most one section; a section takes the first heading that fits.
 * Cost: headings × names, with the edit distance only between keys of similar length.
 */
export interface SectionMatch {
  spec: SectionSpec;
  /** position in the template counting the title as the first heading (`## 환경 설정` is 2nd) */
  position: number;
  heading: OutlineHeading | null;
  how: 'exact' | 'contains' | 'near' | null;
}

/** Longest heading key compared by edit distance; longer headings are sentences, not typos. */
const MAX_NEAR_KEY = 64;

/** Edits tolerated for a key of this length: none for 1-3 characters, then one per four. */
export const nearThreshold = (length: number): number => (length < 4 ? 0 : Math.max(1, Math.floor(length / 4)));

export function matchSections(outline: Outline, specs: SectionSpec[]): SectionMatch[] {
  const matches: SectionMatch[] = specs.map((spec, i) => ({ spec, position: i + 2, heading: null, how: null }));
  const names = specs.map((spec) => [...new Set([spec.heading, ...spec.aliases].map(headingKey).filter(Boolean))]);
  const taken = new Set<number>();
  const headings = outline.headings.map((h) => ({ h, key: headingKey(h.text) }));

  const assign = (specIndex: number, heading: OutlineHeading, how: SectionMatch['how']) => {
    matches[specIndex]!.heading = heading;
    matches[specIndex]!.how = how;
    taken.add(heading.index);
  };

  // 1. exact, `##` before other levels. A key → section map keeps this linear.
  const byKey = new Map<string, number>();
  names.forEach((keys, i) => keys.forEach((k) => byKey.has(k) || byKey.set(k, i)));
  for (const depths of [[2], [1, 3]]) {
    for (const { h, key } of headings) {
      if (!depths.includes(h.depth) || taken.has(h.index)) continue;
      const i = byKey.get(key);
      if (i !== undefined && !matches[i]!.heading) assign(i, h, 'exact');
    }
  }

  // 2 and 3 look only at `#`/`##`: a `###` is a one-liner's heading, not a misspelt section.
  const loose = headings.filter(({ h }) => h.depth <= 2);
  matches.forEach((match, i) => {
    if (match.heading) return;
    const keys = names[i]!.filter((k) => k.length >= 4);
    const found = loose.find(({ h, key }) => !taken.has(h.index) && keys.some((k) => key.includes(k)));
    if (found) assign(i, found.h, 'contains');
  });
  matches.forEach((match, i) => {
    if (match.heading) return;
    const found = loose.find(
      ({ h, key }) =>
        !taken.has(h.index) &&
        key.length <= MAX_NEAR_KEY &&
        names[i]!.some((k) => {
          const limit = nearThreshold(k.length);
          return limit > 0 && Math.abs(k.length - key.length) <= limit && distance(k, key) <= limit;
        }),
    );
    if (found) assign(i, found.h, 'near');
  });
  return matches;
}
