import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';

/**
 * tree-sitter-bash, loaded once per process. Loading the WASM grammar costs ~50 ms, a parse
 * ~0.6 ms, so the first caller pays and everyone else shares the same parser.
 *
 * Parsing is synchronous once loaded: callers that cannot be async (rubric rules walking an
 * mdast tree) `await loadShellParser()` at their entry point, then call `getShellParser()`.
 */
let loading: Promise<Parser> | null = null;
let loaded: Parser | null = null;
/** Set when `getShellParser()` was called before the parser was loaded (see `withoutShellParser`). */
let wanted = false;

export async function loadShellParser(): Promise<Parser> {
  if (loaded) return loaded;
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    await Parser.init();
    const bash = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
    const parser = new Parser();
    parser.setLanguage(bash);
    loaded = parser;
    return parser;
  })();
  try {
    return await loading;
  } catch (error) {
    loading = null; // let a later call retry instead of caching the failure forever
    throw error;
  }
}

/** The loaded parser; throws when `loadShellParser()` has not completed yet. */
export function getShellParser(): Parser {
  if (!loaded) {
    wanted = true;
    throw new Error(
      'the bash parser is not loaded: await loadShellParser() before extracting one-liners synchronously',
    );
  }
  return loaded;
}

export function isShellParserLoaded(): boolean {
  return loaded !== null;
}

/**
 * Runs `work` without loading tree-sitter (its start is ~20% of a one-note `study-bot check`)
 * and returns its result, or null when something in it asked for the parser: its result is
 * then incomplete (the caller's own catch may have turned the throw into a finding), so the
 * caller loads the parser and runs it again. Most notes hold only blocks that simple-shell.ts
 * reads, and never load it. Once loaded, `work` simply runs.
 */
export function withoutShellParser<T>(work: () => T): T | null {
  if (loaded) return work();
  wanted = false;
  try {
    const result = work();
    return wanted ? null : result;
  } catch (error) {
    if (wanted) return null;
    throw error;
  } finally {
    wanted = false;
  }
}
