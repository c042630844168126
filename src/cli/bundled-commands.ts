import type { CliIO } from './io.js';

/**
 * The CLI bundle's commands (dist/cli/commands.cjs, see cli-bundle.ts): one CommonJS file run
 * with V8's code cache (code-cache.ts). In the bundle, main.ts's `import('./check-command.js')`
 * and the other commands resolve to a stub that calls `runBundledCommand`; from the sources
 * they are the modules themselves and none of this runs.
 */
export interface CommandsBundle {
  /** runs the command of `module` (`check-command`, ...) */
  run(module: string, args: string[], io: CliIO): Promise<number>;
  closeSharedCheckPool(): Promise<void>;
}

let location: URL | null = null;

/** The bundle's entry says where the commands are (a chunk cannot find it next to itself). */
export function useCommandsBundle(file: URL): void {
  location = file;
}

let loaded: import('./code-cache.js').CachedModule<CommandsBundle> | null = null;

export async function runBundledCommand(module: string, args: string[], io: CliIO): Promise<number> {
  if (!location) throw new Error('study-bot: the CLI bundle did not say where its commands are');
  const { loadCachedCommonJs } = await import('./code-cache.js');
  loaded ??= loadCachedCommonJs<CommandsBundle>(location);
  const bundle = loaded.exports;
  try {
    return await bundle.run(module, args, io);
  } finally {
    // The pool lives in the commands' bundle, not in main.ts's copy of shared-pool.
    await bundle.closeSharedCheckPool();
    // after the work: the cache then holds what this command compiled on the way
    loaded.saveCache();
  }
}
