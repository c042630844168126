import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MAX_MARKDOWN_BYTES, checkMarkdownSync, type MarkdownCheckInput, type MarkdownCheckResult } from '../rubric/check-markdown.js';
import { prescanMarkdown } from '../markdown/prescan.js';
import { BudgetedPool, defaultPoolSize, type Budget, type TaskOutcome } from './budgeted-pool.js';
import { complexityFinding, overBudgetFinding } from './budget-findings.js';
import type { Bilingual } from '../i18n/pick.js';
import type { OneLiner } from '../oneliners/types.js';
import type { CheckTask, ExtractTask } from './worker-entry.js';

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
  shared ??= new BudgetedPool({ entry: workerEntry(), size: defaultPoolSize(), budget: defaultBudget() });
  return shared;
}

export interface CheckInWorkerOptions {
  pool?: BudgetedPool;
  /** every path of `input.tree`, when the caller has them already (one list for many files) */
  treePaths?: string[];
}

/**
 * `checkMarkdown`, off the event loop and within a budget. In order: a file over the size
 * limit gets its finding at once (no parse); the pre-scan refuses shapes known to make the
 * parser slow or recursive; everything else is checked in a worker, and a worker over its
 * deadline or memory gets a finding that says so. Never throws on content, never blocks.
 */
export async function checkMarkdownInWorker(input: MarkdownCheckInput, options: CheckInWorkerOptions = {}): Promise<MarkdownCheckResult> {
  if (Buffer.byteLength(input.text, 'utf8') > MAX_MARKDOWN_BYTES) return checkMarkdownSync(input);
  const shape = prescanMarkdown(input.text);
  if (shape) return { findings: [complexityFinding(shape, input.lang)], oneLiners: [] };
  const { tree, ...rest } = input;
  const task: CheckTask = { kind: 'check-markdown', input: { ...rest, treePaths: options.treePaths ?? [...tree.paths()] } };
  const pool = options.pool ?? sharedCheckPool();
  const outcome: TaskOutcome<MarkdownCheckResult> = await pool.run(task);
  if (outcome.ok) return outcome.value;
  return { findings: [overBudgetFinding(outcome, input.lang)], oneLiners: [] };
}

export type ExtractOutcome = { ok: true; oneLiners: OneLiner[] } | { ok: false; problem: Bilingual; line: number | null };

/**
 * The one-liners of a note, off the event loop and within the same budget as a check: the
 * pre-scan first, then a worker; a note over budget gets the reason in both languages (the
 * `file-complexity` finding's words). `/verify` and `study-bot verify` read notes with it, so a
 * pathological note stalls neither the bot nor the CLI.
 */
export async function extractOneLinersInWorker(markdown: string, options: { pool?: BudgetedPool } = {}): Promise<ExtractOutcome> {
  const shape = prescanMarkdown(markdown);
  if (shape) return { ok: false, problem: { ko: complexityFinding(shape, 'ko').message, en: complexityFinding(shape, 'en').message }, line: shape.line };
  const task: ExtractTask = { kind: 'extract-oneliners', markdown };
  const outcome: TaskOutcome<OneLiner[]> = await (options.pool ?? sharedCheckPool()).run(task);
  if (outcome.ok) return { ok: true, oneLiners: outcome.value };
  return { ok: false, problem: { ko: overBudgetFinding(outcome, 'ko').message, en: overBudgetFinding(outcome, 'en').message }, line: null };
}
