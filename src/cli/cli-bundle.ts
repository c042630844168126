import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_MARK } from './code-cache.js';

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

const ENTRIES = { main: 'src/cli/bundle-entry.ts', 'worker-entry': 'src/worker/bundled-worker.ts' };

/**
 * Not bundled: development or server-only packages are never loaded by a CLI command (esbuild
 * is imported only to bundle the VM guest from a checkout; Probot, ioredis and smee only by the
 * server). web-tree-sitter stays outside main.mjs's ES module build (it finds its
 * tree-sitter.wasm beside its own module file) but is in commands.cjs and worker.cjs, so its
 * ~160 KB of JavaScript is in the code cache too; there it looks for tree-sitter.wasm beside
 * the bundle (its `import.meta.url` is the bundle's), and the build copies it there (TREE_SITTER_WASM).
 */
const EXTERNAL = ['web-tree-sitter', 'esbuild', 'probot', 'ioredis', 'smee-client', '@octokit/*'];

/**
 * The commands (main.ts's `import('./check-command.js')` and the others) are one CommonJS file,
 * dist/cli/commands.cjs, which code-cache.ts runs with V8's code cache: Node 20 compiles ES
 * modules from their source on every start. main.mjs keeps `--version`, `--help` and the
 * command table, and loads none of it (a stub per command, `study-bot-command:` below).
 */
export const COMMAND_MODULES = ['check-command', 'new-command', 'report-command', 'verify-command', 'runner-command', 'doctor-command'];
export const COMMANDS_FILE = 'commands.cjs';
/** The pool worker's code, run the same way by worker-entry.mjs (src/worker/bundled-worker.ts). */
export const WORKER_FILE = 'worker.cjs';
/** web-tree-sitter's own WebAssembly, copied beside commands.cjs and worker.cjs, which bundle its JavaScript. */
export const TREE_SITTER_WASM = 'tree-sitter.wasm';

export interface BuiltCli {
  dir: string;
  /** esbuild's account of the ES module build (main.mjs, worker-entry.mjs, chunks): which output imports which */
  metafile: import('esbuild').Metafile;
  /** esbuild's account of commands.cjs */
  commands: import('esbuild').Metafile;
  /** esbuild's account of worker.cjs */
  worker: import('esbuild').Metafile;
}

/** In main.ts, a command module is a stub that runs it from commands.cjs (bundled-commands.ts). */
const commandStubs = {
  name: 'study-bot-command-stubs',
  setup(build: import('esbuild').PluginBuild) {
    build.onResolve({ filter: /-command\.js$/ }, (args) => {
      if (path.resolve(args.importer) !== path.join(PACKAGE_ROOT, 'src/cli/main.ts')) return undefined;
      const name = path.basename(args.path, '.js');
      if (!COMMAND_MODULES.includes(name)) throw new Error(`cli-bundle: main.ts imports ${args.path}, which COMMAND_MODULES does not list`);
      return { path: name, namespace: 'study-bot-command' };
    });
    build.onLoad({ filter: /.*/, namespace: 'study-bot-command' }, (args) => ({
      contents: `import { runBundledCommand } from ${JSON.stringify(path.join(PACKAGE_ROOT, 'src/cli/bundled-commands.ts'))};\nexport const run = (args, io) => runBundledCommand(${JSON.stringify(args.path)}, args, io);\n`,
      resolveDir: path.join(PACKAGE_ROOT, 'src/cli'),
      loader: 'js',
    }));
  },
};

/**
 * In commands.cjs and worker.cjs, `import()` of a module left outside the bundle (`esbuild`,
 * `node:fs` in guest-bundle.ts, Node's own in web-tree-sitter) becomes `require()`: code run by `vm.Script` has no `import()`
 * of its own on Node 20 (with `importModuleDynamically` it printed an ExperimentalWarning, and
 * from V8's code cache it threw ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING).
 */
const requireForDynamicImports = {
  name: 'study-bot-require-for-dynamic-imports',
  setup(build: import('esbuild').PluginBuild) {
    const outside = (name: string) =>
      isBuiltin(name) || EXTERNAL.some((e) => (e.endsWith('/*') ? name.startsWith(e.slice(0, -1)) : name === e || name.startsWith(`${e}/`)));
    build.onResolve({ filter: /.*/ }, (args) =>
      args.kind === 'dynamic-import' && outside(args.path) ? { path: args.path, namespace: 'study-bot-require' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'study-bot-require' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

/**
 * Two edits of hot library code, in the CLI's CommonJS bundles only (`commands.cjs`,
 * `worker.cjs`); the server runs the libraries as they are. Each keeps what the library
 * computes and drops a cost per node or per event. A file is edited only when every pattern
 * of its entry is found; after a release that changes those lines it is bundled as it is
 * (cli-bundle.test.ts says so, and compares the trees the edited parser gives with the
 * library's own on every markdown file of the repository).
 *
 * - unist-util-visit-parents names the visitor function of every node it walks
 *   (`Object.defineProperty(visit, 'name', …)` with a coloured type, for stack traces): a
 *   string and a property write per node per walk, and a note is walked a dozen times (GFM's
 *   autolink literals alone walk it four times). Nothing reads the name.
 * - mdast-util-from-markdown calls each event's handler with a fresh copy of its compile
 *   context (`{...context, sliceSerialize}`): an object of nine fields per event, thousands
 *   per note, ~10% of a pool worker's CPU on 200 notes (profiled) and much of its garbage.
 *   The edit makes one copy per tree and sets its `sliceSerialize` before each call. The
 *   handlers (from-markdown's, GFM's, front matter's) read `this` and never assign to it nor
 *   keep it, so each sees the same fields as with a copy of its own.
 * - zod re-exports its error messages in ~50 languages (`z.locales`, ~340 KB of source, a
 *   third of `commands.cjs`), read and held on every run. study-bot writes its own messages
 *   and never calls `z.locales`; zod itself sets English (`locales/en.js`, kept) as it loads.
 */
export const LIBRARY_EDITS: { name: string; module: string; file: RegExp; edits: [RegExp, string][] }[] = [
  {
    name: 'unist-util-visit-parents: no naming of each visitor',
    module: 'unist-util-visit-parents/lib/index.js',
    file: /[\\/]unist-util-visit-parents[\\/]lib[\\/]index\.js$/,
    edits: [[/Object\.defineProperty\(visit, 'name', \{\s*value:\s*'node \(' \+ color\(node\.type \+ \(name \? '<' \+ name \+ '>' : ''\)\) \+ '\)'\s*\}\)/, '']],
  },
  {
    name: 'mdast-util-from-markdown: one compile context per tree',
    module: 'mdast-util-from-markdown/lib/index.js',
    file: /[\\/]mdast-util-from-markdown[\\/]lib[\\/]index\.js$/,
    edits: [
      [/(\n([ \t]*)events = prepared;\n[ \t]*index = -1;\n)/, '$1$2const studybotEventContext = { ...context, sliceSerialize: undefined };\n'],
      ...Array.from({ length: 3 }, (): [RegExp, string] => [
        /\{\s*\.\.\.context,\s*sliceSerialize: events\[index\]\[2\]\.sliceSerialize\s*\}/,
        '(studybotEventContext.sliceSerialize = events[index][2].sliceSerialize, studybotEventContext)',
      ]),
    ],
  },
  {
    name: "zod: only the English messages, zod's own default",
    module: 'zod/v4/locales/index.js',
    file: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/,
    // the file as zod ships it: one re-export a line, nothing else (else it is bundled as it is)
    edits: [[/^(?:export \{ default as [a-zA-Z]+ \} from "\.\/[a-zA-Z-]+\.js";\n)+$/, 'export { default as en } from "./en.js";\n']],
  },
];

/** `text` with every edit of `entry` made, or as it is when one of its patterns is missing. */
export function editLibrary(entry: (typeof LIBRARY_EDITS)[number], text: string): string {
  let edited = text;
  for (const [pattern, replacement] of entry.edits) {
    if (!pattern.test(edited)) return text;
    edited = edited.replace(pattern, replacement);
  }
  return edited;
}

export const libraryEdits = {
  name: 'study-bot-library-edits',
  setup(build: import('esbuild').PluginBuild) {
    for (const entry of LIBRARY_EDITS) {
      build.onLoad({ filter: entry.file }, (args) => ({ contents: editLibrary(entry, readFileSync(args.path, 'utf8')), loader: 'js' }));
    }
  },
};

/** The entry of commands.cjs: every command by its module's name, and the pool they share. */
const COMMANDS_ENTRY_NAME = '<study-bot commands>';
const commandsEntry = [
  "import './src/cli/zod-jitless.ts';",
  "import { closeSharedCheckPool, useWorkerEntry } from './src/worker/shared-pool.ts';",
  'export { closeSharedCheckPool };',
  `const modules = { ${COMMAND_MODULES.map((m) => `${JSON.stringify(m)}: () => import('./src/cli/${m}.ts')`).join(', ')} };`,
  'export async function run(name, args, io) { return (await modules[name]()).run(args, io); }',
  "useWorkerEntry(new URL('./worker-entry.mjs', import.meta.url));",
].join('\n');

/**
 * Builds the bundle into `outdir`. Safe to run from two processes at once (two `npm run check`
 * after an edit): chunks are named by their content, and the entries and the inputs list are
 * each written to a temporary file and renamed into place, the inputs list last.
 */
export async function bundleCli(outdir: string = CLI_BUNDLE_DIR): Promise<BuiltCli> {
  const esbuild = await import('esbuild');
  const common = {
    absWorkingDir: PACKAGE_ROOT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    // Fewer bytes for V8 to read on every start; a bug report's stack names the chunk.
    minify: true,
    metafile: true,
    write: false,
    logLevel: 'silent',
  } as const;
  const modules = await esbuild.build({
    ...common,
    entryPoints: ENTRIES,
    splitting: true,
    format: 'esm',
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    plugins: [commandStubs],
    // Bundled CommonJS dependencies (picomatch, cross-spawn) call require(); give each chunk one.
    banner: { js: "import { createRequire as __studybotCreateRequire } from 'node:module'; const require = __studybotCreateRequire(import.meta.url);" },
  });
  const commonJs = {
    ...common,
    external: EXTERNAL.filter((name) => name !== 'web-tree-sitter'),
    format: 'cjs',
    // code-cache.ts passes the bundle's own URL (load-rubrics.ts, shell-parser.ts resolve from it)
    define: { 'import.meta.url': '__studybotMetaUrl' },
  } as const;
  const commands = await esbuild.build({
    ...commonJs,
    stdin: { contents: commandsEntry, resolveDir: PACKAGE_ROOT, sourcefile: COMMANDS_ENTRY_NAME, loader: 'js' },
    outfile: path.join(outdir, COMMANDS_FILE),
    plugins: [requireForDynamicImports, libraryEdits],
  });
  const worker = await esbuild.build({
    ...commonJs,
    entryPoints: ['src/worker/serve-tasks.ts'],
    outfile: path.join(outdir, WORKER_FILE),
    plugins: [requireForDynamicImports, libraryEdits],
  });
  mkdirSync(path.join(outdir, 'chunks'), { recursive: true });
  const entries = new Set(Object.keys(ENTRIES).map((name) => path.join(outdir, `${name}.mjs`)));
  // chunks first, then the commands and the entries that load them, then the inputs list that says all is there
  const ordered = [...modules.outputFiles].sort((a, b) => Number(entries.has(a.path)) - Number(entries.has(b.path)));
  for (const file of ordered.filter((f) => !entries.has(f.path))) writeAtomically(file.path, file.contents);
  // code-cache.ts names a bundle's cache by the hash on its first line (no hashing at run time)
  for (const file of [...commands.outputFiles, ...worker.outputFiles]) {
    const text = asciiOnly(file.text);
    writeAtomically(file.path, `${BUILD_MARK}${createHash('sha256').update(text).digest('hex').slice(0, 16)}\n${text}`);
  }
  for (const file of ordered.filter((f) => entries.has(f.path))) writeAtomically(file.path, file.contents);
  // the version of tree-sitter.wasm that goes with the bundled web-tree-sitter: its own package's
  writeAtomically(path.join(outdir, TREE_SITTER_WASM), readFileSync(createRequire(path.join(PACKAGE_ROOT, 'package.json')).resolve('web-tree-sitter/tree-sitter.wasm')));
  const inputs: Record<string, [number, number]> = {};
  for (const input of new Set([modules, commands, worker].flatMap((b) => Object.keys(b.metafile.inputs)))) {
    if (input.includes(':') || input === COMMANDS_ENTRY_NAME) continue; // esbuild's own (the command stubs, commandsEntry): no file
    const info = statSync(path.join(PACKAGE_ROOT, input));
    inputs[input] = [info.size, Math.trunc(info.mtimeMs)];
  }
  writeAtomically(path.join(outdir, INPUTS_FILE), JSON.stringify({ inputs, outputs: ['main.mjs', 'worker-entry.mjs', COMMANDS_FILE, WORKER_FILE, TREE_SITTER_WASM] }));
  pruneChunks(outdir, new Set(modules.outputFiles.map((f) => f.path)));
  return { dir: outdir, metafile: modules.metafile, commands: commands.metafile, worker: worker.metafile };
}

/**
 * esbuild escapes non-ASCII characters everywhere but in regular expression literals (our
 * `/주차/`, a prompt's `❯`): one such character makes the whole bundle a two-byte string
 * in V8, twice the bytes to decode and hold on every run. In a regular expression `\\uXXXX`
 * (a surrogate pair for characters past U+FFFF) matches what the character matched, with or
 * without the `u` flag; only the literal's `source` reads otherwise, which nothing shows.
 */
export function asciiOnly(text: string): string {
  // `\❯` (an identity escape) would become `\\u276f`, a backslash and four letters: refused, not guessed
  const escaped = /\\[^\0-\x7f]/.exec(text);
  if (escaped) throw new Error(`cli-bundle: a backslash before a non-ASCII character in the bundle (${JSON.stringify(text.slice(escaped.index - 20, escaped.index + 20))})`);
  return text.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
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
