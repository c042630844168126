import type { Root } from 'mdast';
import { remark } from 'remark';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';

/**
 * The one markdown dialect study-bot reads: CommonMark + GFM (tables, task lists, autolinks)
 * + YAML/TOML front matter, which is what GitHub renders. Built once; `parse` is synchronous
 * and pure, so the rubric engine and the one-liner extractor see the same tree.
 */
const processor = remark().use(remarkGfm).use(remarkFrontmatter, ['yaml', 'toml']);

export function parseMarkdown(text: string): Root {
  return processor.runSync(processor.parse(text)) as Root;
}

/**
 * 1-based start offsets of every line, to turn offsets into lines in O(log n) and to know how
 * many lines the file has (findings must point inside the file).
 */
export class LineIndex {
  readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** The text of a 1-based line, without its newline (and without a trailing `\r`). */
  line(n: number): string {
    const start = this.starts[n - 1];
    if (start === undefined) return '';
    const end = n < this.starts.length ? this.starts[n]! - 1 : this.text.length;
    const raw = this.text.slice(start, end);
    return raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  }

  /** The last line with something on it (a missing section is reported there, not on a blank EOF line). */
  lastContentLine(): number {
    for (let n = this.lineCount; n > 1; n--) if (this.line(n).trim()) return n;
    return 1;
  }

  /** Clamps a line number into the file: rules must never report a line the file lacks. */
  clamp(line: number): number {
    return Math.min(Math.max(1, Math.trunc(line) || 1), this.lineCount);
  }
}
