import { parentPort } from 'node:worker_threads';
import { loadCachedCommonJs } from '../cli/code-cache.js';
import type { serveTasks } from './serve-tasks.js';

/**
 * The pool worker of the CLI bundle (dist/cli/worker-entry.mjs, see cli-bundle.ts): the worker's
 * code is one CommonJS file (dist/cli/worker.cjs) run with V8's code cache, as the commands are
 * (code-cache.ts). A worker thread starts without Node's startup snapshot and compiled its
 * ~700 KB of modules from the source every time. The cache is written after the first task,
 * when the worker has compiled what a check runs. The bash grammar is loaded only when a note
 * needs it (serve-tasks.ts).
 */
if (parentPort) {
  const loaded = loadCachedCommonJs<{ serveTasks: typeof serveTasks }>(new URL('./worker.cjs', import.meta.url));
  await loaded.exports.serveTasks(parentPort, () => loaded.saveCache(), { lazyShellParser: true });
}
