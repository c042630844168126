/**
 * shownName: a pushed name shown so that its look-alikes read differently (issue 17, review
 * notes). `김철수` in NFC and in NFD, or with a trailing U+FEFF, are other bytes that GitHub and a
 * terminal show alike; a refusal that says "these two differ in their Unicode bytes" must show
 * two different strings, and the span must stay one inert code span in GitHub's markdown.
 */
import fc from 'fast-check';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { shownName, shownNames } from '../../src/text/shown-text.js';

const NFC = '김철수';
const NFD = '김철수'.normalize('NFD');

/** What GitHub's markdown makes of a line: its code spans, links, and text outside code. */
const parser = unified().use(remarkParse).use(remarkGfm);
function gfm(markdown: string) {
  const tree = parser.parse(markdown);
  const spans: string[] = [];
  const links: string[] = [];
  const texts: string[] = [];
  visit(tree, 'inlineCode', (n: { value: string }) => void spans.push(n.value));
  visit(tree, 'link', (n: { url: string }) => void links.push(n.url));
  visit(tree, 'text', (n: { value: string }) => void texts.push(n.value));
  return { spans, links, texts };
}

describe('shownName', () => {
  it('shows a plain NFC name, Korean included, as it is', () => {
    expect(shownName(`study/week1/${NFC}.md`)).toBe('`study/week1/김철수.md`');
    expect(shownName('project/hong-gildong')).toBe('`project/hong-gildong`');
    expect(shownName('café 노트 (2).md')).toBe('`café 노트 (2).md`');
  });

  it('tells an NFC name from its NFD twin and from the same name with a trailing U+FEFF', () => {
    expect(NFD).not.toBe(NFC);
    expect(shownName(NFD)).toBe('`\\u1100\\u1175\\u11b7\\u110e\\u1165\\u11af\\u1109\\u116e`');
    expect(shownName(`${NFC}\ufeff`)).toBe('`김철수\\ufeff`');
    // half decomposed: 김 NFC, 철수 NFD
    expect(shownName(`김${'철수'.normalize('NFD')}`)).toBe('`김\\u110e\\u1165\\u11af\\u1109\\u116e`');
    expect(shownName('e\u0301')).toBe('`e\\u0301`');
    expect(shownName('\u212b')).toBe('`\\u212b`'); // ANGSTROM SIGN, NFC's Å
    const shown = [NFC, NFD, `${NFC}\ufeff`, `${NFC}\u200b`, `\u2066${NFC}`, `${NFC}\u{e0041}`, `${NFC}\u3164`, `${NFC} `].map((n) => shownName(n));
    expect(new Set(shown).size).toBe(shown.length);
  });

  it('keeps one inert code span in GitHub\'s markdown: no backtick, newline, mention or link gets out', () => {
    const crafted = 'x` @kim-cs [출석 정정 안내](https://evil.example/login)\n\n`y';
    const line = `다른 폴더: ${shownNames([crafted, NFC])}.`;
    const { spans, links, texts } = gfm(line);
    expect(spans).toEqual(['x\\u0060 @kim-cs [출석 정정 안내](https://evil.example/login)\\u000a\\u000a\\u0060y', NFC]);
    expect(links).toEqual([]);
    expect(texts.join('')).not.toContain('@');
  });

  it('is one-to-one: any two names that differ are shown differently, in one code span each', () => {
    const name = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.array(fc.constantFrom(NFC, NFD, '\ufeff', '\u200b', '\u200d', '\u2060', '\u202e', '\u{e0041}', '`', '\\', 'u1100', ' ', '\n', '@a', 'é', 'e\u0301'), { maxLength: 8 }).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(name, name, (a, b) => {
        const [sa, sb] = [shownName(a), shownName(b)];
        if (a !== b) expect(sa).not.toBe(sb);
        for (const s of [sa, sb]) {
          // eslint-disable-next-line no-control-regex -- no control character may get through
          expect(s).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u);
          expect(gfm(`a ${s} b`).spans).toHaveLength(s === '``' ? 0 : 1);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('without the span, for a terminal line; with forms kept, an NFD name keeps its letters', () => {
    expect(shownName(`a\u001b[31m${NFC}`, { span: false })).toBe('a\\u001b[31m김철수');
    expect(shownName(`${NFD}\ufeff.md`, { span: false, forms: false })).toBe(`${NFD}\\ufeff.md`);
    expect(shownNames([])).toBe('—');
  });
});
