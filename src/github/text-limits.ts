/**
 * GitHub counts the 65,535-character limit of check-run summaries/text and comment bodies
 * against the stored bytes; Hangul is 3 bytes in UTF-8, so measure bytes, not characters.
 */
export const GITHUB_TEXT_LIMIT = 65_535;
/** Annotations accepted per create/update check-run request. */
export const ANNOTATIONS_PER_REQUEST = 50;

const encoder = new TextEncoder();
export const byteLength = (text: string): number => encoder.encode(text).length;

/**
 * Cuts `text` to at most `maxBytes`, at the last line break that fits (never inside a
 * character, and never inside a table row), and appends `note(omittedLines)` so the reader
 * knows something was left out. An open code fence or <details> is closed first.
 */
export function fitBytes(
  text: string,
  maxBytes: number = GITHUB_TEXT_LIMIT,
  note: (omittedLines: number) => string = (n) => `\n\n…(${n}줄 생략 / ${n} lines omitted)`,
): string {
  if (byteLength(text) <= maxBytes) return text;
  const lines = text.split('\n');
  const reserve = byteLength(note(lines.length)) + byteLength('\n```\n</details>\n') + 16;
  let used = 0;
  let kept = 0;
  for (const line of lines) {
    const size = byteLength(line) + 1;
    if (used + size > maxBytes - reserve) break;
    used += size;
    kept++;
  }
  let head = lines.slice(0, kept);
  // A single giant line: cut it by code points.
  if (kept === 0) {
    let partial = '';
    for (const ch of lines[0]) {
      if (byteLength(partial + ch) > maxBytes - reserve) break;
      partial += ch;
    }
    head = [partial];
  }
  let out = head.join('\n');
  if ((out.match(/^\s*```/gm) ?? []).length % 2 === 1) out += '\n```';
  const opened = (out.match(/<details>/g) ?? []).length - (out.match(/<\/details>/g) ?? []).length;
  if (opened > 0) out += '\n</details>'.repeat(opened);
  return out + note(lines.length - kept);
}
