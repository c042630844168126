import type { Definition, Html, Image, Link, Root } from 'mdast';
import { toString } from 'mdast-util-to-string';
import type { Node } from 'unist';
import { visit } from 'unist-util-visit';
import type { RepoTree } from '../check/types.js';
import { htmlRefs } from '../markdown/html-refs.js';

/** A URL the document points at, from markdown (`[]()`, `![]()`, `[x]: url`) or raw HTML. */
export interface Reference {
  kind: 'link' | 'image';
  url: string;
  /** the link's text or the image's alt, for rules that look at wording ("발표 자료") */
  label: string;
  line: number;
  node: Node;
  source: 'markdown' | 'html' | 'definition';
}

export function collectReferences(root: Root): Reference[] {
  const found: Reference[] = [];
  visit(root, (node) => {
    const line = node.position?.start.line ?? 1;
    if (node.type === 'link') {
      const link = node as Link;
      found.push({ kind: 'link', url: link.url, label: toString(link), line, node, source: 'markdown' });
    } else if (node.type === 'image') {
      const image = node as Image;
      found.push({ kind: 'image', url: image.url, label: image.alt ?? '', line, node, source: 'markdown' });
    } else if (node.type === 'definition') {
      const def = node as Definition;
      found.push({ kind: 'link', url: def.url, label: def.label ?? def.identifier, line, node, source: 'definition' });
    } else if (node.type === 'html') {
      const html = (node as Html).value;
      for (const ref of htmlRefs(html)) {
        // the tag's own line inside a multi-line html block
        const tagLine = line + countNewlines(html, ref.offset);
        found.push({
          kind: ref.tag === 'a' ? 'link' : 'image',
          url: ref.url,
          label: '',
          line: tagLine,
          node,
          source: 'html',
        });
      }
    }
  });
  return found;
}

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export type Resolved =
  | { kind: 'absolute' }
  | { kind: 'anchor' }
  | { kind: 'outside'; target: string }
  | { kind: 'path'; path: string; directory: boolean; target: string };

const SCHEME = /^[a-z][a-z0-9+.-]*:/iu;

/**
 * Resolves a URL written in `fromFile` the way GitHub's renderer does: relative to the file's
 * folder, `/x` from the repository root, `?query` and `#anchor` dropped, percent-decoded,
 * NFC-normalized. Absolute URLs (any scheme, `//host`) are not the repository's business.
 */
export function resolveRepoPath(fromFile: string, url: string): Resolved {
  const raw = url.trim();
  if (!raw || raw.startsWith('#')) return { kind: 'anchor' };
  if (SCHEME.test(raw) || raw.startsWith('//')) return { kind: 'absolute' };
  const target = raw.split(/[?#]/u, 1)[0]!;
  if (!target) return { kind: 'anchor' };
  let decoded = target;
  try {
    decoded = decodeURIComponent(target);
  } catch {
    // a lone `%`: GitHub keeps it literal, so do we
  }
  decoded = decoded.normalize('NFC').replace(/\\/gu, '/');
  const base = decoded.startsWith('/') ? [] : fromFile.split('/').slice(0, -1);
  const parts = [...base];
  for (const part of decoded.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (!parts.length) return { kind: 'outside', target };
      parts.pop();
    } else parts.push(part);
  }
  const directory = decoded.endsWith('/') || decoded.endsWith('/.') || decoded.endsWith('/..') || decoded === '.' || decoded === '..';
  return { kind: 'path', path: parts.join('/'), directory, target };
}

interface TreeIndex {
  files: Set<string>;
  dirs: Set<string>;
  /** lower-cased path → real path, for "did you mean" on a case mismatch (macOS vs GitHub) */
  folded: Map<string, string>;
}

const indexes = new WeakMap<RepoTree, TreeIndex>();

/** One index per tree, shared by every file checked against it (the CLI checks many). */
function treeIndex(tree: RepoTree): TreeIndex {
  let index = indexes.get(tree);
  if (index) return index;
  index = { files: new Set(), dirs: new Set(['']), folded: new Map() };
  for (const raw of tree.paths()) {
    const path = raw.normalize('NFC').replace(/(?<!\/)\/+$/u, '');
    index.files.add(path);
    index.folded.set(path.toLowerCase(), path);
    for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) index.dirs.add(path.slice(0, i));
  }
  indexes.set(tree, index);
  return index;
}

export function existsInTree(tree: RepoTree, path: string, directory: boolean): boolean {
  const index = treeIndex(tree);
  if (directory) return index.dirs.has(path) || index.files.has(path);
  return tree.has(path) || index.files.has(path) || index.dirs.has(path);
}

/** The path with another case that does exist (`Practice_5.PNG` for `practice_5.png`). */
export function caseVariant(tree: RepoTree, path: string): string | null {
  const real = treeIndex(tree).folded.get(path.toLowerCase());
  return real && real !== path ? real : null;
}
