import { describe, expect, it } from 'vitest';
import { blankComments, blankHtmlComments } from '../../src/markdown/html-comments.js';
import { parseMarkdown } from '../../src/markdown/parse-markdown.js';

const blank = (text: string) => blankHtmlComments(text, parseMarkdown(text));

describe('blankHtmlComments', () => {
  it('blanks block and inline comments, keeping length and lines', () => {
    const text = '# T\n\n<!-- kprobe:tcp_connect\n  second line -->\nkept <!-- hidden --> text\n';
    const out = blank(text);
    expect(out).toHaveLength(text.length);
    expect(out.split('\n')).toHaveLength(text.split('\n').length);
    expect(out).not.toContain('kprobe');
    expect(out).not.toContain('hidden');
    expect(out).toContain('kept ');
    expect(out).toContain(' text');
  });

  it('leaves `<!--` inside code blocks and code spans alone: there it is text', () => {
    const text = '```html\n<!-- tracepoint:a:b -->\n```\n\n`<!-- x -->`\n';
    expect(blank(text)).toBe(text);
  });

  it('blanks an unclosed comment to the end of its html node, and empty comments', () => {
    expect(blank('a\n\n<!-- never closed\nkprobe:x\n').trim()).toBe('a');
    expect(blankComments('<!--> x <!---> y')).toBe('      x        y');
  });

  it('is the identity on text without comments', () => {
    const text = '# Week 3\n\ntracepoint:syscalls:sys_enter_openat\n';
    expect(blank(text)).toBe(text);
  });
});
