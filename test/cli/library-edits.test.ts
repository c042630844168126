import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { Root } from 'mdast';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editLibrary, LIBRARY_EDITS, libraryEdits } from '../../src/cli/cli-bundle.js';
import { parseMarkdown } from '../../src/markdown/parse-markdown.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** Every markdown file of the checkout: notes, fixtures (the corpus, bpftrace's docs), docs/, the README. */
function markdownFiles(dir = repo): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', '.git', 'dist'].includes(entry.name) || entry.name.startsWith('.tmp')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...markdownFiles(path));
    else if (/\.(md|markdown)$/i.test(entry.name)) out.push(path);
  }
  return out;
}

describe("the CLI bundles' edits of library code (cli-bundle.ts LIBRARY_EDITS)", () => {
  let work: string;
  let edited: (text: string) => Root;

  beforeAll(async () => {
    // parse-markdown.ts bundled as the CLI's CommonJS bundles are, with the edits
    const esbuild = await import('esbuild');
    const built = await esbuild.build({
      absWorkingDir: repo,
      entryPoints: ['src/markdown/parse-markdown.ts'],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      write: false,
      logLevel: 'silent',
      plugins: [libraryEdits],
    });
    work = mkdtempSync(join(tmpdir(), 'study-bot-library-edits-'));
    const file = join(work, 'parse-markdown.cjs');
    writeFileSync(file, built.outputFiles[0].text);
    const text = built.outputFiles[0].text;
    // the edits are in: no copy of the compile context per event, no naming of visitors
    expect(text.match(/studybotEventContext\.sliceSerialize = events\[\w+\]\[2\]\.sliceSerialize/g)).toHaveLength(3);
    expect(text).not.toMatch(/\.\.\.context,\s*sliceSerialize: events/);
    expect(text).not.toContain("'node (' + color(");
    edited = (createRequire(file)(file) as { parseMarkdown: (text: string) => Root }).parseMarkdown;
  }, 60_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('finds every line it edits in the installed libraries (a release that changes them is bundled as it is)', () => {
    for (const entry of LIBRARY_EDITS) {
      const file = join(repo, 'node_modules', entry.module);
      const source = readFileSync(file, 'utf8');
      expect(entry.file.test(file), entry.name).toBe(true);
      expect(editLibrary(entry, source), entry.name).not.toBe(source);
      // one pattern missing: nothing is edited
      const changed = source.replace(entry.edits[entry.edits.length - 1][0], 'CHANGED_BY_A_RELEASE');
      expect(editLibrary(entry, changed)).toBe(changed);
    }
  });

  it('gives the same tree as the library itself for every markdown file of the repository', () => {
    const files = markdownFiles();
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(edited(text), relative(repo, file)).toEqual(parseMarkdown(text));
    }
  }, 180_000);

  it('gives the same tree on generated markdown (lists, tables, links, front matter, HTML, footnotes)', () => {
    const piece = fc.constantFrom(
      '# ', '## ', '- ', '1. ', '* [ ] ', '> ', '```bash\n', '```\n', '~~~\n', '    code\n', '| a | b |\n', '|---|:-:|\n', '---\n', 'title: x\n',
      '[link](https://example.com)', '![img](a.png)', 'https://x.y/z', 'www.example.com', 'a@b.co', '[^1]', '[^1]: note\n', '<details>', '</details>\n',
      '<!-- c -->', '**b**', '_i_', '~~s~~', '`code`', '\\', '&amp;', '&#x41;', '[ref]', '[ref]: /url "t"\n', '\n', '\n\n', '  ', '\t', 'text', '한글', 'sudo bpftrace -e \'BEGIN { exit(); }\'',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => {
        const text = pieces.join('');
        expect(edited(text)).toEqual(parseMarkdown(text));
      }),
      { numRuns: 1_000 },
    );
  }, 180_000);
});
