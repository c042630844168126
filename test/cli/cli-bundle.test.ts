import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// plain JavaScript that bin/study-bot.js runs before anything else
// @ts-expect-error no declaration file for bin/
import { bundleIsFresh } from '../../bin/bundle-fresh.js';
import { asciiOnly, bundleCli, type BuiltCli } from '../../src/cli/cli-bundle.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));
const fresh = bundleIsFresh as (root: URL, dir?: string) => boolean;

describe('bundleIsFresh (bin/bundle-fresh.js)', () => {
  let root: string;
  const rootUrl = () => pathToFileURL(`${root}/`);
  const input = () => join(root, 'src/a.ts');

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'study-bot-fresh-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A bundle built from src/a.ts as it is now. */
  const record = () => {
    mkdirSync(join(root, 'src'), { recursive: true });
    mkdirSync(join(root, 'dist/cli'), { recursive: true });
    writeFileSync(input(), 'export const a = 1;\n');
    utimesSync(input(), 1_700_000_000, 1_700_000_000);
    writeFileSync(join(root, 'dist/cli/main.mjs'), '');
    writeFileSync(join(root, 'dist/cli/inputs.json'), JSON.stringify({ inputs: { 'src/a.ts': [20, 1_700_000_000_000] } }));
  };

  it('is fresh while every input has its recorded size and time', () => {
    record();
    expect(fresh(rootUrl())).toBe(true);
  });

  it('is stale once an input is edited, even to the same size, or removed', () => {
    record();
    writeFileSync(input(), 'export const b = 2;\n'); // same size, a new time
    expect(fresh(rootUrl())).toBe(false);
    record();
    writeFileSync(input(), 'export const a = 10;\n');
    utimesSync(input(), 1_700_000_000, 1_700_000_000); // same time, another size
    expect(fresh(rootUrl())).toBe(false);
    record();
    rmSync(input());
    expect(fresh(rootUrl())).toBe(false);
  });

  it('is stale without its entry, one of the outputs it lists, or with an unreadable inputs list', () => {
    record();
    writeFileSync(join(root, 'dist/cli/inputs.json'), JSON.stringify({ inputs: { 'src/a.ts': [20, 1_700_000_000_000] }, outputs: ['main.mjs', 'commands.cjs'] }));
    expect(fresh(rootUrl())).toBe(false);
    writeFileSync(join(root, 'dist/cli/commands.cjs'), '');
    expect(fresh(rootUrl())).toBe(true);
    record();
    rmSync(join(root, 'dist/cli/main.mjs'));
    expect(fresh(rootUrl())).toBe(false);
    record();
    writeFileSync(join(root, 'dist/cli/inputs.json'), '{"inputs":');
    expect(fresh(rootUrl())).toBe(false);
  });
});

describe('the CLI bundle (src/cli/cli-bundle.ts)', () => {
  // inside the checkout, so the bundle finds rubrics/ and templates/ above it as dist/cli does
  const outdir = join(repo, `dist/cli-test-${process.pid}`);
  let built: BuiltCli;
  let work: string;

  beforeAll(async () => {
    built = await bundleCli(outdir);
    work = mkdtempSync(join(tmpdir(), 'study-bot-bundle-'));
  }, 120_000);
  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** The packages and source files an output loads before it runs (static imports, not `import()`). */
  const loadedAtStart = (entry: string): string[] => {
    const outputs = built.metafile.outputs;
    const key = Object.keys(outputs).find((o) => join(repo, o) === join(outdir, entry))!;
    const seen = new Set<string>();
    const visit = (out: string) => {
      if (seen.has(out)) return;
      seen.add(out);
      for (const i of outputs[out].imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
    };
    visit(key);
    return [...new Set([...seen].flatMap((o) => Object.keys(outputs[o].inputs)))];
  };

  it('--version, help and the command table load no markdown, YAML, schema or process library', () => {
    const loaded = loadedAtStart('main.mjs');
    expect(loaded).toContain('src/cli/main.ts');
    const heavy = loaded.filter((f) => /node_modules\/(micromark|remark|mdast|yaml|zod|execa|web-tree-sitter|picomatch)/.test(f) || f.startsWith('src/rubric/') || f.startsWith('src/check/'));
    expect(heavy).toEqual([]);
  });

  it('main.mjs holds no command: they are in commands.cjs, which has them all', () => {
    const loaded = Object.keys(built.metafile.inputs);
    expect(loaded.filter((f) => /^src\/cli\/\w+-command\.ts$/.test(f))).toEqual([]);
    // nor the worker's code: worker-entry.mjs runs worker.cjs
    expect(loaded.filter((f) => f.startsWith('src/rubric/') || f.includes('node_modules/micromark'))).toEqual([]);
    expect(Object.keys(built.worker.inputs)).toContain('src/rubric/check-markdown.ts');
    const commands = Object.keys(built.commands.inputs).filter((f) => /^src\/cli\/\w+-command\.ts$/.test(f));
    for (const name of ['check', 'new', 'report', 'verify', 'runner', 'doctor']) expect(commands).toContain(`src/cli/${name}-command.ts`);
  });

  it("has no import() left in commands.cjs and worker.cjs: code run by vm.Script cannot import on Node 20", () => {
    for (const metafile of [built.commands, built.worker]) {
      const dynamic = Object.values(metafile.outputs).flatMap((o) => o.imports.filter((i) => i.kind === 'dynamic-import'));
      expect(dynamic).toEqual([]);
    }
    // what guest-bundle.ts imports on demand is required instead
    expect(Object.keys(built.commands.inputs)).toEqual(expect.arrayContaining(['study-bot-require:esbuild', 'study-bot-require:node:fs']));
  });

  it("leaves out unist-util-visit-parents' naming of every visited node's function (a string and a property write per node per walk)", () => {
    const library = readFileSync(join(repo, 'node_modules/unist-util-visit-parents/lib/index.js'), 'utf8');
    expect(library).toContain("Object.defineProperty(visit, 'name', {");
    for (const file of ['commands.cjs', 'worker.cjs']) {
      const bundle = readFileSync(join(outdir, file), 'utf8');
      expect(bundle).not.toContain('"node ("');
      expect(bundle).toContain('expected optional visitor'); // the walk itself is still the library's
    }
  });

  it("has only ASCII in commands.cjs and worker.cjs (a one-byte string in V8), and zod's English messages only", () => {
    for (const file of ['commands.cjs', 'worker.cjs']) {
      const bytes = readFileSync(join(outdir, file));
      expect(bytes.every((b) => b < 0x80), file).toBe(true);
    }
    for (const metafile of [built.commands, built.worker]) {
      const locales = Object.keys(metafile.inputs).filter((f) => f.startsWith('node_modules/zod/v4/locales/'));
      expect(locales.sort()).toEqual(['node_modules/zod/v4/locales/en.js', 'node_modules/zod/v4/locales/index.js']);
    }
  });

  it('escapes a regular expression literal\'s non-ASCII characters so that it matches as before, with and without the u flag', () => {
    const literals = ['/^0*(\\d{1,3})[\\s._-]*(?:주차|주|week)$/i', '/(?:# |[❯➜] )/', '/[\\-–—]/', '/😀+/u', '/^[😀a]$/u', '/^😀$/', '/\\p{L}+주/u', '/^.$/u', '/^..$/'];
    const samples = ['3주차', '03 week', '❯ ls', '➜ ls', '# ls', '–', '—', '-', '😀😀', '😀', 'a', '주', 'x주', '\ud83d', 'ab', 'week3'];
    for (const literal of literals) {
      const escaped = asciiOnly(literal);
      expect(/^[\0-\x7f]*$/.test(escaped)).toBe(true);
      const [before, after] = [literal, escaped].map((l) => new Function(`return ${l}`)() as RegExp);
      expect(after.flags).toBe(before.flags);
      for (const sample of samples) expect(after.exec(sample), `${literal} on ${sample}`).toEqual(before.exec(sample));
    }
    // `\❯` would turn into a backslash and letters: the build refuses it
    expect(() => asciiOnly('/\\❯/')).toThrow(/backslash before a non-ASCII/);
  });

  it('leaves out what a CLI command never loads; web-tree-sitter only in the CommonJS bundles, with its .wasm beside them', () => {
    const inputs = [built.metafile, built.commands, built.worker].flatMap((m) => Object.keys(m.inputs));
    expect(inputs.filter((f) => /node_modules\/(esbuild|probot|ioredis|smee-client)\//.test(f))).toEqual([]);
    expect(Object.keys(built.metafile.inputs).filter((f) => f.includes('node_modules/web-tree-sitter/'))).toEqual([]);
    for (const metafile of [built.commands, built.worker]) expect(Object.keys(metafile.inputs).filter((f) => /node_modules\/web-tree-sitter\/tree-sitter\.c?js$/.test(f))).toHaveLength(1);
    expect(readFileSync(join(outdir, 'tree-sitter.wasm'))).toEqual(readFileSync(join(repo, 'node_modules/web-tree-sitter/tree-sitter.wasm')));
  });

  /** A study with `members` copies of the bundled example in week 1, checked by the bundle. */
  const checkStudy = async (name: string, members: number) => {
    const dir = join(work, name);
    mkdirSync(join(dir, 'study/week1'), { recursive: true });
    for (let m = 0; m < members; m++) cpSync(join(repo, 'study/week1/hgd.md'), join(dir, `study/week1/member${m}.md`));
    // a file, not `node -e`: the pool's workers inherit the process's flags, and --input-type is not one a worker takes
    const script = join(work, 'run-bundle.mjs');
    writeFileSync(script, `const m = await import(${JSON.stringify(pathToFileURL(join(outdir, 'main.mjs')).href)}); m.preferBaselineWasm(); process.exitCode = await m.main(['check', '--repo', '.', '--format', 'json']);`);
    const { stdout } = await run(process.execPath, [script], { cwd: dir, env: { PATH: process.env.PATH, XDG_CACHE_HOME: join(work, 'cache-study') }, maxBuffer: 16 << 20 }).catch(
      (error: { code: number; stdout: string; stderr: string }) => {
        expect(error.code, error.stderr).toBe(1);
        return error;
      },
    );
    return JSON.parse(stdout) as { files: { path: string; oneliners: number | null; findings: { rule: string }[] }[] };
  };

  it('checks a few notes on its own thread and many in its pool worker, with the same verdicts', async () => {
    const few = await checkStudy('few', 2);
    const many = await checkStudy('many', 12); // past INLINE_FILES: the bundled worker-entry.mjs
    expect(few.files).toHaveLength(2);
    expect(many.files).toHaveLength(12);
    for (const file of [...few.files, ...many.files]) {
      expect(file.oneliners, JSON.stringify(file)).toBe(5);
      expect(file.findings.map((f) => f.rule).filter((r) => r === 'file-complexity' || r === 'internal')).toEqual([]);
    }
    expect(many.files[11].findings).toEqual(few.files[1].findings.map((f) => ({ ...f, message: expect.any(String) })));
    // the worker ran its code (worker.cjs) with the code cache too, and wrote it after its first note
    expect(readdirSync(join(work, 'cache-study', 'study-bot')).filter((f) => f.startsWith('worker.cjs-'))).toHaveLength(1);
    const again = await checkStudy('many', 12);
    expect(again.files.map((f) => f.findings)).toEqual(many.files.map((f) => f.findings));
  }, 120_000);

  /** `check` of the bundled example by the bundle as bin/study-bot.js runs it, with `env`. */
  const checkExample = async (env: Record<string, string>) => {
    const script = join(work, 'run-check.mjs');
    writeFileSync(script, `const m = await import(${JSON.stringify(pathToFileURL(join(outdir, 'main.mjs')).href)}); m.preferBaselineWasm(); process.exitCode = await m.main(['check', 'study/week1/hgd.md', '--format', 'json']);`);
    const { stdout } = await run(process.execPath, [script], { cwd: repo, env: { PATH: process.env.PATH, ...env } });
    return stdout;
  };

  it("runs its commands with V8's code cache in the user's cache folder, and the same without or with a broken one", async () => {
    const cacheHome = join(work, 'cache');
    const first = await checkExample({ XDG_CACHE_HOME: cacheHome });
    const files = () => readdirSync(join(cacheHome, 'study-bot'));
    expect(files()).toEqual([expect.stringMatching(/^commands\.cjs-[0-9a-f]{24}-v\d+\.\d+\.\d+-\w+\.v8$/)]);
    const cacheFile = join(cacheHome, 'study-bot', files()[0]);
    const written = statSync(cacheFile).mtimeMs;
    expect(statSync(cacheFile).size).toBeGreaterThan(100_000);
    // V8 took it: a run from the cache leaves it as it was
    expect(await checkExample({ XDG_CACHE_HOME: cacheHome })).toBe(first);
    expect(statSync(cacheFile).mtimeMs).toBe(written);
    // the same verdicts without it, and nothing written
    const off = join(work, 'cache-off');
    expect(await checkExample({ XDG_CACHE_HOME: off, STUDY_BOT_CODE_CACHE: '0' })).toBe(first);
    expect(existsSync(off)).toBe(false);
    // a cache V8 refuses (truncated, garbage) is compiled around and written anew
    writeFileSync(cacheFile, Buffer.alloc(5_000, 7));
    expect(await checkExample({ XDG_CACHE_HOME: cacheHome })).toBe(first);
    expect(statSync(cacheFile).size).toBeGreaterThan(100_000);
    // a cache folder that cannot be written: the command still runs
    const blocked = join(work, 'not-a-folder');
    writeFileSync(blocked, '');
    expect(await checkExample({ XDG_CACHE_HOME: blocked })).toBe(first);
    expect(JSON.parse(first).files[0].oneliners).toBe(5);
  }, 120_000);
});
