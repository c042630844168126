import type { Bilingual } from '../i18n/pick.js';

/**
 * Whether a C file's structure holds together, as a reviewer sees it before any compiler:
 * brackets that close what they opened, comments and strings that end. Not a compiler: no
 * macro expansion, no types. What it does know of the preprocessor is the common trap of
 * `#ifdef A … {` / `#else … {` / `#endif` (each branch opens once; only the first is counted)
 * and that a `#define`'s body may hold half a block.
 *
 * One pass over the text, linear in its length, no regular expressions: a file of any shape
 * costs the same per byte. Only the first problem is reported, as a compiler's first error
 * is the one worth reading (the rest usually follow from it).
 */
export interface StructureProblem {
  /** 1-based */
  line: number;
  column: number;
  message: Bilingual;
}

interface Opener {
  char: '{' | '(' | '[';
  line: number;
  column: number;
}

const CLOSER_OF: Record<string, '{' | '(' | '['> = { '}': '{', ')': '(', ']': '[' };

/** `#if` … `#endif`: the bracket stack at the `#if`, and at the end of the first branch once past it. */
interface Conditional {
  atIf: Opener[];
  afterFirst: Opener[] | null;
}

/**
 * `complete`: the text is the whole file. A prefix (a file read only up to a bound) cannot be
 * blamed for what is still open at its end.
 */
export function checkCStructure(text: string, options: { complete: boolean }): StructureProblem | null {
  let stack: Opener[] = [];
  const conditionals: Conditional[] = [];
  let line = 1;
  let column = 1;
  let atLineStart = true;
  let inDirective = false;
  const n = text.length;
  let i = 0;

  const advance = (count: number) => {
    for (let k = 0; k < count && i < n; k++) {
      if (text[i] === '\n') {
        line++;
        column = 1;
      } else column++;
      i++;
    }
  };

  while (i < n) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '\n') {
      // A directive ends at a newline that no backslash continues.
      if (inDirective && !continued(text, i)) inDirective = false;
      atLineStart = true;
      advance(1);
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      advance(1);
      continue;
    }
    if (c === '/' && next === '/') {
      // to the end of the line (a backslash-newline continues it, as in C)
      while (i < n && !(text[i] === '\n' && !continued(text, i))) advance(1);
      continue;
    }
    if (c === '/' && next === '*') {
      const startLine = line;
      const startColumn = column;
      const close = text.indexOf('*/', i + 2);
      if (close === -1) {
        if (!options.complete) return null;
        return {
          line: startLine,
          column: startColumn,
          message: { ko: '여기서 연 주석(`/*`)이 닫히지 않습니다 (`*/` 없음)', en: 'the comment opened here (`/*`) never ends (no `*/`)' },
        };
      }
      advance(close + 2 - i);
      continue;
    }
    if (atLineStart && c === '#') {
      atLineStart = false;
      const directive = directiveName(text, i + 1);
      const problem = onDirective(directive, conditionals, stack);
      if (problem) stack = problem;
      inDirective = true;
      advance(1);
      continue;
    }
    atLineStart = false;
    if (c === '"' || c === "'") {
      const startLine = line;
      const startColumn = column;
      const end = endOfLiteral(text, i, c);
      if (end < 0 && inDirective) {
        // `#error don't`: the preprocessor lets a directive's stray quote pass
        while (i < n && text[i] !== '\n') advance(1);
        continue;
      }
      if (end < 0) {
        if (!options.complete && text.indexOf('\n', i) === -1) return null;
        return {
          line: startLine,
          column: startColumn,
          message:
            c === '"'
              ? { ko: '문자열(`"`)이 그 줄에서 닫히지 않습니다', en: 'the string (`"`) does not end on its line' }
              : { ko: "문자 상수(`'`)가 그 줄에서 닫히지 않습니다", en: "the character constant (`'`) does not end on its line" },
        };
      }
      advance(end - i);
      continue;
    }
    if (!inDirective) {
      if (c === '{' || c === '(' || c === '[') stack.push({ char: c, line, column });
      else if (c === '}' || c === ')' || c === ']') {
        const open = stack.pop();
        if (!open) {
          return {
            line,
            column,
            message: { ko: `\`${c}\`를 닫을 여는 괄호가 없습니다`, en: `\`${c}\` closes nothing: no bracket is open here` },
          };
        }
        if (open.char !== CLOSER_OF[c]) {
          return {
            line,
            column,
            message: {
              ko: `\`${c}\`가 ${open.line}행의 \`${open.char}\`를 닫습니다 — 괄호 짝이 맞지 않습니다`,
              en: `\`${c}\` closes the \`${open.char}\` of line ${open.line}: the brackets do not pair up`,
            },
          };
        }
      }
    }
    advance(1);
  }
  if (!options.complete) return null;
  // The outermost bracket left open: for a missing `}` inside a function it is the function's own.
  const open = stack[0];
  if (!open) return null;
  return {
    line: open.line,
    column: open.column,
    message: {
      ko: `${open.line}행의 \`${open.char}\`가 파일 끝까지 닫히지 않습니다`,
      en: `the \`${open.char}\` of line ${open.line} is still open at the end of the file`,
    },
  };
}

/** Whether the newline at `at` is continued by a backslash before it (`\`, or `\` + CR). */
function continued(text: string, at: number): boolean {
  let k = at - 1;
  if (text[k] === '\r') k--;
  return text[k] === '\\';
}

/** `if`, `ifdef`, `else`... after a `#` and blanks; '' when none. */
function directiveName(text: string, from: number): string {
  let k = from;
  while (text[k] === ' ' || text[k] === '\t') k++;
  let name = '';
  while (k < text.length && name.length < 16 && /[a-z]/.test(text[k]!)) name += text[k++];
  return name;
}

/**
 * Keeps the bracket stack of a conditional's first branch: `#else`/`#elif` start again from
 * the `#if`'s stack, `#endif` returns to the first branch's. Returns the stack to go on with.
 */
function onDirective(name: string, conditionals: Conditional[], stack: Opener[]): Opener[] | null {
  if (name === 'if' || name === 'ifdef' || name === 'ifndef') {
    conditionals.push({ atIf: [...stack], afterFirst: null });
    return null;
  }
  const top = conditionals[conditionals.length - 1];
  if (!top) return null;
  if (name === 'else' || name === 'elif' || name === 'elifdef' || name === 'elifndef') {
    top.afterFirst ??= [...stack];
    return [...top.atIf];
  }
  if (name === 'endif') {
    conditionals.pop();
    return top.afterFirst ? top.afterFirst : null;
  }
  return null;
}

/**
 * The index after a string or character literal that starts at `start`, or -1 when a newline
 * (not escaped) or the end of the text comes first.
 */
function endOfLiteral(text: string, start: number, quote: string): number {
  let k = start + 1;
  while (k < text.length) {
    const c = text[k]!;
    if (c === quote) return k + 1;
    if (c === '\n') return -1;
    if (c === '\\') k += text[k + 1] === '\r' && text[k + 2] === '\n' ? 3 : 2;
    else k++;
  }
  return -1;
}
