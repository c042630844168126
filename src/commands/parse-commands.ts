export interface SlashCommand {
  /** lower-cased, without the slash: `verify`, `출석`, `attendance`, `report` */
  name: string;
  /** the words after the name, as written */
  args: string[];
  /** the whole command line as written, for quoting it back in a reply */
  raw: string;
}

/**
 * Commands are read from comments anyone can write, of any size and shape, on the one event
 * loop. So there is no markdown parse here (remark took 21 s on 20 KB of `- `): one pass over
 * the lines, constant work per byte, that knows just enough markdown to tell a command given
 * from a command shown: fenced and indented code, block quotes (with their lazy continuation
 * lines), HTML blocks and comments, and inline code (a line that starts with a backtick).
 */

/** GitHub's own limit on a comment body; nothing past it is read. */
const MAX_BODY = 65_536;
/** a command line longer than this is pasted text, not a command */
const MAX_COMMAND_LINE = 4_000;

// A command must start a line of ordinary text (after list markers or a heading's `#`s).
const COMMAND_LINE = /^\/([\p{L}\p{N}_-]+)(?:[ \t](.*))?$/u;
const FENCE = /^(`{3,}|~{3,})/;
// Anything that can stand before a command at the start of a line: blanks, list markers, `#`, `>`.
// One pass of a character class per line: linear whatever the comment.
const MAY_START_COMMAND = /(?:^|\n)[ \t>*+#\d.)-]*\//;

/**
 * The pre-filter: false when no line of the comment could start with a command, so a comment
 * of chatter (the common case) costs one regular-expression pass and nothing else.
 */
export const mayHaveCommand = (body: string | null | undefined): boolean =>
  !!body && body.includes('/') && MAY_START_COMMAND.test(body.length > MAX_BODY ? body.slice(0, MAX_BODY) : body);

/**
 * The slash commands given in a comment body, in order, at most `limit` of them (the
 * dispatcher asks for one more than it runs, to know there were more). Never throws.
 */
export function parseCommands(body: string | null | undefined, limit = Number.POSITIVE_INFINITY): SlashCommand[] {
  if (!mayHaveCommand(body)) return [];
  const text = body!.length > MAX_BODY ? body!.slice(0, MAX_BODY) : body!;
  const commands: SlashCommand[] = [];
  let fence: string | null = null;
  let htmlComment = false;
  let htmlBlock = false;
  let quote = false; // inside a block quote's paragraph: a plain line is its lazy continuation
  let paragraph = false; // the previous line was paragraph text (an indented line continues it)
  let indentedCode = false;
  let list = false;

  for (let start = 0; start <= text.length && commands.length < limit; ) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    const raw = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    const trimmed = raw.trimStart();
    const indent = indentColumns(raw);
    const blank = trimmed === '';

    if (fence !== null) {
      if (closesFence(trimmed, fence)) fence = null;
      continue;
    }
    if (htmlComment) {
      if (raw.includes('-->')) htmlComment = false;
      continue;
    }
    if (blank) {
      htmlBlock = false;
      quote = false;
      paragraph = false;
      continue;
    }
    if (htmlBlock) continue;
    if (indentedCode && indent >= 4) continue;
    indentedCode = false;
    if (indent >= 4 && !paragraph && !list) {
      indentedCode = true;
      continue;
    }
    const fenceOpen = FENCE.exec(trimmed);
    if (fenceOpen) {
      fence = fenceOpen[1];
      paragraph = false;
      continue;
    }
    if (trimmed.startsWith('>')) {
      quote = true;
      continue;
    }
    if (quote) continue; // lazy continuation of the quote's paragraph
    if (trimmed.startsWith('<!--')) {
      htmlComment = !trimmed.includes('-->', 4);
      continue;
    }
    if (/^<\/?[A-Za-z]/.test(trimmed)) {
      htmlBlock = true;
      continue;
    }
    const content = stripLeaders(trimmed);
    // A list's items may indent their paragraphs by four; a plain line at the margin ends it.
    list = content.listed || (list && indent > 0);
    paragraph = true;
    const line = content.text.trim();
    if (!line.startsWith('/') || line.length > MAX_COMMAND_LINE) continue;
    const match = COMMAND_LINE.exec(line);
    if (!match) continue;
    const args = (match[2] ?? '').split(/\s+/).filter(Boolean);
    commands.push({ name: match[1].toLowerCase(), args, raw: line });
  }
  return commands;
}

function indentColumns(line: string): number {
  let column = 0;
  for (const c of line) {
    if (c === ' ') column++;
    else if (c === '\t') column += 4 - (column % 4);
    else break;
  }
  return column;
}

const LIST_MARKER = /(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)/y;
const HEADING_MARKER = /#{1,6}(?:[ \t]+|$)/y;

/**
 * List markers (`- `, `* `, `+ `, `1. `, `1) `, nested) and a heading's `#`s before the text.
 * Sticky expressions walk the line by index: `- ` × 10,000 costs one pass, not 10,000 copies.
 */
function stripLeaders(line: string): { text: string; listed: boolean } {
  let at = 0;
  let listed = false;
  for (;;) {
    LIST_MARKER.lastIndex = at;
    if (!LIST_MARKER.test(line)) break;
    listed = true;
    at = LIST_MARKER.lastIndex;
  }
  HEADING_MARKER.lastIndex = at;
  if (HEADING_MARKER.test(line)) at = HEADING_MARKER.lastIndex;
  return { text: line.slice(at), listed };
}

/** A closing fence: the opening fence's character, at least as many, nothing after but blanks. */
function closesFence(trimmed: string, fence: string): boolean {
  let n = 0;
  while (trimmed[n] === fence[0]) n++;
  return n >= fence.length && trimmed.slice(n).trim() === '';
}
