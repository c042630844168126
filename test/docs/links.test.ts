import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Heading, Link } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { remark } from 'remark';
import remarkGfm from 'remark-gfm';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';

/**
 * The README is a way in that links to docs/ for everything else, and the week pages link to
 * the verdicts: a moved section must not leave a link to nowhere. Every relative link of the
 * README, docs/*.md and the week pages must name a file that exists, and an anchor must name
 * a heading of that file (or an explicit `<a id>`), slugged as GitHub does for these headings
 * (lower case, punctuation dropped, spaces to `-`).
 */
const repo = fileURLToPath(new URL('../../', import.meta.url));
const documents = [
  'README.md',
  ...readdirSync(join(repo, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((w) => `study/week${w}/README.md`),
];

const slug = (text: string) => text.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');

const anchorCache = new Map<string, Set<string>>();

function anchorsOf(path: string): Set<string> {
  const known = anchorCache.get(path);
  if (known) return known;
  const text = readFileSync(join(repo, path), 'utf8');
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  visit(remark().use(remarkGfm).parse(text), 'heading', (node: Heading) => {
    const base = slug(toString(node));
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  });
  for (const m of text.matchAll(/<a id="([^"]+)"/g)) anchors.add(m[1]);
  anchorCache.set(path, anchors);
  return anchors;
}

function linksOf(path: string): string[] {
  const links: string[] = [];
  visit(remark().use(remarkGfm).parse(readFileSync(join(repo, path), 'utf8')), 'link', (node: Link) => {
    if (!/^[a-z][a-z+.-]*:/i.test(node.url)) links.push(node.url);
  });
  return links;
}

describe('links between the README, docs/ and the week pages', () => {
  it('the README links to every document in docs/', () => {
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    const unlinked = documents.filter((d) => d.startsWith('docs/') && !readme.includes(`](${d})`));
    expect(unlinked).toEqual([]);
  });

  it.each(documents)('%s: every relative link and anchor resolves', (doc) => {
    const broken: string[] = [];
    for (const url of linksOf(doc)) {
      const [target, anchor] = url.split('#') as [string, string | undefined];
      const file = target === '' ? doc : relative(repo, join(repo, dirname(doc), decodeURI(target)));
      if (!existsSync(join(repo, file))) {
        broken.push(`${url} (no ${file})`);
        continue;
      }
      if (anchor !== undefined && file.endsWith('.md') && !anchorsOf(file).has(decodeURIComponent(anchor))) broken.push(`${url} (no heading #${anchor} in ${file})`);
    }
    expect(broken).toEqual([]);
  });
});
