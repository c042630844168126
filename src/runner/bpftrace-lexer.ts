/**
 * bpftrace 0.17's lexer (src/lexer.l), rewritten rule for rule so that the policy sees the
 * program exactly as bpftrace will: where a string, a comment, a preprocessor line or a
 * `struct` definition starts and ends is decided by the same rules, including the odd ones
 * that a scanner gets wrong:
 *
 * - `#` anywhere outside a string starts a preprocessor token that runs to the end of the
 *   line (`"#"[^!].*`), so a `'"'` in a `#define` never opens a string;
 * - `//` and `#!` comments need a newline after them (flex's `$`): at the very end of the
 *   program `//` is not a comment but two `/` tokens;
 * - `struct`, `union` and `enum` switch to a state where everything up to `*`, `)` or a
 *   balanced `{...}` is one token, quotes and comment markers included;
 * - an attach point's `:path` part (`:(\\.|[_\-./a-zA-Z0-9#*])+`) may hold `//`, `/*`, `#`
 *   and escaped characters without starting anything;
 * - a string ends at a newline or at a backslash before a newline (both errors).
 *
 * No macro expansion: that happens inside bpftrace after clang has read the `#define`s; the
 * policy judges macro bodies separately (program-facts.ts). Pure and total: every input
 * yields tokens whose texts, joined, are the input again.
 */
export type TokenKind =
  | 'space'
  /** `// …`, `/* … *\/`, or a `#!` line at the start of a line */
  | 'comment'
  /** `#…` to the end of the line: handed to clang (`#include`, `#define`…) */
  | 'preprocessor'
  /** `"…"`, quotes included */
  | 'string'
  /** `struct x` in a cast, up to (not including) the `*` or `)` that ends it */
  | 'struct-type'
  /** `struct x { … }` (or `};`): a C definition handed to clang */
  | 'struct-def'
  | 'ident'
  /** `@name` or `@` */
  | 'map'
  /** `$name` */
  | 'var'
  /** `$1`, `$#` */
  | 'param'
  | 'number'
  /** `:…` right after an attach point's provider or a previous part */
  | 'path'
  | 'punct'
  /** a character bpftrace rejects (`'`, `` ` ``, a lone `$`, a non-ASCII character...) */
  | 'invalid';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Offset of the first character in the program. */
  start: number;
  /** What bpftrace's lexer reports for this token (unterminated string, comment...). */
  error?: string;
}

/** Longest first, as flex picks the longest match. */
const PUNCTUATION = ['<<=', '>>=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '==', '!=', '<=', '>=',
  '<<', '>>', '&&', '||', '++', '--', '->',
  ':', ';', '{', '}', '[', ']', '(', ')', ',', '=', '<', '>', '+', '-', '*', '/', '%', '&', '|', '^', '!', '~', '.', '?'];

const IDENT = /[_a-zA-Z][_a-zA-Z0-9]*/y;
const INT = '[0-9](?:[0-9_]*[0-9])?';
const INT_SIZE = '(?:[uU][lL]?[lL]?|[lL][lL]?)';
const NUMBER = new RegExp(`0[xX][0-9a-fA-F]+|${INT}[eE]${INT}|${INT}${INT_SIZE}?`, 'y');
const PATH = /:(?:\\[^\n]|[_\-./a-zA-Z0-9#*])+/y;
const PARAM = /\$(?:[0-9]+|#)/y;
const VAR = /\$[_a-zA-Z][_a-zA-Z0-9]*/y;
const MAP = /@(?:[_a-zA-Z][_a-zA-Z0-9]*)?/y;
const STRUCT_KEYWORDS = new Set(['struct', 'union', 'enum']);

export function lexBpftrace(program: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number, error?: string) => {
    tokens.push(error === undefined ? { kind, text: program.slice(i, end), start: i } : { kind, text: program.slice(i, end), start: i, error });
    i = end;
  };
  const match = (re: RegExp): number => {
    re.lastIndex = i;
    return re.test(program) ? re.lastIndex : -1;
  };

  while (i < program.length) {
    const c = program[i]!;
    const next = program[i + 1];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      let end = i + 1;
      while (end < program.length && ' \t\n\r'.includes(program[end]!)) end++;
      push('space', end);
    } else if (c === '#' && next === '!' && (i === 0 || program[i - 1] === '\n') && program.indexOf('\n', i) !== -1) {
      push('comment', program.indexOf('\n', i)); // `^"#!".*$`
    } else if (c === '/' && next === '/' && program.indexOf('\n', i) !== -1) {
      push('comment', program.indexOf('\n', i)); // `"//".*$`: at the end of input it is no comment
    } else if (c === '/' && next === '*') {
      const close = program.indexOf('*/', i + 2);
      if (close === -1) push('comment', program.length, 'end of file during comment');
      else push('comment', close + 2);
    } else if (c === '#' && next !== undefined && next !== '!') {
      // `"#"[^!].*`: the character after `#` may itself be a newline
      const nl = program.indexOf('\n', i + 2);
      push('preprocessor', nl === -1 ? program.length : nl);
    } else if (c === '"') {
      const { end, error } = endOfString(program, i);
      push('string', end, error);
    } else if (c === ':' && match(PATH) !== -1) {
      push('path', match(PATH));
    } else if (/[_a-zA-Z]/.test(c)) {
      const end = match(IDENT);
      const word = program.slice(i, end);
      if (STRUCT_KEYWORDS.has(word)) {
        const struct = endOfStruct(program, end);
        push(struct.kind, struct.end);
      } else push('ident', end);
    } else if (c >= '0' && c <= '9') {
      push('number', match(NUMBER));
    } else if (c === '$') {
      const param = match(PARAM);
      const variable = match(VAR);
      if (param !== -1) push('param', param);
      else if (variable !== -1) push('var', variable);
      else push('invalid', i + 1, "invalid character '$'");
    } else if (c === '@') {
      push('map', match(MAP));
    } else {
      const punct = PUNCTUATION.find((p) => program.startsWith(p, i));
      if (punct) push('punct', i + punct.length);
      else push('invalid', i + 1, `invalid character '${c}'`);
    }
  }
  return tokens;
}

/** The STR state: escapes pair a backslash with any character but a newline. */
function endOfString(program: string, start: number): { end: number; error?: string } {
  let i = start + 1;
  while (i < program.length) {
    const c = program[i]!;
    if (c === '"') return { end: i + 1 };
    if (c === '\n') return { end: i + 1, error: 'unterminated string' };
    if (c === '\\') {
      // `\\.` needs a character that is not a newline; a lone backslash ends the string (`.` rule)
      if (i + 1 < program.length && program[i + 1] !== '\n') i += 2;
      else return { end: i + 1, error: 'invalid character' };
    } else i++;
  }
  return { end: program.length, error: 'unterminated string' };
}

/**
 * The STRUCT and BRACE states after `struct`/`union`/`enum`: a cast's type ends before `*` or
 * `)`; `{` opens a definition that ends at its balanced `}` (or `};`); the end of input ends
 * either.
 */
function endOfStruct(program: string, from: number): { kind: 'struct-type' | 'struct-def'; end: number } {
  let depth = 0;
  for (let i = from; i < program.length; i++) {
    const c = program[i]!;
    if (depth === 0 && (c === '*' || c === ')')) return { kind: 'struct-type', end: i };
    if (c === '{') depth++;
    else if (c === '}') {
      const end = program[i + 1] === ';' ? i + 2 : i + 1;
      // in the STRUCT state itself a `}` just leaves it: the text is dropped, no token
      if (depth === 0) return { kind: 'struct-type', end };
      depth--;
      if (depth === 0) return { kind: 'struct-def', end };
      i = end - 1;
    }
  }
  return { kind: depth > 0 ? 'struct-def' : 'struct-type', end: program.length };
}

/** Tokens that carry meaning: no spaces, no comments. */
export function significantTokens(tokens: readonly Token[]): Token[] {
  return tokens.filter((t) => t.kind !== 'space' && t.kind !== 'comment');
}

/** The value of a string token as bpftrace decodes it (escapes resolved). */
export function stringValue(token: Token): string {
  const body = token.text.slice(1, token.text.endsWith('"') && token.text.length > 1 ? -1 : undefined);
  return body.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|[\s\S])/g, (_, esc: string) => {
    if (esc[0] === 'x' || esc[0] === 'X') return String.fromCharCode(parseInt(esc.slice(1), 16));
    if (/^[0-7]/.test(esc)) return String.fromCharCode(parseInt(esc, 8) & 0xff);
    return ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[esc] ?? esc;
  });
}
