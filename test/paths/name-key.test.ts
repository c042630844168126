import { describe, expect, it } from 'vitest';
import { nameKey, pathKey } from '../../src/paths/name-key.js';

const NOTE = 'study/week1/김철수.md'.normalize('NFC');

describe('nameKey: the name a path reads as', () => {
  it('is the path itself for a plain name', () => {
    expect(nameKey('study/week1/hgd.md')).toEqual({ key: 'study/week1/hgd.md', canonical: true, hidden: false });
    expect(nameKey(NOTE)).toEqual({ key: NOTE, canonical: true, hidden: false });
    // a blank inside a name shows: not dropped
    expect(nameKey('study/week1/hgd .md')).toEqual({ key: 'study/week1/hgd .md', canonical: true, hidden: false });
  });

  it('NFD is another spelling of the name, nothing hidden (macOS commits it)', () => {
    expect(nameKey(NOTE.normalize('NFD'))).toEqual({ key: NOTE, canonical: false, hidden: false });
  });

  it.each([
    ['U+FEFF at the end', `${NOTE}\ufeff`],
    ['a trailing space', `${NOTE} `],
    ['U+3000 at the end', `${NOTE}\u3000`],
    ['U+00A0 at the end', `${NOTE}\u00a0`],
    ['a tab at the end', `${NOTE}\t`],
    ['U+200B inside the name', 'study/week1/김\u200b철수.md'],
    ['U+200D inside the name', 'study/week1/김철\u200d수.md'],
    ['U+2060 inside the name', 'study/week1/김철수\u2060.md'],
    ['a tag character', 'study/week1/김철수\u{E0041}.md'],
    ['U+FEFF after a folder name', 'study/week1\ufeff/김철수.md'],
    ['a space before a folder name', 'study/ week1/김철수.md'],
    ['NFD and U+FEFF', `${NOTE.normalize('NFD')}\ufeff`],
  ])('%s reads as the note and is hidden', (_what, raw) => {
    expect(nameKey(raw)).toEqual({ key: NOTE, canonical: false, hidden: true });
  });

  it('keeps the bidi controls that visibly reorder a name', () => {
    expect(pathKey('study/week1/\u202Edm.dgh.md')).toBe('study/week1/\u202Edm.dgh.md');
  });
});
