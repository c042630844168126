/**
 * Where names are decided: a path as git stores it (bytes; any spelling) against the name it
 * reads as on screen. Git keeps names as bytes, and GitHub shows `김철수.md` in NFD (what some
 * Mac tools commit), `김철수.md` followed by U+FEFF or a space, and `김\u200B철수.md` all as
 * `김철수.md`: anyone can push one of them beside another member's note (attack reviews 18
 * and 19). Every part of the bot that asks "whose name is this, and is it the same file"
 * (the path classifier, the ledger's note keys, `/verify`'s targets, the push check's groups)
 * asks here, so such a spelling is one group with its canonical name everywhere and never
 * silently the same file.
 */

// Characters a name can carry that nobody sees: Unicode's default-ignorable code points
// (zero-width space and joiners U+200B-U+200D, word joiner U+2060, the BOM U+FEFF, the soft
// hyphen, variation selectors, Hangul fillers, the tag characters U+E0000-U+E0FFF...), less
// the bidi embeddings and isolates (U+202A-U+202E, U+2066-U+2069): those visibly reorder a name,
// so it no longer reads as the other.
const INVISIBLE = /(?![\u202A-\u202E\u2066-\u2069])\p{Default_Ignorable_Code_Point}/gu;

export interface NameKey {
  /**
   * The name it reads as: NFC, invisible characters dropped, each `/`-separated part without
   * the blanks `String.prototype.trim` removes at its ends (space, U+00A0, U+3000, line breaks...).
   */
  key: string;
  /** the bytes are the key itself (NFC, nothing hidden) */
  canonical: boolean;
  /**
   * Not canonical for more than the Unicode form: the bytes carry characters the key drops.
   * An NFD name alone is a member's ordinary spelling (macOS); a hidden one only imitates a name.
   */
  hidden: boolean;
}

/**
 * A name as it reads, within a name: NFC, invisible characters dropped. Blanks stay: inside a
 * name they show (`hgd .md` is not `hgd.md`); only a name's ends are trimmed, by nameKey.
 */
export const visibleName = (text: string): string => text.normalize('NFC').replace(INVISIBLE, '');

const keyOf = (nfc: string): string =>
  visibleName(nfc)
    .split('/')
    .map((part) => part.trim())
    .join('/');

/** The name `raw` reads as and whether `raw` is that name's own spelling (see NameKey). */
export function nameKey(raw: string): NameKey {
  // Printable ASCII with no blank at a part's ends is its own key: most of a tree, asked often.
  if (PRINTABLE_ASCII.test(raw) && !raw.startsWith(' ') && !raw.endsWith(' ') && !raw.includes(' /') && !raw.includes('/ ')) {
    return { key: raw, canonical: true, hidden: false };
  }
  const nfc = raw.normalize('NFC');
  const key = keyOf(nfc);
  return { key, canonical: key === raw, hidden: key !== nfc };
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** The key alone: two paths are the same name when their keys are equal. */
export const pathKey = (raw: string): string => nameKey(raw).key;
