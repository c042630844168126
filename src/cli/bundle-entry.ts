import { useWorkerEntry } from '../worker/shared-pool.js';
import { useCommandsBundle } from './bundled-commands.js';

/**
 * The entry of the CLI bundle (dist/cli/main.mjs, see cli-bundle.ts): the CLI itself, and where
 * its pool worker is. Inside the bundle the pool's module lives in a shared chunk, so it cannot
 * find the worker next to itself as it does in src/ and dist/src/; the bundle's entry can.
 */
export { main, preferBaselineWasm } from './main.js';

useWorkerEntry(new URL('./worker-entry.mjs', import.meta.url));
// the commands themselves: one CommonJS file run with V8's code cache (code-cache.ts)
useCommandsBundle(new URL('./commands.cjs', import.meta.url));
