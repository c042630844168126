/**
 * The guest's answer travels over its serial console, which also carries whatever the guest
 * kernel (or a member's root program inside it) prints. So the answer is framed and base64'd
 * (the tty may turn \n into \r\n), and the host reads the console as hostile: bounded, and
 * exactly one well-formed frame or no answer at all.
 */
export const FRAME_BEGIN = '@@STUDYBOT-RESULT-BEGIN@@';
export const FRAME_END = '@@STUDYBOT-RESULT-END@@';

export function encodeFrame(value: unknown): string {
  const body = Buffer.from(JSON.stringify(value), 'utf8').toString('base64').replace(/.{1,76}/g, '$&\n');
  return `\n${FRAME_BEGIN}\n${body}${FRAME_END}\n`;
}

export type FrameRead =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'no-frame' | 'several-frames' | 'bad-frame' };

/** Deeper than any report the agent writes (a project report nests about 6 levels). */
export const MAX_FRAME_DEPTH = 32;
/**
 * Values (strings, numbers, arrays, objects...) in a frame, at most: a full report of 50
 * one-liners or 16 programs with their capped output and logs has a few thousand. 28,000 tiny
 * results or 700,000 one-character output lines cost half a second to parse and check.
 */
export const MAX_FRAME_VALUES = 100_000;

/**
 * One linear pass over JSON text: whether it nests at most `maxDepth` arrays and objects and
 * holds at most `maxValues` values. Strings are skipped with their escapes; malformed text is
 * left for JSON.parse to refuse.
 */
export function jsonShapeWithin(json: string, maxDepth: number, maxValues: number): boolean {
  let depth = 0;
  let values = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22 /* " */) {
      values++;
      for (i++; i < json.length; i++) {
        const d = json.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      values++;
      if (++depth > maxDepth) return false;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    } else if (c === 0x2c /* , */) {
      values++;
    }
    if (values > maxValues) return false;
  }
  return true;
}

/** Finds the single frame in console text and decodes its JSON. */
export function decodeFrame(consoleText: string): FrameRead {
  const begins = countOf(consoleText, FRAME_BEGIN);
  if (begins === 0) return { ok: false, reason: 'no-frame' };
  if (begins > 1) return { ok: false, reason: 'several-frames' };
  const start = consoleText.indexOf(FRAME_BEGIN) + FRAME_BEGIN.length;
  const end = consoleText.indexOf(FRAME_END, start);
  if (end === -1) return { ok: false, reason: 'bad-frame' };
  const body = consoleText.slice(start, end).replace(/[\r\n]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) return { ok: false, reason: 'bad-frame' };
  const json = Buffer.from(body, 'base64').toString('utf8');
  // JSON.parse runs on the event loop and takes seconds on JSON nested a million deep (which
  // fits in the 4 MiB console): a compromised guest's frame must have a report's shape first.
  if (!jsonShapeWithin(json, MAX_FRAME_DEPTH, MAX_FRAME_VALUES)) return { ok: false, reason: 'bad-frame' };
  try {
    return { ok: true, value: JSON.parse(json) };
  } catch {
    return { ok: false, reason: 'bad-frame' };
  }
}

/** Console text around the frame, for diagnosing a guest that gave no answer. */
export function consoleOutsideFrame(consoleText: string): string {
  const start = consoleText.indexOf(FRAME_BEGIN);
  if (start === -1) return consoleText;
  const end = consoleText.indexOf(FRAME_END, start);
  return consoleText.slice(0, start) + (end === -1 ? '' : consoleText.slice(end + FRAME_END.length));
}

function countOf(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}
