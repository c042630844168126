import type { Code, Html, Root } from 'mdast';
import { visit } from 'unist-util-visit';
import { htmlShowsImage } from '../markdown/html-refs.js';
import { transcriptOutputLines } from '../oneliners/console-prompts.js';
import { SHELL_LANGS, firstCodeLine } from '../oneliners/extract-oneliners.js';
import type { OneLiner } from '../oneliners/types.js';

/**
 * Where a document shows a result: an image (markdown, reference or `<img>`), or an output
 * block. A code block is output when its fence says so (`text`, `console`, `output`, …), or
 * when it is a plain ``` fence without any one-liner in it (members paste output there). A
 * terminal transcript also shows output inside the block itself: in a ```console block the
 * lines after a command that are not another prompt; in a ```sh, ```bash or plain ``` block
 * the lines printed after a `$ command` (members paste command and output together).
 */
export interface EvidencePoint {
  line: number;
  kind: 'image' | 'output';
}

export const OUTPUT_LANGS: ReadonlySet<string> = new Set([
  'text', 'txt', 'plain', 'plaintext', 'output', 'out', 'log', 'result', 'console', 'terminal',
  'shell-session', 'shellsession', 'sh-session', 'nohighlight', 'none',
]);
const TRANSCRIPT_LANGS: ReadonlySet<string> = new Set(['console', 'terminal', 'shell-session', 'shellsession', 'sh-session']);
const PROMPT = /^\s*(?:\S*[$#%>]\s|\$$)/u;

export function evidencePoints(root: Root, oneLiners: readonly OneLiner[]): EvidencePoint[] {
  const points: EvidencePoint[] = [];
  const commandLines = new Set<number>();
  for (const o of oneLiners) for (let l = o.line; l <= o.endLine && l - o.line < 10_000; l++) commandLines.add(l);
  visit(root, (node) => {
    const line = node.position?.start.line;
    if (line === undefined) return;
    if (node.type === 'image' || node.type === 'imageReference') points.push({ line, kind: 'image' });
    else if (node.type === 'html' && htmlShowsImage((node as Html).value)) points.push({ line, kind: 'image' });
    else if (node.type === 'code') {
      const code = node as Code;
      const lang = (code.lang ?? '').toLowerCase();
      const end = node.position!.end.line;
      const hasOneLiner = oneLiners.some((o) => o.line >= line && o.line <= end);
      if (!hasOneLiner && (lang === '' || OUTPUT_LANGS.has(lang)) && code.value.trim()) {
        points.push({ line, kind: 'output' });
      } else if (hasOneLiner && TRANSCRIPT_LANGS.has(lang)) {
        // Output printed inside the transcript, after a command.
        const first = firstCodeLine(code);
        code.value.split('\n').forEach((text, i) => {
          const at = first + i;
          if (text.trim() && !commandLines.has(at) && !PROMPT.test(text)) points.push({ line: at, kind: 'output' });
        });
      } else if (hasOneLiner && SHELL_LANGS.has(lang)) {
        // A script block holding a `$ ` session: what follows the commands is their output.
        const first = firstCodeLine(code);
        for (const i of transcriptOutputLines(code.value, 'script')) points.push({ line: first + i, kind: 'output' });
      }
    }
  });
  return points.sort((a, b) => a.line - b.line);
}

/** First index in a sorted array whose value is > `after` (binary search). */
export function firstAfter<T>(sorted: readonly T[], after: number, lineOf: (t: T) => number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lineOf(sorted[mid]!) <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
