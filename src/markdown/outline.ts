import type { Heading, Root, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';

/**
 * The headings of a document and what each one contains, computed once per file so that
 * rules never rescan the tree per heading (10,000 headings must stay linear).
 */
export interface OutlineHeading {
  /** index in `Outline.headings` */
  index: number;
  depth: number;
  text: string;
  line: number;
  node: Heading;
  /** index of this heading in the root's children */
  childIndex: number;
  /**
   * Root children after this heading and before the next heading of the same or a higher
   * level (`##` runs to the next `#` or `##`).
   */
  contentStart: number;
  contentEnd: number;
  /** last line of the section: the line before the next heading that closes it, or EOF */
  endLine: number;
}

export interface Outline {
  headings: OutlineHeading[];
  children: RootContent[];
}

export function buildOutline(root: Root, lineCount: number): Outline {
  const children = root.children;
  const headings: OutlineHeading[] = [];
  children.forEach((node, childIndex) => {
    if (node.type !== 'heading' || !node.position) return;
    headings.push({
      index: headings.length,
      depth: node.depth,
      text: toString(node).trim(),
      line: node.position.start.line,
      node,
      childIndex,
      contentStart: childIndex + 1,
      contentEnd: children.length,
      endLine: lineCount,
    });
  });
  // A stack of open headings: each one is closed by the next heading of depth <= its own.
  const open: OutlineHeading[] = [];
  for (const heading of headings) {
    while (open.length && open[open.length - 1]!.depth >= heading.depth) {
      const closed = open.pop()!;
      closed.contentEnd = heading.childIndex;
      closed.endLine = Math.max(closed.line, heading.line - 1);
    }
    open.push(heading);
  }
  return { headings, children };
}

/** The root children that belong to a heading's section (sub-headings included). */
export function sectionContent(outline: Outline, heading: OutlineHeading): RootContent[] {
  return outline.children.slice(heading.contentStart, heading.contentEnd);
}
