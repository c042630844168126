import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { BudgetedPool, defaultPoolSize, type Budget } from './budgeted-pool.js';

// The process's one pool, in a module of its own that loads nothing heavy: the CLI closes it
// when a command is done without importing the rubric engine just to do so.

/**
 * The entry of a pool worker, from `src/` under tsx (tests, the bench, `npm start` before a
 * build) and from `dist/` once compiled. A worker thread does not inherit tsx's loader, so
 * under tsx the worker starts from a tiny bootstrap that registers it, then imports the
 * TypeScript entry; compiled, the worker runs `worker-entry.js` directly.
 */
export function workerEntry(moduleUrl: string = import.meta.url): URL {
  if (!moduleUrl.endsWith('.ts')) return new URL('./worker-entry.js', moduleUrl);
  const entry = new URL('./worker-entry.ts', moduleUrl).href;
  // The ESM build of tsx's API (`require.resolve` finds the CommonJS one, which cannot be imported from a data: URL).
  const tsx = pathToFileURL(createRequire(moduleUrl).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const bootstrap = `const { register } = await import(${JSON.stringify(tsx)}); register(); await import(${JSON.stringify(entry)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`);
}

let bundledEntry: URL | null = null;

/** The CLI bundle says where its worker is (src/cli/bundle-entry.ts). */
export function useWorkerEntry(entry: URL): void {
  bundledEntry = entry;
}

/**
 * The budget of one file. A week's notes check in 10-100 ms; the deadline is there for
 * shapes the pre-scan does not know, and leaves the CLI well inside 10 s on a busy machine.
 */
export function defaultBudget(env: NodeJS.ProcessEnv = process.env): Budget {
  return {
    timeoutMs: boundedInt(env.STUDY_BOT_CHECK_TIMEOUT_MS, 5_000, 200, 600_000),
    memoryMb: boundedInt(env.STUDY_BOT_CHECK_MEMORY_MB, 512, 64, 8_192),
  };
}

function boundedInt(raw: string | undefined, fallback: number, min: number, max: number): number {
  const n = Number.parseInt(raw ?? '', 10);
  return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

let shared: BudgetedPool | null = null;

/** The process's one pool for markdown checks, started on first use. */
export function sharedCheckPool(): BudgetedPool {
  shared ??= new BudgetedPool({ entry: bundledEntry ?? workerEntry(), size: defaultPoolSize(), budget: defaultBudget() });
  return shared;
}

/**
 * Ends the shared pool's workers, if it was ever started. The CLI calls it when a command is
 * done, on every path: a process that only waits for idle workers to be collected is a
 * `study-bot check` in a pre-push hook that never returns.
 */
export async function closeSharedCheckPool(): Promise<void> {
  const pool = shared;
  shared = null;
  await pool?.close();
}
