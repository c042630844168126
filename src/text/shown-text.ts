/**
 * Text a member or a guest controls (a heading, a command, a runner message, a guest's output)
 * on its way to a reader: a GitHub comment, a Check Run's title, summary or annotations, the
 * CLI's terminal. Every renderer passes such text through `shownText` (or `capText` first,
 * when it does more with it), so that:
 *
 * - its size is capped before any regular expression or renderer sees it (a 99,000-space
 *   heading froze the app for 20 s in a regex that ran before the cut);
 * - characters a reader cannot see are gone: C0/C1 controls and terminal escapes, the bidi
 *   overrides that reorder a line, zero-width characters (U+200B-U+200D, U+2060-U+2064,
 *   U+FEFF), the soft hyphen, and the tag characters U+E0000-U+E007F that can spell whole
 *   hidden words;
 * - nothing in it makes GitHub link or notify: `@name` (a mention, also of a team),
 *   `#12` and `owner/repo#12` (a reference, which also back-links from that issue), `GH-12`,
 *   `https://...` and `www....` (autolinks), `a@b.example` (a mailto autolink), and no
 *   character reference spells one of those: GitHub decodes `&#64;`, `&#x40;` and `&commat;`
 *   into `@` (the twentieth attack review), so no `&` is followed by `#` or a letter.
 *
 * The neutraliser is a zero-width space of the bot's own, placed right after the character that
 * would start a link (every `@`, `#` before a digit, `GH-`, the `//` of `://`, `www`, the `&` of a
 * character reference): GitHub's autolinker, mention filter and reference decoder no longer
 * match, a reader sees the same text. It is idempotent: the bot's own U+200B is stripped with
 * any other and put back at the same places.
 *
 * Each pattern here is one character class or a fixed word with a one-character lookahead:
 * linear in the length of the text (checked by eslint-plugin-regexp in `npm test`).
 * Details: docs/untrusted-text.md.
 */

/** Caps, in UTF-16 code units, of the texts a member or a guest controls. */
export const TEXT_CAPS = {
  /** a heading above a one-liner, at extraction (a table cell shows 60 characters of it) */
  heading: 200,
  /** one runner message (several lines) */
  message: 4_000,
  /** one line of a program's output */
  outputLine: 300,
  /** a hint or a rule's text */
  hint: 500,
  /** what redaction reads at most in one call; past it the text is cut first */
  redaction: 64 * 1024,
} as const;

/** `text` cut to at most `max` code units (the last one an ellipsis), never inside a surrogate pair. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return max === 1 ? '…' : '';
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

// Controls but tab and newline; soft hyphen; Arabic letter mark; Mongolian vowel separator;
// zero-width space, joiners, LRM/RLM; bidi embeddings and overrides; word joiner, invisible
// operators and bidi isolates; line and paragraph separators; BOM; interlinear annotations;
// tag characters.
const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\u{e0000}-\u{e007f}]/gu;

/** `text` without the characters a reader cannot see (tabs and newlines stay). */
export const withoutInvisible = (text: string): string => text.replace(INVISIBLE, '');

// Every `@` and every `www.`: which characters may stand around them differs between GFM's
// autolinker, remark-gfm and GitHub's mention filter (`_www.evil.example` and `0@.A` are links
// to remark-gfm), and a zero-width space after each costs a reader nothing. `&` before `#` or a
// letter: a character reference (`&#64;`, `&#x40;`, `&commat;`), which GitHub's markdown decodes
// into the `@`, `:` or `.` the other patterns look for.
const LINK_START = /@|#(?=\d)|\bgh-(?=\d)|:\/\/|www\.|&(?=[#a-z])/giu;

/** `text` with every mention, reference, autolink and character reference broken by a zero-width space (see above). */
export function withoutLinks(text: string): string {
  return text.replace(LINK_START, (start) => (start === '://' ? ':/\u200b/' : start.toLowerCase() === 'www.' ? `${start.slice(0, 3)}\u200b.` : `${start}\u200b`));
}

/**
 * Member or guest text for the inside of a code block: capped, nothing invisible. GitHub
 * neither links nor mentions there, and the reader may copy it, so it keeps its `@` and URLs.
 */
export function codeText(text: string, max: number): string {
  return withoutInvisible(capText(text, max));
}

/** Member or guest text as it may be shown anywhere: capped, nothing invisible, nothing that links. */
export function shownText(text: string, max: number): string {
  return withoutLinks(withoutInvisible(capText(text, max)));
}

// A name's characters that read as nothing or as another's: controls (tab and newline too: a
// blank line would end the code span), format characters (zero-width, joiners, bidi controls,
// BOM, tags), lone surrogates, Unicode's default-ignorables (variation selectors, the Hangul
// fillers U+115F, U+1160, U+3164, U+FFA0), every space but U+0020; and `\` and the backtick, so
// that the escapes stay one-to-one and nothing closes the code span.
const ALWAYS_ESCAPED = /[\\`\p{Cc}\p{Cf}\p{Cs}\p{Default_Ignorable_Code_Point}\p{Z}]/u;
// In a name that is not NFC: what NFC composes or replaces. Conjoining jamo (U+1100-U+11FF and
// the extensions), combining marks, and singletons such as U+212B ANGSTROM SIGN.
const DECOMPOSED = /[\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\p{M}]/u;
const MAX_NAME = 200;

const escaped = (c: string) => {
  if (c === '\\') return '\\\\';
  const code = c.codePointAt(0)!;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/**
 * A file or folder name (anyone's text: whoever pushed it) as a code span a member can read and
 * tell apart from its look-alikes. Git keeps names as bytes, so `김철수` in NFC and in NFD (some
 * Mac tools), or with a trailing U+FEFF, are other names that GitHub and a terminal show alike:
 * a refusal naming both must show two different strings. So the characters that read as
 * nothing are written as `\uXXXX`, and in a name that is not NFC so is what NFC would compose
 * (`\u1100\u1175\u11b7` for NFD `김`); a plain NFC name, Korean included, is shown as it is.
 * The mapping is one-to-one (a `\` is shown as `\\`): two names that differ are shown
 * differently, up to the cap. Inert in markdown and in a terminal: no backtick, newline or
 * escape sequence gets through, and inside the span GitHub neither links nor mentions.
 *
 * A member's words named in a reply's sentence (the "not run" list, `/출석`'s unknown way,
 * `/verify`'s usage problems) go through it too: a backtick of theirs is `\u0060`, so it cannot
 * close the span and put a link or a mention of theirs into the bot's reply.
 *
 * `span: false`: without the backticks (a terminal line). `forms: false`: a name that is not
 * NFC keeps its letters (the CLI's file headings: a Mac user's own NFD notes stay readable
 * where no twin is beside them); what reads as nothing is escaped all the same.
 */
export function shownName(name: string, options: { max?: number; span?: boolean; forms?: boolean } = {}): string {
  const { max = MAX_NAME, span = true, forms = true } = options;
  const composed = !forms || name === name.normalize('NFC');
  let out = '';
  for (const c of capText(name, max)) {
    const odd = ALWAYS_ESCAPED.test(c) ? c !== ' ' : !composed && (DECOMPOSED.test(c) || c.normalize('NFC') !== c);
    out += odd ? escaped(c) : c;
  }
  // A space at either end reads as nothing, and GitHub strips one from each side of a span.
  out = out.replace(/^ /, '\\u0020').replace(/ $/, '\\u0020');
  return span ? `\`${out}\`` : out;
}

/** Names as `shownName`s, comma separated; `—` for none. */
export const shownNames = (names: readonly string[]): string => (names.length ? names.map((n) => shownName(n)).join(', ') : '—');
