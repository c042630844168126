/**
 * GitHub's limits on the text the bot writes. They are counted in characters (Unicode code
 * points, as JSON Schema's `maxLength` and Ruby's String#length count them), not bytes: a
 * Hangul syllable is one character and three UTF-8 bytes, so measuring bytes cut Korean
 * text about three times too early.
 *
 * - Check run `output.summary` and `output.text`: "**Maximum length**: 65535 characters."
 *   (`maxLength: 65535` in GitHub's OpenAPI description, `POST /repos/{owner}/{repo}/check-runs`,
 *   @octokit/openapi).
 * - Annotation `title`: "The maximum size is 255 characters."; annotation `message` and
 *   `raw_details`: "The maximum size is 64 KB." (same description; that one is a size, so it
 *   is measured in bytes).
 * - Issue and commit comment bodies: GitHub answers 422 "Body is too long (maximum is 65536
 *   characters)" (the OpenAPI description gives no maxLength; the limit is the server's
 *   validation message, quoted in e.g. googleapis/release-please#1034, danger/danger#424).
 */
export const CHECK_TEXT_LIMIT = 65_535;
export const COMMENT_BODY_LIMIT = 65_536;
export const ANNOTATION_TITLE_LIMIT = 255;
/** 64 KB, in bytes; one byte kept back because "64 KB" does not say whether it is inclusive. */
export const ANNOTATION_MESSAGE_BYTES = 64 * 1024 - 1;
/** The smaller of the two text limits: what a text that may become either must fit. */
export const GITHUB_TEXT_LIMIT = Math.min(CHECK_TEXT_LIMIT, COMMENT_BODY_LIMIT);
/** Annotations accepted per create/update check-run request ("maxItems": 50). */
export const ANNOTATIONS_PER_REQUEST = 50;

/** Characters as GitHub counts them: code points (an emoji outside the BMP is one, not two). */
export function textLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // a high surrogate followed by a low one is one code point
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

const encoder = new TextEncoder();
export const byteLength = (text: string): number => encoder.encode(text).length;

type Measure = (text: string) => number;

const defaultNote = (n: number) => `\n\n…(${n}줄 생략 / ${n} lines omitted)`;

/**
 * Cuts `text` to at most `maxChars` characters (code points), at the last line break that
 * fits (never inside a character, and never inside a table row), and appends
 * `note(omittedLines)` so the reader knows something was left out. An open code fence or
 * <details> is closed first.
 */
export function fitText(text: string, maxChars: number = GITHUB_TEXT_LIMIT, note: (omittedLines: number) => string = defaultNote): string {
  return fit(text, maxChars, note, textLength);
}

/** `fitText` for the few limits that are sizes in bytes (an annotation's message). */
export function fitBytes(text: string, maxBytes: number, note: (omittedLines: number) => string = defaultNote): string {
  return fit(text, maxBytes, note, byteLength);
}

function fit(text: string, max: number, note: (omittedLines: number) => string, measure: Measure): string {
  if (measure(text) <= max) return text;
  const lines = text.split('\n');
  const reserve = measure(note(lines.length)) + measure('\n```\n</details>\n') + 16;
  let used = 0;
  let kept = 0;
  for (const line of lines) {
    const size = measure(line) + 1;
    if (used + size > max - reserve) break;
    used += size;
    kept++;
  }
  // A single giant line: cut it by code points.
  if (kept === 0) {
    let partial = '';
    let size = 0;
    for (const ch of lines[0]) {
      const chSize = measure(ch);
      if (size + chSize > max - reserve) break;
      partial += ch;
      size += chSize;
    }
    return closeBlocks(partial) + note(lines.length);
  }
  // Closing what the cut left open can outgrow the reserve (nested <details>): give back lines until it fits.
  for (; kept > 0; kept--) {
    const out = closeBlocks(lines.slice(0, kept).join('\n')) + note(lines.length - kept);
    if (measure(out) <= max) return out;
  }
  return note(lines.length).trimStart().slice(0, max);
}

/** Closes a code fence or <details> that a cut left open. */
function closeBlocks(text: string): string {
  let out = text;
  if ((out.match(/^[ \t]*```/gm) ?? []).length % 2 === 1) out += '\n```';
  const opened = (out.match(/<details>/g) ?? []).length - (out.match(/<\/details>/g) ?? []).length;
  if (opened > 0) out += '\n</details>'.repeat(opened);
  return out;
}
