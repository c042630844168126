/**
 * The common shape of a note's shell block, read without tree-sitter: plain commands, one a
 * line (or joined by `;` and `&`), words made of plain characters, '…' and "…" without
 * anything bash would expand, comments. That is most blocks members write
 * (`sudo bpftrace -e '…'`, `sudo apt install bpftrace`, a transcript's output), and for those
 * this reader gives exactly the commands tree-sitter-bash gives; loading tree-sitter costs a
 * one-note `study-bot check` ~20% of its CPU (docs/cli-speed.md).
 *
 * Anything else (a pipe, `&&`, a redirection, `$`, a backslash, brackets, braces, a keyword,
 * an unclosed quote, a control character or a space other than ' ' and tab) returns null:
 * "not sure", and the caller asks tree-sitter. test/oneliners/simple-shell.test.ts runs both on
 * every block of the fixtures, bpftrace's own one-liners and random text, and compares.
 */

/** A simple command as tree-sitter-bash reads it: what `extract-oneliners.ts` takes from a `command` node. */
export interface SimpleCommand {
  /** offsets in the source: the first assignment or word, the end of the last word */
  start: number;
  end: number;
  startRow: number;
  endRow: number;
  endColumn: number;
  /** `NAME=value` before the command name */
  env: Record<string, string>;
  /** the words after quote removal (nothing else applies in this subset) */
  argv: string[];
  /** `&` and `;` around the statement, as `separators()` in extract-oneliners.ts reports them */
  separators: string[];
}

/** Characters that end a word or that this reader leaves to tree-sitter (bash syntax, odd spaces). */
const SPECIAL = new Set(['<', '>', '{', '}', '[', ']', '(', ')', '`', '$', '|', '\\']);
/** Reserved words and declaration builtins: tree-sitter-bash gives them nodes of their own. */
const KEYWORDS: ReadonlySet<string> = new Set(['if', 'then', 'else', 'elif', 'fi', 'case', 'esac', 'for', 'select', 'while',
  'until', 'do', 'done', 'in', 'function', 'declare', 'typeset', 'export', 'readonly', 'local', 'unset', 'unsetenv']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
/** The unquoted characters a command's name may have here (tree-sitter errs on some others: `a%`, `a@x`, `a?x`, `a+:`). */
const NAME_CHARS = /^[\w./:,\p{L}\p{N}\p{M}-]*$/u;
const AFTER_ASSIGNMENT = /^[A-Za-z0-9_./-]*$/;

/** Whether a character is one this reader never decides on (controls, spaces other than ' ', tab, newline). */
function odd(code: number, char: string): boolean {
  if (code < 0x20) return code !== 0x09 && code !== 0x0a;
  if (code === 0x7f) return true;
  if (code < 0x80) return false;
  return /[\s\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/u.test(char);
}

interface Statement {
  command: Omit<SimpleCommand, 'separators'> | null;
  /** the `;` or `&` after it, and the row it is on */
  after: { token: ';' | '&'; row: number } | null;
  /** whether a command follows that `;` or `&` on the same row */
  followedOnRow: boolean;
  startRow: number;
}

/**
 * The simple commands of a script, or null when it holds anything beyond the subset above.
 * Offsets and rows are the source's (rows from 0), as tree-sitter's positions.
 */
export function readSimpleCommands(source: string): SimpleCommand[] | null {
  const statements: Statement[] = [];
  let row = 0;
  let lineStart = 0;
  let i = 0;
  const n = source.length;
  let current: Statement | null = null;
  let words: { value: string; raw: string; bare: string; start: number; end: number; endRow: number; endColumn: number }[] = [];

  const finish = (): boolean => {
    if (!current) return true;
    const env: Record<string, string> = {};
    let at = 0;
    for (; at < words.length; at++) {
      const word = words[at]!;
      // `_=x` is a command to tree-sitter (`_` is a special parameter)
      const assignment = word.raw.startsWith('_=') ? null : ASSIGNMENT.exec(word.raw);
      // `--omit=x` where a command starts is an assignment to tree-sitter, not to bash
      if (!assignment && word.raw.includes('=')) return false;
      if (!assignment) break;
      const name = assignment[0].slice(0, -1);
      env[name] = word.value.slice(name.length + 1);
    }
    if (at < words.length) {
      const name = words[at]!;
      const head = /^[^'"]*/.exec(name.raw)![0]; // `function'x'` is the keyword, then a string
      if (KEYWORDS.has(name.value) || KEYWORDS.has(head) || name.raw.startsWith('!')) return false;
      // `a%`, `a?b` where a command starts are errors to tree-sitter (a variable's name, then junk)
      // (and a lone `-` before `B=` is dropped, the rest an assignment)
      // after an assignment, `a:` is one too (`A=1 a:`); keep to the plain names there
      if (!(at > 0 ? AFTER_ASSIGNMENT : NAME_CHARS).test(name.bare) || name.raw === '-') return false;
      const first = words[0]!;
      const last = words[words.length - 1]!;
      current.command = {
        start: first.start,
        end: last.end,
        startRow: current.startRow,
        endRow: last.endRow,
        endColumn: last.endColumn,
        env,
        argv: words.slice(at).map((w) => w.value),
      };
    }
    statements.push(current);
    current = null;
    words = [];
    return true;
  };

  while (i < n) {
    const c = source[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '\n') {
      if (!finish()) return null;
      i++;
      row++;
      lineStart = i;
      continue;
    }
    if (c === '#') {
      // a comment runs to the end of the line; the statement before it (if any) ends there
      while (i < n && source[i] !== '\n') {
        if (source[i] === '\r') return null;
        i++;
      }
      continue;
    }
    if (c === ';' || c === '&') {
      const next = source[i + 1];
      if (next === ';' || next === '&' || next === '|' || next === '>') return null;
      if (!current || words.length === 0) return null; // `; x`, `& x`: tree-sitter's error recovery
      current.after = { token: c, row };
      // is another command on this line? (a comment or the line's end: no)
      let j = i + 1;
      while (j < n && (source[j] === ' ' || source[j] === '\t')) j++;
      current.followedOnRow = j < n && source[j] !== '\n' && source[j] !== '#';
      if (!finish()) return null;
      i++;
      continue;
    }
    // a word: unquoted characters, '…' and "…", glued together
    const start = i;
    let value = '';
    let bare = ''; // the unquoted characters
    while (i < n) {
      const ch = source[i]!;
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === ';' || ch === '&') break;
      const code = ch.charCodeAt(0);
      if (SPECIAL.has(ch) || odd(code, ch)) {
        // a surrogate pair is one character: judge the whole code point
        if (code >= 0xd800 && code <= 0xdbff && i + 1 < n) {
          const pair = source.slice(i, i + 2);
          if (!odd(pair.codePointAt(0)!, pair) && pair.codePointAt(0)! > 0xffff) {
            value += pair;
            i += 2;
            continue;
          }
        }
        return null;
      }
      if (ch === "'") {
        const close = source.indexOf("'", i + 1);
        if (close < 0) return null;
        const inner = source.slice(i + 1, close);
        if (/\r/.test(inner)) return null;
        value += inner;
        i = close + 1;
        continue;
      }
      if (ch === '"') {
        let j = i + 1;
        while (j < n && source[j] !== '"') {
          const inside = source[j]!;
          if (inside === '\\' || inside === '$' || inside === '`' || inside === '\r') return null;
          j++;
        }
        if (j >= n) return null;
        value += source.slice(i + 1, j);
        i = j + 1;
        continue;
      }
      // `a#` and `x# c` before a command are errors to tree-sitter, `a#b` a word: leave it all to it
      if (ch === '#') return null;
      value += ch;
      bare += ch;
      i++;
    }
    const raw = source.slice(start, i);
    // tree-sitter-bash reads `==` and `=~` as test operators even in a command's arguments
    if (raw.startsWith('==') || raw.startsWith('=~')) return null;
    // rows inside the word (a quoted newline)
    let endRow = row;
    let endLineStart = lineStart;
    for (let k = raw.indexOf('\n'); k >= 0; k = raw.indexOf('\n', k + 1)) {
      endRow++;
      endLineStart = start + k + 1;
    }
    if (!current) current = { command: null, after: null, followedOnRow: false, startRow: row };
    words.push({ value, raw, bare, start, end: i, endRow, endColumn: i - endLineStart });
    row = endRow;
    lineStart = endLineStart;
  }
  if (!finish()) return null;

  const commands: SimpleCommand[] = [];
  statements.forEach((statement, index) => {
    if (!statement.command) return;
    const separators: string[] = [];
    if (statement.after?.token === '&') separators.push('&');
    if (statement.after?.token === ';' && statement.followedOnRow) separators.push(';');
    const previous = statements[index - 1]?.after;
    if (previous && previous.row === statement.startRow) separators.push(previous.token);
    commands.push({ ...statement.command, separators });
  });
  return commands;
}
