import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteLength, CHECK_TEXT_LIMIT, fitBytes, fitText, GITHUB_TEXT_LIMIT, textLength } from '../../src/github/text-limits.js';
import { openapiExample } from '../helpers/github-examples.js';

describe('fitText (GitHub counts characters)', () => {
  it('leaves text that fits alone', () => {
    expect(fitText('짧은 글', 100)).toBe('짧은 글');
  });

  it('keeps 30,000 Hangul characters whole: 93,000 bytes, but under 65,535 characters', () => {
    const hangul = '가나다라마바사아자차\n'.repeat(3000); // 33,000 characters, 93,000 bytes
    expect(byteLength(hangul)).toBeGreaterThan(GITHUB_TEXT_LIMIT);
    expect(fitText(hangul)).toBe(hangul);
  });

  it('cuts 100,000 Hangul characters at a line boundary, under the limit in characters', () => {
    const hangul = '가나다라마바사아자차\n'.repeat(10_000);
    const out = fitText(hangul, CHECK_TEXT_LIMIT);
    expect(textLength(out)).toBeLessThanOrEqual(CHECK_TEXT_LIMIT);
    // about three times more than a byte count would have kept (~21,800 characters)
    expect(textLength(out)).toBeGreaterThan(65_000);
    expect(out).toMatch(/줄 생략/);
    const kept = out.split('\n\n…')[0].split('\n');
    expect(kept.every((line) => line === '가나다라마바사아자차')).toBe(true);
  });

  it('counts an emoji outside the BMP as one character, as GitHub does (not two UTF-16 units)', () => {
    expect(textLength('👍')).toBe(1);
    expect(textLength('a👍b')).toBe(3);
    expect(textLength('\uD800x')).toBe(2); // a lone surrogate is one
    const thumbs = '👍'.repeat(1000);
    expect(fitText(thumbs, 1000)).toBe(thumbs);
  });

  it('GitHub documents the check-run limits as characters (OpenAPI maxLength)', async () => {
    const { createRequire } = await import('node:module');
    const api = createRequire(import.meta.url)('@octokit/openapi/generated/api.github.com.json');
    const output = api.paths['/repos/{owner}/{repo}/check-runs'].post.requestBody.content['application/json'].schema.properties.output;
    expect(output.properties.summary.maxLength).toBe(CHECK_TEXT_LIMIT);
    expect(output.properties.summary.description).toMatch(/65535 characters/);
    expect(output.properties.text.maxLength).toBe(CHECK_TEXT_LIMIT);
    expect(openapiExample('check-run')).toBeTruthy();
  });

  it('closes an open code fence and details block it cut through', () => {
    const text = ['<details>', '', '```', ...Array.from({ length: 500 }, (_, i) => `line ${i}`), '```', '</details>'].join('\n');
    const out = fitText(text, 1000);
    expect(textLength(out)).toBeLessThanOrEqual(1000);
    expect((out.match(/```/g) ?? []).length % 2).toBe(0);
    expect(out).toContain('</details>');
  });

  it('closes nested details blocks and still fits', () => {
    const text = [...Array.from({ length: 8 }, () => '<details>'), ...Array.from({ length: 500 }, (_, i) => `line ${i}`)].join('\n');
    const out = fitText(text, 300);
    expect(textLength(out)).toBeLessThanOrEqual(300);
    expect((out.match(/<\/details>/g) ?? []).length).toBe((out.match(/<details>/g) ?? []).length);
  });

  it('cuts a single giant line between characters, never inside one', () => {
    const out = fitText('한'.repeat(100_000), 3000);
    expect(textLength(out)).toBeLessThanOrEqual(3000);
    expect(textLength(out)).toBeGreaterThan(2900);
    expect(out).not.toContain('\uFFFD');
  });

  it('never exceeds the limit on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 3000 }), fc.integer({ min: 200, max: 4000 }), (text, max) => {
        expect(textLength(fitText(text, max))).toBeLessThanOrEqual(max);
      }),
    );
  });
});

describe('fitBytes (an annotation message: "The maximum size is 64 KB")', () => {
  it('measures bytes', () => {
    const out = fitBytes('한'.repeat(100_000), 3000);
    expect(byteLength(out)).toBeLessThanOrEqual(3000);
    expect(byteLength(out)).toBeGreaterThan(2900);
  });

  it('never exceeds the limit on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 3000 }), fc.integer({ min: 200, max: 4000 }), (text, max) => {
        expect(byteLength(fitBytes(text, max))).toBeLessThanOrEqual(max);
      }),
    );
  });
});
