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
    throw new Error(
      'the bash parser is not loaded: await loadShellParser() before extracting one-liners synchronously',
    );
  }
  return loaded;
}

export function isShellParserLoaded(): boolean {
  return loaded !== null;
}
