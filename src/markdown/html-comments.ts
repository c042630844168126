import type { Html, Root } from 'mdast';
import { visit } from 'unist-util-visit';

/**
 * HTML comments (`<!-- … -->`) are the form's instructions to the member ("적으세요:
 * tracepoint:syscalls:sys_enter_openat, kprobe:tcp_connect …"), invisible once GitHub renders
 * the page. Rules that look for the member's work must not count what a comment says, or an
 * untouched template passes. Only comments the markdown parser saw as HTML are comments: a
 * `<!--` inside a code block or an inline code span is text.
 */

// CommonMark ends a comment at the first `-->`; `<!-->` and `<!--->` are complete (empty)
// comments; an unclosed one runs to the end of its html node (GitHub shows nothing of it).
const COMMENT = /<!--(?:-?>|[\s\S]*?(?:-->|$))/gu;

/** `text` with every comment's characters replaced by spaces (newlines kept), so offsets stay. */
export function blankComments(text: string): string {
  if (!text.includes('<!--')) return text;
  return text.replace(COMMENT, (comment) => comment.replace(/[^\n]/gu, ' '));
}

/**
 * The markdown source with the HTML comments of its html nodes blanked: same length, same
 * lines, same offsets, so findings computed on it point at the real file. `root` must be the
 * tree parsed from exactly `text` (with positions).
 */
export function blankHtmlComments(text: string, root: Root): string {
  if (!text.includes('<!--')) return text;
  const spans: [number, number][] = [];
  visit(root, 'html', (node: Html) => {
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (start === undefined || end === undefined || !node.value.includes('<!--')) return;
    spans.push([start, end]);
  });
  if (!spans.length) return text;
  let out = '';
  let at = 0;
  for (const [start, end] of spans.sort((a, b) => a[0] - b[0])) {
    if (start < at) continue; // nested positions never overlap in mdast; guard anyway
    out += text.slice(at, start) + blankComments(text.slice(start, end));
    at = end;
  }
  return out + text.slice(at);
}
