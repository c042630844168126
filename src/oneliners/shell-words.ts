import type { Node } from 'web-tree-sitter';

/**
 * Turns tree-sitter-bash word nodes into the strings bash would pass in argv, without ever
 * expanding anything: expansions (`$X`, `$(...)`, backquotes...) stay as their literal text
 * and are reported in `syntax`, so the runner can refuse statements it cannot reproduce
 * faithfully without a shell.
 */
export class WordEvaluator {
  /** Shell syntax met while evaluating, in order of first appearance. */
  readonly syntax = new Set<string>();

  value(node: Node): string {
    switch (node.type) {
      case 'word':
      case 'number':
        return unescapeUnquoted(node.text);
      case 'raw_string':
        return stripQuotes(node.text, "'", "'");
      case 'string':
        return this.doubleQuoted(node);
      case 'translated_string': // $"..." is a double-quoted string subject to gettext
        return node.firstChild ? this.value(node.lastChild ?? node.firstChild) : '';
      case 'ansi_c_string':
        return decodeAnsiC(stripQuotes(node.text, "$'", "'"));
      case 'concatenation':
        return this.concatenate(node);
      default:
        this.noteSyntax(node);
        return node.text;
    }
  }

  /** Records the syntax a node stands for, if any; returns whether it was syntax. */
  noteSyntax(node: Node): boolean {
    const token = syntaxToken(node);
    if (token) this.syntax.add(token);
    return token !== null;
  }

  private doubleQuoted(node: Node): string {
    const text = node.text;
    const start = node.startIndex;
    const closed = text.length >= 2 && text.endsWith('"') && node.lastChild?.type === '"';
    const innerEnd = closed ? text.length - 1 : text.length;
    let out = '';
    let cursor = 1; // after the opening quote
    for (const child of node.children) {
      if (!child || child.type === '"') continue;
      const from = child.startIndex - start;
      const to = child.endIndex - start;
      // Text tree-sitter did not wrap in a child is plain string content.
      if (from > cursor) out += unescapeDoubleQuoted(text.slice(cursor, from));
      if (child.type === 'string_content') out += unescapeDoubleQuoted(child.text);
      else {
        this.noteSyntax(child);
        out += child.text;
      }
      cursor = Math.max(cursor, to);
    }
    if (innerEnd > cursor) out += unescapeDoubleQuoted(text.slice(cursor, innerEnd));
    return out;
  }

  private concatenate(node: Node): string {
    const text = node.text;
    const start = node.startIndex;
    let out = '';
    let cursor = 0;
    for (const child of node.children) {
      if (!child) continue;
      const from = child.startIndex - start;
      if (from > cursor) out += unescapeUnquoted(text.slice(cursor, from));
      out += this.value(child);
      cursor = Math.max(cursor, child.endIndex - start);
    }
    if (text.length > cursor) out += unescapeUnquoted(text.slice(cursor));
    return out;
  }
}

/** The category of shell syntax a node represents, or null for plain words. */
export function syntaxToken(node: Node): string | null {
  switch (node.type) {
    case 'simple_expansion':
    case 'expansion':
      return '$VAR';
    case 'command_substitution':
      return node.text.startsWith('`') ? '`...`' : '$(...)';
    case 'arithmetic_expansion':
      return '$((...))';
    case 'process_substitution':
      return node.text.startsWith('>') ? '>(...)' : '<(...)';
    case 'file_redirect': {
      const op = node.children.find((c) => c && !c.isNamed);
      return op?.text ?? '>';
    }
    case 'heredoc_redirect':
      return '<<';
    case 'herestring_redirect':
      return '<<<';
    case 'ERROR':
      return 'syntax-error';
    default:
      return null;
  }
}

function stripQuotes(text: string, open: string, close: string): string {
  let inner = text.startsWith(open) ? text.slice(open.length) : text;
  if (inner.endsWith(close)) inner = inner.slice(0, -close.length);
  return inner;
}

/** Outside quotes a backslash keeps the next character literally; `\`-newline vanishes. */
export function unescapeUnquoted(text: string): string {
  return text.replace(/\\([\s\S])?/g, (_m, next: string | undefined) =>
    next === undefined ? '\\' : next === '\n' ? '' : next,
  );
}

/** Inside double quotes a backslash escapes only $ ` " \ and newline. */
export function unescapeDoubleQuoted(text: string): string {
  return text.replace(/\\([$`"\\\n])/g, (_m, next: string) => (next === '\n' ? '' : next));
}

const ANSI_SIMPLE: Record<string, string> = {
  a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  '\\': '\\', "'": "'", '"': '"', '?': '?',
};

/** `$'...'` escapes as bash decodes them. */
export function decodeAnsiC(text: string): string {
  return text.replace(
    /\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c[\s\S]|[\s\S])/g,
    (whole, esc: string) => {
      const head = esc[0]!;
      if (head === 'x' && esc.length > 1) return String.fromCharCode(parseInt(esc.slice(1), 16));
      if ((head === 'u' || head === 'U') && esc.length > 1) {
        const code = parseInt(esc.slice(1), 16);
        return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      if (/^[0-7]/.test(esc)) return String.fromCharCode(parseInt(esc, 8) & 0xff);
      if (head === 'c' && esc.length === 2) return String.fromCharCode(esc.charCodeAt(1) & 0x1f);
      return Object.hasOwn(ANSI_SIMPLE, esc) ? ANSI_SIMPLE[esc] : whole;
    },
  );
}
