import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/**
 * Runs a CommonJS bundle (dist/cli/commands.cjs) with V8's code cache. Node 20 compiles every
 * ES module from its source on every start and has no compile cache (`module.enableCompileCache`
 * is Node 22), which was a third of `study-bot check`'s CPU time on one note (docs/cli-speed.md).
 * A `vm.Script` takes V8's cached code instead: the functions the last run compiled, lazily
 * compiled ones included, so the next run neither parses nor compiles them.
 *
 * The cache is the user's (`$XDG_CACHE_HOME/study-bot`, else `~/.cache/study-bot`), one file
 * per bundle content and Node version. Anything wrong with it (no home, a read-only disk, a
 * file V8 rejects) only means compiling from the source as before, never a failed command.
 * `STUDY_BOT_CODE_CACHE=0` turns it off.
 */

/** Where the cache files go, or null when there is none (turned off, no home folder). */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.STUDY_BOT_CODE_CACHE === '0') return null;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'study-bot');
  let home = '';
  try {
    home = homedir();
  } catch {
    return null;
  }
  return home ? join(home, '.cache', 'study-bot') : null;
}

export interface CachedModule<T> {
  exports: T;
  /** whether V8 took the cached code */
  fromCache: boolean;
  /**
   * Writes the code V8 has compiled so far, when the cache did not have it: call it once the
   * work is done, so what ran lazily is in it too. Never throws.
   */
  saveCache(): void;
}

/**
 * The bundle is the body of a function, as Node's own CommonJS loader wraps a module, on the
 * same first line so its line numbers stay. Not in parentheses: V8 compiles a parenthesized
 * function eagerly, every function of a 1 MB bundle, cached or not.
 */
const HEAD = 'globalThis.__studybotBundle = function (exports, require, module, __filename, __dirname, __studybotMetaUrl) {';
const TAIL = '\n};';

/** Loads and runs `file` (a CommonJS bundle whose `import.meta.url` is `__studybotMetaUrl`). */
export function loadCachedCommonJs<T>(file: URL, env: NodeJS.ProcessEnv = process.env): CachedModule<T> {
  const path = fileURLToPath(file);
  const bytes = readFileSync(path);
  const dir = codeCacheDir(env);
  const cacheFile = dir ? join(dir, `${basename(path)}-${bundleKey(path, bytes)}-${process.version}-${process.arch}.v8`) : null;
  let cachedData: Buffer | undefined;
  if (cacheFile) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // first run, or the cache was cleared
    }
  }
  // No `importModuleDynamically`: the bundles have no `import()` (cli-bundle.ts makes them `require()`).
  const script = new vm.Script(HEAD + bytes.toString('utf8') + TAIL, { filename: path, cachedData });
  const fromCache = cachedData !== undefined && script.cachedDataRejected === false;
  const module = { exports: {} as T };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  delete (globalThis as { __studybotBundle?: unknown }).__studybotBundle;
  wrapper.call(module.exports, module.exports, createRequire(path), module, path, join(path, '..'), file.href);
  let saved = fromCache;
  return {
    exports: module.exports,
    fromCache,
    saveCache() {
      if (saved || !cacheFile || !dir) return;
      saved = true;
      writeCache(dir, cacheFile, script);
    },
  };
}

/**
 * The first line of a bundle cli-bundle.ts wrote: its content's hash, made at build time, so a
 * run does not hash a megabyte (nor load node:crypto, ~5 ms of a one-note check, for it).
 */
export const BUILD_MARK = '//study-bot-build:';
const BUILD_LINE = /^\/\/study-bot-build:([0-9a-f]{16})\n/;

/**
 * What names a bundle's cache. V8 checks its own version and flags, but of the source only the
 * length: the content's hash is in the name, so an edited or reinstalled bundle never runs
 * another's compiled code; the size and modification time too, so a bundle edited by hand
 * (its first line then lies) gets a cache of its own. The bundle's path too: V8 keeps the file
 * name it was compiled under (stack traces), so two copies of one bundle each have their own.
 * A bundle without the build's line (built by an older study-bot) is hashed here, as before.
 */
function bundleKey(path: string, bytes: Buffer): string {
  const built = BUILD_LINE.exec(bytes.subarray(0, BUILD_MARK.length + 17).toString('latin1'));
  if (!built) {
    const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
    return createHash('sha1').update(path).update('\0').update(bytes).digest('hex').slice(0, 16);
  }
  let mtime = 0;
  try {
    mtime = statSync(path).mtimeMs;
  } catch {
    // read a moment ago; the size and the content's hash still name it
  }
  return built[1] + fnv1a(`${path}\0${bytes.length}\0${mtime}`);
}

/** FNV-1a, 32 bits as 8 hex digits: the path and file facts, a few hundred characters. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

function writeCache(dir: string, cacheFile: string, script: vm.Script): void {
  try {
    mkdirSync(dir, { recursive: true });
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, cacheFile); // a reader sees the whole file or none
    pruneCache(dir, cacheFile);
  } catch {
    // a read-only or full disk: the next run compiles from the source, as without a cache
  }
}

/** Older caches of the same bundle (an earlier version, a checkout's earlier build) go, except the newest few. */
function pruneCache(dir: string, current: string): void {
  const prefix = basename(current).split('-')[0];
  const others = readdirSync(dir)
    .filter((name) => name.startsWith(`${prefix}-`) && join(dir, name) !== current)
    .map((name) => {
      const file = join(dir, name);
      try {
        return { file, at: statSync(file).mtimeMs };
      } catch {
        return { file, at: 0 };
      }
    })
    .sort((a, b) => b.at - a.at);
  // a temporary file of a run still writing is younger than a minute: left alone
  for (const { file, at } of others.slice(3)) if (Date.now() - at > 60_000) rmSync(file, { force: true });
}
