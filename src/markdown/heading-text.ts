/**
 * Heading text as people mean it, for forgiving comparisons: `## 1. 환경 설정 🛠️`,
 * `## 환경설정`, `## ENVIRONMENT:` and `## Ⅱ) bpftrace 실습` all reduce to the same key as the
 * template's heading. Comparisons happen on keys; messages always quote what the member wrote.
 */

// Emoji, their modifiers and joiners, and the variation selectors that follow symbols.
const EMOJI = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u200d|\ufe0e|\ufe0f|\u20e3/gu;
// `1.`, `1)`, `01 -`, `Ⅳ.`, `iv.`, `(1)`, `1장`, `Step 2:`, `1단계` at the start of a heading.
// Read from the trimmed key (no two runs of blanks meet: linear on any heading). After
// toLowerCase(), small roman numerals (U+2170-217F) are the only ones left.
const NUMBERING =
  /^(?:(?:step|part|section)\s*)?(?:\d{1,3}\s*(?:장|단계|번)|(?:\(\s*)?(?:\d{1,3}|[\u2170-\u217f]|[ivx]{1,5}(?=[.)]))\s*(?:[.)\]:\-–—]\s*)?)/iu;
// Anything that is not a letter or a digit (spaces, punctuation, markdown leftovers).
const NOT_WORD = /[^\p{L}\p{N}]+/gu;

export function headingKey(text: string): string {
  const plain = text.normalize('NFKC').replace(EMOJI, ' ').toLowerCase();
  return plain.trimStart().replace(NUMBERING, '').replace(NOT_WORD, '');
}

/** The same key, without stripping a leading number: for titles like `Week 1` keep the digits. */
export function looseKey(text: string): string {
  return text.normalize('NFKC').replace(EMOJI, ' ').toLowerCase().replace(NOT_WORD, '');
}
