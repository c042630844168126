import { shownText } from '../text/shown-text.js';
import type { SlashCommand } from './parse-commands.js';

/** How much of a command's line a reply quotes: a command is one short line. */
const QUOTED_MAX = 200;

/**
 * The line a reply answers, quoted (`> …`). Anyone can comment, and the bot's reply carries
 * its name: the line loses what would mention, link, hide or spell a character reference
 * (text/shown-text.ts), a bracket, backtick, `*`, `_`, `~` or `<` is only that character (no
 * markdown link, code span, emphasis or HTML: the quote reads as written), and it is cut to
 * 200 characters (the eighteenth attack review: a drive-by account's
 * `/출석 [안내](https://evil.example) @kim-cs` came back as a link and a mention in the bot's
 * own reply). Words of the member's named inside a reply's own sentence are a code span
 * instead (shownName, text/shown-text.ts).
 */
export function quoteCommand(command: Pick<SlashCommand, 'raw'>): string {
  const shown = shownText(command.raw.trim(), QUOTED_MAX).replace(/[[\]\\`*_~]/g, (c) => `\\${c}`).replace(/</g, '&lt;');
  return `> ${shown}`;
}
