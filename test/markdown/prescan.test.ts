import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { PATHOLOGICAL_SHAPES } from '../../bench/pathological-shapes.js';
import { prescanMarkdown, SHAPE_LIMITS } from '../../src/markdown/prescan.js';

const table = (columns: number, rows: number) =>
  `|${' a |'.repeat(columns)}\n|${' - |'.repeat(columns)}\n${`|${' a |'.repeat(columns)}\n`.repeat(rows)}`;

describe('prescanMarkdown', () => {
  it.each(PATHOLOGICAL_SHAPES.map((s) => [s.name, s] as const))('refuses %s before parsing', (_, shape) => {
    expect(prescanMarkdown(shape.text)).not.toBeNull();
  });

  it('passes the bundled notes and every template', async () => {
    const files = ['study/week1/hgd.md', ...[1, 2, 3, 4, 5, 6, 7, 8].map((w) => `templates/week${w}.md`)];
    for (const file of files) expect(prescanMarkdown(await readFile(file, 'utf8')), file).toBeNull();
  });

  it.each([
    ['a nested list within the limit', `${'- '.repeat(SHAPE_LIMITS.nesting)}x\n`, null],
    ['one level more', `${'- '.repeat(SHAPE_LIMITS.nesting + 1)}x\n`, 'nesting'],
    ['quotes without spaces', `${'>'.repeat(SHAPE_LIMITS.nesting + 1)} x\n`, 'nesting'],
    ['ordered lists', `${'1. '.repeat(SHAPE_LIMITS.nesting + 1)}x\n`, 'nesting'],
    ['nesting by indentation across lines', Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i)}- x\n`).join(''), 'nesting'],
    ['deep lists on many lines', `${'- '.repeat(20)}x\n`.repeat(200), 'total-nesting'],
    ['a long flat list', '- item\n'.repeat(20_000), null],
    ['brackets left open', `${'['.repeat(SHAPE_LIMITS.openBrackets + 1)}\n`, 'brackets'],
    ['`[a` repeated', `${'[a'.repeat(5_000)}\n`, 'brackets'],
    ['balanced brackets', `${'[a](b) '.repeat(5_000)}\n`, null],
    ['brackets inside a code fence', `\`\`\`bpftrace\n${'@['.repeat(1_000)}\n\`\`\`\n`, null],
    ['brackets in separate paragraphs', '[a\n\n'.repeat(1_000), null],
    ['a table within the limit', table(10, 100), null],
    ['a wide table', table(5_000, 1), 'table'],
    ['a long table', table(10, 1_000), 'table'],
    ['a very long line', `${'ab '.repeat(40_000)}\n`, 'line-length'],
    ['a thematic break of stars', '* * *\n', null],
  ])('%s', (_, text, kind) => {
    expect(prescanMarkdown(text)?.kind ?? null).toBe(kind);
  });

  it('names the line of the problem', () => {
    expect(prescanMarkdown(`# title\n\nok\n${'> '.repeat(100)}x\n`)).toMatchObject({ kind: 'nesting', line: 4, depth: 100 });
  });

  it('costs linear time on a megabyte of markers (no parse)', () => {
    // Not a speed assertion: a pass over 1 MB that went quadratic would never return here.
    expect(prescanMarkdown('- '.repeat(500_000), { ...SHAPE_LIMITS, nesting: Infinity, totalNesting: Infinity, lineLength: Infinity })).toBeNull();
  });
});
