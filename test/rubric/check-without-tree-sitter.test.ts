import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkMarkdown, checkMarkdownSync, type MarkdownCheckInput } from '../../src/rubric/check-markdown.js';
import { loadRubrics, type RubricSet } from '../../src/rubric/load-rubrics.js';
import { isShellParserLoaded } from '../../src/oneliners/shell-parser.js';
import { treeOf } from './rule-examples.js';

// vitest isolates test files: tree-sitter is not loaded when this file starts, and the tests
// run in order. checkMarkdown loads it only for a note with a block simple-shell.ts does not read.
let rubrics: RubricSet;
beforeAll(async () => {
  rubrics = await loadRubrics();
});

const input = (text: string): MarkdownCheckInput => ({
  path: 'study/week1/hgd.md',
  text,
  week: 1,
  member: { name: 'hgd', aliases: ['홍길동'] },
  rubric: rubrics.forWeek(1)!,
  tree: treeOf(['study/week1/hgd.md']),
  lang: 'ko',
});

describe('checkMarkdown loads tree-sitter only when a note needs it', () => {
  it('checks the bundled example (5 one-liners, transcripts, inline code) without it', async () => {
    const note = readFileSync(new URL('../../study/week1/hgd.md', import.meta.url), 'utf8');
    const result = await checkMarkdown(input(note));
    expect(isShellParserLoaded()).toBe(false);
    expect(result.findings).toEqual([]);
    expect(result.oneLiners.map((o) => [o.line, o.argv[0], o.shellSyntax])).toEqual([
      [16, 'bpftrace', []], [31, 'bpftrace', []], [58, 'bpftrace', []], [80, 'bpftrace', []], [105, 'bpftrace', []],
    ]);
  });

  it('loads it for a note with a pipe, and checks the note again with it', async () => {
    const note = readFileSync(new URL('../../study/week1/hgd.md', import.meta.url), 'utf8').replace(
      "sudo bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'",
      "sudo bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }' | head -5",
    );
    const result = await checkMarkdown(input(note));
    expect(isShellParserLoaded()).toBe(true);
    const piped = result.oneLiners.find((o) => o.line === 105)!;
    expect(piped.shellSyntax).toEqual(['|']);
    expect(piped.command).toMatch(/\| head -5$/);
    // the first run, without the parser, left nothing behind: the same as a run with it
    expect(result).toEqual(checkMarkdownSync(input(note)));
    expect(result.findings.filter((f) => f.message.includes('내부 오류'))).toEqual([]);
  });
});
