import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILD_MARK, loadCachedCommonJs } from '../../src/cli/code-cache.js';

const work = mkdtempSync(join(tmpdir(), 'study-bot-code-cache-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A small CommonJS bundle as cli-bundle.ts writes one: `answer` returns `value`. */
const bundle = (value: string, mark: string | null) =>
  `${mark === null ? '' : `${BUILD_MARK}${mark}\n`}exports.answer = function () { return ${JSON.stringify(value)}; };\n`;

const cacheNames = (home: string) => readdirSync(join(home, 'study-bot')).sort();

function run(file: string, home: string) {
  const loaded = loadCachedCommonJs<{ answer(): string }>(pathToFileURL(file), { XDG_CACHE_HOME: home });
  const answer = loaded.exports.answer();
  loaded.saveCache();
  return { answer, fromCache: loaded.fromCache };
}

describe('the code cache key', () => {
  it('is the build-time hash on the first line, with the path, size and time: an edit of the same length gets a cache of its own', () => {
    const home = join(work, 'marked');
    const file = join(work, 'marked.cjs');
    writeFileSync(file, bundle('one', '0123456789abcdef'));
    utimesSync(file, 1_000, 1_000);
    expect(run(file, home)).toEqual({ answer: 'one', fromCache: false });
    expect(cacheNames(home)).toEqual([expect.stringMatching(/^marked\.cjs-0123456789abcdef[0-9a-f]{8}-v\d+\.\d+\.\d+-\w+\.v8$/)]);
    expect(run(file, home)).toEqual({ answer: 'one', fromCache: true });
    // edited by hand: the same length, the same first line, another time
    writeFileSync(file, bundle('two', '0123456789abcdef'));
    utimesSync(file, 2_000, 2_000);
    expect(run(file, home)).toEqual({ answer: 'two', fromCache: false });
    expect(cacheNames(home)).toHaveLength(2);
  });

  it('is a hash of the content when the first line has none (a bundle built before the line existed)', () => {
    const home = join(work, 'unmarked');
    const file = join(work, 'unmarked.cjs');
    writeFileSync(file, bundle('three', null));
    expect(run(file, home)).toEqual({ answer: 'three', fromCache: false });
    expect(cacheNames(home)).toEqual([expect.stringMatching(/^unmarked\.cjs-[0-9a-f]{16}-v\d+\.\d+\.\d+-\w+\.v8$/)]);
    expect(run(file, home)).toEqual({ answer: 'three', fromCache: true });
    // another content of the same length, the same time: the content's hash tells them apart
    writeFileSync(file, bundle('three'.replace('t', 'T'), null));
    utimesSync(file, 3_000, 3_000);
    expect(run(file, home)).toEqual({ answer: 'Three', fromCache: false });
  });
});
