import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Code, InlineCode } from 'mdast';
import { visit } from 'unist-util-visit';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Node as SyntaxNode } from 'web-tree-sitter';
import { parseMarkdown } from '../../src/markdown/parse-markdown.js';
import { blockStyleOf, maskTranscript, openQuoteAtEnd } from '../../src/oneliners/console-prompts.js';
import { parseWithTreeSitter, readSimply } from '../../src/oneliners/extract-oneliners.js';
import { lookalikesOutsideStrings, replaceLookalikes } from '../../src/oneliners/lookalikes.js';
import { getShellParser, loadShellParser } from '../../src/oneliners/shell-parser.js';
import { WordEvaluator } from '../../src/oneliners/shell-words.js';
import { readSimpleCommands, type SimpleCommand } from '../../src/oneliners/simple-shell.js';

/**
 * simple-shell.ts must read a block exactly as tree-sitter-bash does, or say "not sure". Two
 * levels: every command (positions, argv, env: what the extractor takes from a `command` node),
 * and the one-liners the extractor makes of them (line numbers, text, argv, env, shell syntax).
 */

const repo = join(import.meta.dirname, '../..');

beforeAll(async () => {
  await loadShellParser();
});

type Command = Omit<SimpleCommand, 'separators'>;

/** tree-sitter's commands, as extract-oneliners.ts reads them; null if the tree holds anything else. */
function treeSitterCommands(source: string): Command[] | null {
  const tree = getShellParser().parse(source)!;
  try {
    if (tree.rootNode.hasError) return null;
    const commands: Command[] = [];
    for (const node of tree.rootNode.descendantsOfType('command')) {
      if (!node || node.parent?.type !== 'program') return null;
      const words = new WordEvaluator();
      const env: Record<string, string> = {};
      const argv: string[] = [];
      for (const child of node.children) {
        if (!child) continue;
        if (child.type === 'variable_assignment') {
          const value = child.childForFieldName('value');
          env[child.childForFieldName('name')?.text ?? ''] = value ? words.value(value) : '';
        } else if (child.type === 'command_name') argv.push(words.value(child.firstChild as SyntaxNode));
        else if (child.isNamed && child.type !== 'comment') argv.push(words.value(child));
      }
      if (words.syntax.size > 0) return null;
      commands.push({
        start: node.startIndex,
        end: node.endIndex,
        startRow: node.startPosition.row,
        endRow: node.endPosition.row,
        endColumn: node.endPosition.column,
        env,
        argv,
      });
    }
    return commands;
  } finally {
    tree.delete();
  }
}

const stats = { simple: 0, notSure: 0 };

/** Both readers on one source: when simple-shell.ts answers, tree-sitter gives the same. */
function compare(source: string): void {
  const simple = readSimpleCommands(source);
  if (!simple) {
    stats.notSure++;
    return;
  }
  stats.simple++;
  // JS strings index by UTF-16 unit, tree-sitter by UTF-16 unit too (web-tree-sitter parses strings as UTF-16)
  const expected = treeSitterCommands(source);
  expect(expected, `tree-sitter saw more than simple commands in ${JSON.stringify(source)}`).not.toBeNull();
  expect(simple.map(({ separators: _s, ...c }) => c), JSON.stringify(source)).toEqual(expected);
  const where = { lineOffset: 7, heading: 'h' };
  expect(readSimply(source, where), JSON.stringify(source)).toEqual(parseWithTreeSitter(source, where));
}

/** What extractFromShell hands the parser for a block (transcript masked, look-alikes replaced, an open quote closed). */
function prepared(code: string, lang: string): string {
  const typed = maskTranscript(code.replace(/\0/g, ' '), blockStyleOf(lang));
  const masked = replaceLookalikes(typed, lookalikesOutsideStrings(typed));
  const open = openQuoteAtEnd(masked);
  return masked + (open === null ? '' : open === '"' ? '"' : "'");
}

/** Every way the extractor reads a code text: as a script, as a session, line comments, inline code. */
function readings(code: string): string[] {
  const out = [code, prepared(code, 'bash'), prepared(code, 'console')];
  for (const line of code.split('\n')) {
    const comment = /^\s*#(.*)$/.exec(line);
    if (comment) out.push(prepared(comment[1]!, 'bash'));
  }
  return out;
}

function filesUnder(dir: string, suffix: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : filesUnder(path, suffix);
    return suffix.test(name) ? [path] : [];
  });
}

/** The code of every note, fixture and doc in the repository, and bpftrace's own docs and tool examples. */
function corpus(): string[] {
  const markdown = [
    ...filesUnder(join(repo, 'test/fixtures'), /\.(md|markdown)$/i),
    ...filesUnder(join(repo, 'study'), /\.md$/),
    ...filesUnder(join(repo, 'templates'), /\.md$/),
    ...filesUnder(join(repo, 'docs'), /\.md$/),
    join(repo, 'README.md'),
  ];
  const codes: string[] = [];
  for (const file of markdown) {
    visit(parseMarkdown(readFileSync(file, 'utf8')), (node) => {
      if (node.type === 'code') codes.push((node as Code).value);
      if (node.type === 'inlineCode') codes.push((node as InlineCode).value, (node as InlineCode).value.replace(/^\s*\$\s+/, ''));
    });
  }
  for (const file of [...filesUnder(join(repo, 'test/fixtures'), /\.(sh|txt)$/)]) codes.push(readFileSync(file, 'utf8'));
  return codes;
}

describe('simple-shell.ts reads as tree-sitter-bash does', () => {
  it('on every code block of the fixtures, notes, docs and bpftrace docs, in every reading', () => {
    const codes = corpus();
    expect(codes.length).toBeGreaterThan(1000);
    for (const code of codes) for (const source of readings(code)) compare(source);
    // most blocks are plain commands: that is the point of the fast path
    expect(stats.simple).toBeGreaterThan(stats.notSure);
  }, 120_000);

  it('says "not sure" for what it does not read', () => {
    for (const source of [
      "bpftrace -e 'x' | head", 'a && b', 'a || b', 'echo $X', 'echo `id`', 'echo "a $b"', 'echo "a\\"b"', 'a \\\n b',
      'a > f', 'a 2>&1', 'a < f', 'cat <<EOF\nx\nEOF', '(a)', '{ a; }', 'if a; then b; fi', 'for i in 1; do a; done',
      'export A=1', 'declare x', '! a', 'a;; b', '; a', '& a', 'a &> f', 'echo [x]', 'echo {a,b}', "bpftrace -e 'open",
      'echo "open', 'a\r\nb', 'a\u00a0b', 'a\u3000b', 'a\vb', 'a\fb', "echo $'x'", 'a |& b', 'x=(a b)',
    ]) {
      expect(readSimpleCommands(source), JSON.stringify(source)).toBeNull();
    }
  });

  it('reads the common shapes', () => {
    expect(readSimpleCommands("sudo bpftrace -e 'BEGIN { printf(\"hi\\n\"); }'")).toEqual([
      { start: 0, end: 44, startRow: 0, endRow: 0, endColumn: 44, env: {}, argv: ['sudo', 'bpftrace', '-e', 'BEGIN { printf("hi\\n"); }'], separators: [] },
    ]);
    expect(readSimpleCommands('A=1 B="x y" bpftrace -l \'t:*\' & # bg\nls;ls')?.map((c) => [c.env, c.argv, c.separators, c.startRow])).toEqual([
      [{ A: '1', B: 'x y' }, ['bpftrace', '-l', 't:*'], ['&'], 0],
      [{}, ['ls'], [';'], 1],
      [{}, ['ls'], [';'], 1],
    ]);
  });
});

/** STUDY_BOT_SHELL_RUNS=200000 for a longer search than the suite's. */
const RUNS = Number(process.env.STUDY_BOT_SHELL_RUNS) || 10_000;
const TIMEOUT = Math.max(120_000, RUNS * 10);

// Fragments that make commands, quotes, comments and the syntax the reader must refuse.
const token = fc.constantFrom(
  'sudo', 'bpftrace', '-e', '-l', ' ', ' ', ' ', '\t', '\n', '\n', "'", "'", '"', ';', '&', '#', '# c', 'A=1', 'B=', 'X=y',
  "'BEGIN { printf(\"x\\n\"); }'", '"BEGIN { exit(); }"', "'a\nb'", 'env', 'timeout', '5', '-5', '0x1f', '1#z', '-1:', 'python3',
  '/usr/share/bcc/tools/opensnoop', 'execsnoop-bpfcc', '-E', 'if', 'then', 'fi', 'done', 'in', 'time', 'export', '!', 'x!',
  '!x', 'a#b', '=', '==', '@', '%', '+', '*', '?', '~', ',', ':', '.', '/', 'é', '시작', '😀', '\u00a0', '\u3000', '\r', '\v',
  '\\', '\\\n', '$', '$X', '`', '|', '&&', '||', '>', '<', '2>', '(', ')', '{', '}', '[', ']', '$ ', '> ', '\u2018', '\u2013',
  '\ud800', '_', '_=', 'a:', ':', 'sudo:', 'g++', 'BEGIN', 'do', 'case', 'esac', 'function', 'declare', 'local', 'unset', 'select', 'until', 'while', 'for', 'elif',
);
const text = fc.oneof(
  { weight: 4, arbitrary: fc.array(token, { maxLength: 40 }).map((t) => t.join('')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 120 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
);

describe('simple-shell.ts against tree-sitter-bash on random text', () => {
  it('either gives what tree-sitter gives or says not sure', () => {
    fc.assert(
      fc.property(text, fc.constantFrom('bash', 'console'), (code, lang) => {
        compare(code);
        compare(prepared(code, lang));
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it('on one-liner shapes with random programs and words', () => {
    const word = fc.stringMatching(/^[\w./:,@%+=é-]{1,12}$/);
    const program = fc.string({ maxLength: 60 }).filter((p) => !p.includes("'"));
    const shape = fc.tuple(
      fc.constantFrom('', '$ ', 'sudo ', '$ sudo ', 'A=1 sudo -E ', 'sudo env A=b ', 'timeout 5 '),
      fc.constantFrom('bpftrace', 'execsnoop-bpfcc', '/usr/share/bcc/tools/opensnoop', 'python3 /usr/share/bcc/tools/biosnoop'),
      fc.array(word, { maxLength: 3 }),
      program,
      fc.constantFrom('', ' &', ';', '; ls', ' # done', '\n', '\nls -l\n'),
    ).map(([prefix, tool, words, p, tail]) => `${prefix}${tool} ${words.join(' ')} -e '${p}'${tail}`);
    fc.assert(
      fc.property(fc.array(shape, { minLength: 1, maxLength: 4 }), fc.constantFrom('bash', 'console'), (lines, lang) => {
        const code = lines.join('\n');
        compare(code);
        compare(prepared(code, lang));
      }),
      { numRuns: Math.ceil(RUNS / 4) },
    );
  }, TIMEOUT);
});
