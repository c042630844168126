import type { Code, Heading, Root } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { remark } from 'remark';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import { visit } from 'unist-util-visit';
import type { Node as SyntaxNode } from 'web-tree-sitter';
import { parseBpftraceArgs } from './bpftrace-options.js';
import { basename, unwrapCommand } from './command-prefixes.js';
import { blockStyleOf, maskTranscript, openQuoteAtEnd } from './console-prompts.js';
import { lookalikesOutsideStrings, lookalikeToken, replaceLookalikes } from './lookalikes.js';
import { getShellParser, loadShellParser } from './shell-parser.js';
import { WordEvaluator, syntaxToken } from './shell-words.js';
import { readSimpleCommands, type SimpleCommand } from './simple-shell.js';
import type { OneLiner, OneLinerKind } from './types.js';
import { capText, TEXT_CAPS } from '../text/shown-text.js';

/** Code block languages whose content is shell (empty lang: a plain ``` fence). */
export const SHELL_LANGS: ReadonlySet<string> = new Set(['bash', 'sh', 'shell', 'zsh', 'console',
  'shell-session', 'shellsession', 'sh-session', 'terminal', '']);

export interface ExtractShellOptions {
  /** Markdown line of the code's first line (default 1: line numbers inside the code). */
  lineOffset?: number;
  heading?: string | null;
  /** The fence's language; `console`-like languages also accept `# ` root prompts. */
  lang?: string | null;
}

/**
 * One-liners in one code block's text, parsed as bash would parse it.
 *
 * A pipeline or list (`sudo bpftrace -e '…' | head`, `cd x && bpftrace -e '…'`) still yields
 * its one-liner, because the rubric counts what members wrote; the operators land in
 * `shellSyntax` and the runner refuses to run it. Text tree-sitter could not parse yields
 * what it recovered, with 'syntax-error' in `shellSyntax` for the statements it touched.
 * A block of plain commands (most blocks) is read without tree-sitter (simple-shell.ts), to
 * the same result. Never throws on content; throws only when a block needs tree-sitter and
 * `loadShellParser()` has not been awaited.
 */
export function extractFromShell(code: string, opts: ExtractShellOptions = {}): OneLiner[] {
  const lineOffset = opts.lineOffset ?? 1;
  const heading = opts.heading ?? null;
  const style = blockStyleOf(opts.lang);
  // tree-sitter treats NUL as end of input; bash would not see such a file as text anyway.
  const typed = maskTranscript(code.replace(/\0/g, ' '), style);
  // Curly quotes, dashes and no-break spaces where the shell reads syntax: read as what the
  // member meant, so the one-liner is found and counted, and marked with the characters'
  // code points (`U+2018`) so that `check` names them and the runner never runs a guess.
  const lookalikes = lookalikesOutsideStrings(typed);
  const masked = replaceLookalikes(typed, lookalikes);
  // A quote left open at the end swallows the rest of the block, so bash would refuse it; a
  // member most likely lost the closing quote while pasting. Close it so the one-liner is still
  // counted, and mark it so the runner never runs a guess.
  const openQuote = openQuoteAtEnd(masked);
  const closer = openQuote === null ? '' : openQuote === '"' ? '"' : "'";
  const found = parseOneLiners(masked + closer, { lineOffset, heading });
  if (closer) {
    const lastLine = lineOffset + masked.split('\n').length - 1;
    for (const oneLiner of found) {
      if (oneLiner.endLine >= lastLine && !oneLiner.shellSyntax.includes('syntax-error')) {
        oneLiner.shellSyntax.push('syntax-error');
      }
    }
  }
  if (lookalikes.length > 0) {
    const lineOf = (offset: number) => lineOffset + (typed.slice(0, offset).match(/\n/g)?.length ?? 0);
    const lineStarts = [0, ...[...typed.matchAll(/\n/g)].map((m) => m.index + 1)];
    for (const oneLiner of found) {
      // the command as the member wrote it: the replacements kept every offset
      const from = masked.indexOf(oneLiner.command, lineStarts[oneLiner.line - lineOffset] ?? 0);
      if (from >= 0) oneLiner.command = typed.slice(from, from + oneLiner.command.length);
      const tokens = lookalikes
        .filter((at) => lineOf(at) >= oneLiner.line && lineOf(at) <= oneLiner.endLine)
        .map((at) => lookalikeToken(typed[at]!));
      for (const token of new Set(tokens)) oneLiner.shellSyntax.push(token);
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

type Where = { lineOffset: number; heading: string | null };

function parseOneLiners(source: string, where: Where): OneLiner[] {
  return readSimply(source, where) ?? parseWithTreeSitter(source, where);
}

/**
 * The one-liners of a block of plain commands, read without tree-sitter (simple-shell.ts), or
 * null when the block holds more than that. Exported for the test that compares it with
 * `parseWithTreeSitter`.
 */
export function readSimply(source: string, where: Where): OneLiner[] | null {
  const simple = readSimpleCommands(source);
  if (!simple) return null;
  return simple.map((command) => simpleOneLiner(command, source, where)).filter((o) => o !== null);
}

/** What `toOneLiner` makes of the same command, read by simple-shell.ts. */
function simpleOneLiner(command: SimpleCommand, source: string, where: Where): OneLiner | null {
  const unwrapped = unwrapCommand(command.argv, command.env);
  if (!unwrapped) return null;
  const identified = identify(unwrapped.argv);
  if (!identified) return null;
  return {
    kind: identified.kind,
    line: where.lineOffset + command.startRow,
    endLine: where.lineOffset + command.endRow - (command.endColumn === 0 && command.endRow > command.startRow ? 1 : 0),
    heading: where.heading,
    command: source.slice(command.start, command.end),
    argv: identified.argv,
    env: unwrapped.env,
    shellSyntax: [...new Set(command.separators)],
  };
}

/** The one-liners of any block, as tree-sitter-bash parses it. */
export function parseWithTreeSitter(source: string, where: Where): OneLiner[] {
  const tree = getShellParser().parse(source);
  if (!tree) return [];
  try {
    const found: OneLiner[] = [];
    for (const command of tree.rootNode.descendantsOfType('command')) {
      const oneLiner = command ? toOneLiner(command, where) : null;
      if (oneLiner) found.push(oneLiner);
    }
    return found;
  } finally {
    tree.delete(); // trees live in WASM memory, not the JS heap
  }
}

function toOneLiner(command: SyntaxNode, where: Where): OneLiner | null {
  const words = new WordEvaluator();
  const env: Record<string, string> = {};
  const argv: string[] = [];
  for (const child of command.children) {
    if (!child) continue;
    if (child.type === 'variable_assignment') {
      const name = child.childForFieldName('name')?.text ?? child.firstChild?.text ?? '';
      const value = child.childForFieldName('value');
      env[name] = value ? words.value(value) : '';
    } else if (child.type === 'command_name') {
      argv.push(child.firstChild ? words.value(child.firstChild) : child.text);
    } else if (child.isNamed && child.type !== 'comment') {
      if (child.type.endsWith('_redirect')) words.noteSyntax(child);
      else argv.push(words.value(child));
    }
  }
  const unwrapped = unwrapCommand(argv, env);
  if (!unwrapped) return null;
  const identified = identify(unwrapped.argv);
  if (!identified) return null;

  const statement = topStatement(command);
  const shellSyntax = [...statementSyntax(command, statement), ...words.syntax];
  if (command.hasError) shellSyntax.push('syntax-error');
  const end = command.endPosition;
  return {
    kind: identified.kind,
    line: where.lineOffset + command.startPosition.row,
    endLine: where.lineOffset + end.row - (end.column === 0 && end.row > command.startPosition.row ? 1 : 0),
    heading: where.heading,
    command: statement.text,
    argv: identified.argv,
    env: unwrapped.env,
    shellSyntax: [...new Set(shellSyntax)],
  };
}

const BCC_TOOLS_DIR = '/usr/share/bcc/tools/';

function identify(argv: string[]): { kind: OneLinerKind; argv: string[] } | null {
  const [program, ...args] = argv as [string, ...string[]];
  const name = basename(program);
  if (name === 'bpftrace') {
    const parsed = parseBpftraceArgs(args);
    if (parsed.list) return { kind: 'bpftrace-list', argv: ['bpftrace', ...args] };
    if (parsed.program !== null) return { kind: 'bpftrace', argv: ['bpftrace', ...args] };
    return null; // --version, -h, a script file: not a one-liner
  }
  if (/^[\w.+-]+-bpfcc$/.test(name) || isBccToolPath(program)) return { kind: 'bcc-tool', argv: [name, ...args] };
  // `python3 /usr/share/bcc/tools/execsnoop` is the same tool run through its interpreter.
  if (/^python[\d.]*$/.test(name) && args[0] && isBccToolPath(args[0])) {
    return { kind: 'bcc-tool', argv: [basename(args[0]), ...args.slice(1)] };
  }
  return null;
}

function isBccToolPath(path: string): boolean {
  return path.startsWith(BCC_TOOLS_DIR) && !path.slice(BCC_TOOLS_DIR.length).includes('/') && path.length > BCC_TOOLS_DIR.length;
}

/** The outermost statement holding the command (pipeline, list, loop...), below the program. */
function topStatement(command: SyntaxNode): SyntaxNode {
  let node = command;
  while (node.parent && node.parent.type !== 'program') node = node.parent;
  return node;
}

const COMPOUND_SYNTAX: Record<string, string> = {
  subshell: '(...)',
  compound_statement: '{...}',
  if_statement: 'if',
  while_statement: 'while',
  for_statement: 'for',
  c_style_for_statement: 'for',
  case_statement: 'case',
  function_definition: 'function',
  negated_command: '!',
};

/** Operators and constructs around the command, up to its statement and its separators. */
function statementSyntax(command: SyntaxNode, statement: SyntaxNode): string[] {
  const found: string[] = [];
  for (let node = command.parent; node; node = node.parent) {
    const compound = COMPOUND_SYNTAX[node.type];
    if (compound) found.push(compound);
    else if (node.type === 'pipeline' || node.type === 'list') {
      for (const child of node.children) if (child && !child.isNamed) found.push(child.text);
    } else if (node.type === 'redirected_statement') {
      for (const child of node.children) if (child) syntaxOf(child, found);
    } else syntaxOf(node, found);
    if (node.type === 'program') break;
  }
  found.push(...separators(statement));
  return found;
}

function syntaxOf(node: SyntaxNode, into: string[]): void {
  if (node.type === 'program') return;
  const token = syntaxToken(node);
  if (token) into.push(token);
}

/**
 * `&` always matters (background); `;` only when it joins another statement on the same line
 * (`bpftrace -e '…'; touch x`). A lone trailing `;` changes nothing bash runs.
 */
function separators(statement: SyntaxNode): string[] {
  const found: string[] = [];
  const next = statement.nextSibling;
  const previous = statement.previousSibling;
  if (next && !next.isNamed && next.type === '&') found.push('&');
  if (next && !next.isNamed && next.type === ';') {
    const after = next.nextSibling;
    if (after && after.isNamed && after.type !== 'comment' && after.startPosition.row === next.endPosition.row) found.push(';');
  }
  if (previous && !previous.isNamed && (previous.type === ';' || previous.type === '&')) {
    if (previous.endPosition.row === statement.startPosition.row) found.push(previous.type);
  }
  return found;
}

/**
 * One-liners of every shell code block in an already-parsed markdown tree, in document order.
 * For the rubric engine, which parses each file once: call `await loadShellParser()` once
 * before, then this is synchronous.
 *
 * `root` must carry positions (remark's parser adds them). `heading` is the nearest preceding
 * heading of depth >= 3; a heading of depth 1-2 closes it (a `## 학습 내용` after `### 5. …` is
 * no longer part of one-liner 5). Line numbers are the markdown file's: a fenced block's first
 * code line is the fence's line + 1, an indented block's is its own first line.
 */
export function extractFromCodeNodes(root: Root): OneLiner[] {
  const found: OneLiner[] = [];
  let heading: string | null = null;
  visit(root, (node) => {
    if (node.type === 'heading') {
      const h = node as Heading;
      // Capped here, before any renderer or pattern reads it (a 99,000-space heading froze the app).
      heading = h.depth >= 3 ? capText(toString(h).trim(), TEXT_CAPS.heading) || null : null;
      return;
    }
    if (node.type !== 'code') return;
    const code = node as Code;
    const lang = (code.lang ?? '').toLowerCase();
    if (!SHELL_LANGS.has(lang) || !code.position) return;
    found.push(...extractFromShell(code.value, { lineOffset: firstCodeLine(code), heading, lang }));
  });
  return found;
}

/** The markdown line of a code block's first code line (the line after a fence). */
export function firstCodeLine(code: Code): number {
  const { start, end } = code.position!;
  const spanned = end.line - start.line + 1;
  const valueLines = code.value.split('\n').length;
  // A fence adds at least its opening line; an indented block spans exactly its value.
  return spanned > valueLines ? start.line + 1 : start.line;
}

const markdownParser = remark().use(remarkGfm).use(remarkFrontmatter, ['yaml', 'toml']);

/** The markdown tree the extractor reads (GFM, front matter), with the shell parser loaded. */
export async function parseNote(markdown: string): Promise<Root> {
  await loadShellParser();
  return markdownParser.parse(markdown) as Root;
}

/** Parses a markdown file and returns the one-liners of its shell code blocks. Never throws on content. */
export async function extractOneLiners(markdown: string): Promise<OneLiner[]> {
  await loadShellParser();
  const root = markdownParser.parse(markdown) as Root;
  return extractFromCodeNodes(root);
}
