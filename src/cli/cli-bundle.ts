import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The CLI and its pool worker as a few ES module files (dist/cli/main.mjs, worker-entry.mjs and
 * shared chunks), built with esbuild. Node then reads ~15 files instead of ~650 modules
 * (our sources, remark and micromark's many small packages, yaml, zod, execa), which halved
 * `study-bot check`'s CPU time on one note (docs/cli-speed.md). Commands stay in their own
 * chunks (code splitting), so `--version` and `new` do not load the checker.
 *
 * The package ships the bundle (`npm run build:cli` in prepack); a source checkout rebuilds it
 * when bin/study-bot.js finds one of its inputs changed (`dist/cli/inputs.json`), so
 * `npm run check` runs the bundle too and never a stale one.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
// src/cli/ from the sources, dist/src/cli/ once compiled by tsc
export const PACKAGE_ROOT = [path.resolve(here, '../..'), path.resolve(here, '../../..')].find((dir) => existsSync(path.join(dir, 'package.json')))!;
export const CLI_BUNDLE_DIR = path.join(PACKAGE_ROOT, 'dist/cli');
/** What bin/study-bot.js compares with the disk: every input's size and modification time. */
export const INPUTS_FILE = 'inputs.json';

const ENTRIES = { main: 'src/cli/bundle-entry.ts', 'worker-entry': 'src/worker/worker-entry.ts' };

/**
 * Not bundled: web-tree-sitter finds its own tree-sitter.wasm next to its module file, and
 * development or server-only packages are never loaded by a CLI command (esbuild is imported
 * only to bundle the VM guest from a checkout; Probot, ioredis and smee only by the server).
 */
const EXTERNAL = ['web-tree-sitter', 'esbuild', 'probot', 'ioredis', 'smee-client', '@octokit/*'];

export interface BuiltCli {
  dir: string;
  /** esbuild's account of the build: which output imports which, statically or on demand */
  metafile: import('esbuild').Metafile;
}

/**
 * Builds the bundle into `outdir`. Safe to run from two processes at once (two `npm run check`
 * after an edit): chunks are named by their content, and the entries and the inputs list are
 * each written to a temporary file and renamed into place, the inputs list last.
 */
export async function bundleCli(outdir: string = CLI_BUNDLE_DIR): Promise<BuiltCli> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: PACKAGE_ROOT,
    entryPoints: ENTRIES,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    external: EXTERNAL,
    // Fewer bytes for V8 to read on every start; a bug report's stack names the chunk.
    minify: true,
    // Bundled CommonJS dependencies (picomatch, cross-spawn) call require(); give each chunk one.
    banner: { js: "import { createRequire as __studybotCreateRequire } from 'node:module'; const require = __studybotCreateRequire(import.meta.url);" },
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  mkdirSync(path.join(outdir, 'chunks'), { recursive: true });
  const entries = new Set(Object.keys(ENTRIES).map((name) => path.join(outdir, `${name}.mjs`)));
  // chunks first, then the entries that import them, then the inputs list that says all is there
  const ordered = [...result.outputFiles].sort((a, b) => Number(entries.has(a.path)) - Number(entries.has(b.path)));
  for (const file of ordered) writeAtomically(file.path, file.contents);
  const inputs: Record<string, [number, number]> = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const info = statSync(path.join(PACKAGE_ROOT, input));
    inputs[input] = [info.size, Math.trunc(info.mtimeMs)];
  }
  writeAtomically(path.join(outdir, INPUTS_FILE), JSON.stringify({ inputs }));
  pruneChunks(outdir, new Set(result.outputFiles.map((f) => f.path)));
  return { dir: outdir, metafile: result.metafile };
}

function writeAtomically(file: string, contents: Uint8Array | string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}

/**
 * Chunks of earlier builds: a running CLI may still import one, so only those older than a
 * minute go (a checkout's edits would otherwise pile them up).
 */
function pruneChunks(outdir: string, current: ReadonlySet<string>): void {
  const dir = path.join(outdir, 'chunks');
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (current.has(file)) continue;
    try {
      if (Date.now() - statSync(file).mtimeMs > 60_000) rmSync(file, { force: true });
    } catch {
      // removed by a concurrent build
    }
  }
}
