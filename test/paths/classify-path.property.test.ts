import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { studyConfigSchema } from '../../src/config/schema.js';
import { classifyPath, couldBeSubmission } from '../../src/paths/classify-path.js';
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
  fc.constantFrom('study', 'Study', 'project', 'projects', 'week1', 'week01', 'Week 2', '1주차', 'w3', 'hgd', '홍길동', '홍길동'.normalize('NFD'), 'hgd_md', 'README.md', '..', '.', '', 'x.png', 'hgd.md', 'week1.md', '\u200b', 'ｈｇｄ.md', 'hgd.MD', 'hgd.markdown', 'hgd.m\u212Ad', 'hgd.md ', 'hgd.md/', 'notes.md.bak', 'main.ts'),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);
const pathArb = fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('/'));

// Near a week note's path (study/week1/hgd.md), with the same odd pieces around and in it.
const submissionLike = fc
  .tuple(
    fc.constantFrom('', './', ' ', '/', 'x/../'),
    fc.constantFrom('study', 'Study', 'study/'),
    fc.constantFrom('week1', 'week3', 'week1/.', 'week1/', 'week8'),
    fc.constantFrom('hgd', 'jiwoo', '홍길동', '홍길동'.normalize('NFD'), 'ｈｇｄ', 'HGD'),
    fc.constantFrom('.md', '.MD', '.markdown', '.mdown', '.mkd', '.m\u212Ad', '.md ', '.md/', '.md.bak', '.png', ''),
    fc.constantFrom('', '/', ' '),
  )
  .map(([head, study, week, name, suffix, tail]) => `${head}${study}/${week}/${name}${suffix}${tail}`);

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

  it('couldBeSubmission is never false for a path classified as a submission', () => {
    let submissions = 0;
    fc.assert(
      fc.property(fc.oneof(pathArb, submissionLike), (path) => {
        if (classifyPath(path, config).kind !== 'submission') return;
        submissions++;
        expect(couldBeSubmission(path)).toBe(true);
      }),
      { numRuns: 5000 },
    );
    expect(submissions).toBeGreaterThan(0);
    // anything past ASCII is left to classifyPath: NFC makes U+212A KELVIN SIGN a K (`.m\u212Ad` is `.mKd`)
    expect(couldBeSubmission('study/week1/hgd.m\u212Ad')).toBe(true);
    expect(couldBeSubmission('study/week1/홍길동')).toBe(true);
    for (const path of ['study/week1/hgd.md', 'study/week1//hgd.md/', './study/week1/hgd.md', ' study/week1/hgd.md ', 'study/week1/x/../hgd.md']) {
      expect(classifyPath(path, config).kind, path).toBe('submission');
      expect(couldBeSubmission(path), path).toBe(true);
    }
    for (const path of ['src/cli/main.ts', 'study/week1/hgd.png', 'study/week1/hgd', 'package.json']) expect(couldBeSubmission(path), path).toBe(false);
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
