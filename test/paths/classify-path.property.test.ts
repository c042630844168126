import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { studyConfigSchema } from '../../src/config/schema.js';
import { classifyPath } from '../../src/paths/classify-path.js';
import { studyPaths } from '../../src/paths/study-paths.js';

const config = studyConfigSchema.parse({
  members: [
    { login: 'hong-gildong', name: 'hgd', aliases: ['홍길동'] },
    { login: 'jiwoo', name: 'jiwoo' },
  ],
});
const KINDS = ['submission', 'asset', 'ignored', 'project', 'config', 'misplaced', 'unknown'];

// Path-like strings built from the pieces that matter: study words, week tokens, names, odd Unicode.
const segment = fc.oneof(
  fc.constantFrom('study', 'Study', 'project', 'projects', 'week1', 'week01', 'Week 2', '1주차', 'w3', 'hgd', '홍길동', '홍길동'.normalize('NFD'), 'hgd_md', 'README.md', '..', '.', '', 'x.png', 'hgd.md', 'week1.md', '\u200b', 'ｈｇｄ.md'),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);
const pathArb = fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('/'));

describe('classifyPath on arbitrary paths', () => {
  it('always answers with a valid kind and never throws', () => {
    fc.assert(
      fc.property(pathArb, (path) => {
        const c = classifyPath(path, config);
        expect(KINDS).toContain(c.kind);
        if (c.kind === 'submission') {
          expect(c.week).toBeGreaterThanOrEqual(1);
          expect(c.week).toBeLessThanOrEqual(8);
          expect(['hgd', 'jiwoo']).toContain(c.member);
        }
        if (c.kind === 'misplaced' || c.kind === 'unknown') expect(c.reason?.ko).toBeTruthy();
        studyPaths(config).ownerOf(path);
      }),
      { numRuns: 3000 },
    );
  });

  it('NFC and NFD spellings of a path classify the same', () => {
    fc.assert(
      fc.property(pathArb, (path) => {
        const a = classifyPath(path.normalize('NFC'), config);
        const b = classifyPath(path.normalize('NFD'), config);
        expect({ kind: b.kind, week: b.week, member: b.member }).toEqual({ kind: a.kind, week: a.week, member: a.member });
      }),
      { numRuns: 1000 },
    );
  });
});
