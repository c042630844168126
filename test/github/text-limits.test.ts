import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteLength, fitBytes, GITHUB_TEXT_LIMIT } from '../../src/github/text-limits.js';

describe('fitBytes', () => {
  it('leaves text that fits alone', () => {
    expect(fitBytes('짧은 글', 100)).toBe('짧은 글');
  });

  it('counts bytes, not characters: 30,000 Hangul characters do not fit', () => {
    const hangul = '가나다라마바사아자차\n'.repeat(3000); // 30,000 syllables, 93,000 bytes
    expect(hangul.length).toBeLessThan(GITHUB_TEXT_LIMIT);
    const out = fitBytes(hangul);
    expect(byteLength(out)).toBeLessThanOrEqual(GITHUB_TEXT_LIMIT);
    expect(out).toMatch(/줄 생략/);
    // cut at a line boundary: every kept line is whole
    const kept = out.split('\n\n…')[0].split('\n');
    expect(kept.every((line) => line === '가나다라마바사아자차')).toBe(true);
  });

  it('closes an open code fence and details block it cut through', () => {
    const text = ['<details>', '', '```', ...Array.from({ length: 500 }, (_, i) => `line ${i}`), '```', '</details>'].join('\n');
    const out = fitBytes(text, 1000);
    expect(byteLength(out)).toBeLessThanOrEqual(1000);
    expect((out.match(/```/g) ?? []).length % 2).toBe(0);
    expect(out).toContain('</details>');
  });

  it('cuts a single giant line between characters, never inside one', () => {
    const out = fitBytes('한'.repeat(100_000), 3000);
    expect(byteLength(out)).toBeLessThanOrEqual(3000);
    expect(out).not.toContain('\uFFFD');
  });

  it('never exceeds the limit on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 3000 }), fc.integer({ min: 200, max: 4000 }), (text, max) => {
        expect(byteLength(fitBytes(text, max))).toBeLessThanOrEqual(max);
      }),
    );
  });
});
