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
 *   `https://...` and `www....` (autolinks), `a@b.example` (a mailto autolink).
 *
 * The neutraliser is a zero-width space of the bot's own, placed right after the character that
 * would start a link (`@`, `#` before a digit, `GH-`, the `//` of `://`, `www`): GitHub's autolinker and
 * mention filter no longer match, a reader sees the same text. It is idempotent: the bot's own
 * U+200B is stripped with any other and put back at the same places.
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

const LINK_START = /@(?=[\w-])|#(?=\d)|\bgh-(?=\d)|:\/\/|\bwww\./giu;

/** `text` with every mention, reference and autolink broken by a zero-width space (see above). */
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
