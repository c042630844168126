import { describe, expect, it } from 'vitest';
import { buildOutline, sectionContent } from '../../src/markdown/outline.js';
import { LineIndex, parseMarkdown } from '../../src/markdown/parse-markdown.js';

describe('outline', () => {
  it('a ## section runs to the next # or ##, and includes its ### headings', () => {
    const text = '# T\n\n## A\n\ntext\n\n### A.1\n\nmore\n\n## B\n\n# U\n';
    const lines = new LineIndex(text);
    const outline = buildOutline(parseMarkdown(text), lines.lineCount);
    const [t, a, a1, b, u] = outline.headings;
    expect(outline.headings.map((h) => [h.depth, h.text, h.line, h.endLine])).toEqual([
      [1, 'T', 1, 12],
      [2, 'A', 3, 10],
      [3, 'A.1', 7, 10],
      [2, 'B', 11, 12],
      [1, 'U', 13, 14],
    ]);
    expect(sectionContent(outline, a!).map((n) => n.type)).toEqual(['paragraph', 'heading', 'paragraph']);
    expect(sectionContent(outline, b!)).toEqual([]);
    expect(sectionContent(outline, a1!).map((n) => n.type)).toEqual(['paragraph']);
    expect(t && u).toBeTruthy();
  });

  it('LineIndex: lines, CRLF, clamping', () => {
    const lines = new LineIndex('a\r\nb\n\n');
    expect(lines.lineCount).toBe(4);
    expect(lines.line(1)).toBe('a');
    expect(lines.line(2)).toBe('b');
    expect(lines.line(9)).toBe('');
    expect(lines.clamp(0)).toBe(1);
    expect(lines.clamp(99)).toBe(4);
    expect(lines.lastContentLine()).toBe(2);
  });
});
