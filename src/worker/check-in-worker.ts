import { MAX_MARKDOWN_BYTES, checkMarkdown, checkMarkdownSync, type MarkdownCheckInput, type MarkdownCheckResult } from '../rubric/check-markdown.js';
import { prescanMarkdown } from '../markdown/prescan.js';
import type { BudgetedPool, TaskOutcome } from './budgeted-pool.js';
import { sharedCheckPool } from './shared-pool.js';
import { complexityFinding, overBudgetFinding } from './budget-findings.js';
import type { Bilingual } from '../i18n/pick.js';
import type { OneLiner } from '../oneliners/types.js';
import type { CheckTask, CollectTask, ExtractedOneLiners, ExtractTask } from './worker-entry.js';
import type { CollectedRound, ProjectCollector } from '../project/collect-round.js';

/**
 * The largest note checked inline: a real week note is 2-20 KB; past the pre-scan, remark is
 * linear on text of this size, so an inline check stays within tens of milliseconds.
 */
export const INLINE_MAX_BYTES = 64 * 1024;

export interface CheckInWorkerOptions {
  pool?: BudgetedPool;
  /**
   * Check a small file that passed the pre-scan on the calling thread instead of a worker
   * (the CLI on a few files: a worker costs a thread and a second load of the rubric engine,
   * ten times the check itself). Never for the bot, whose event loop must stay free.
   */
  inlineSmall?: boolean;
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
  if (options.inlineSmall && Buffer.byteLength(input.text, 'utf8') <= INLINE_MAX_BYTES) return checkMarkdown(input);
  const { tree, ...rest } = input;
  const task: CheckTask = { kind: 'check-markdown', input: { ...rest, treePaths: options.treePaths ?? [...tree.paths()] } };
  const pool = options.pool ?? sharedCheckPool();
  const outcome: TaskOutcome<MarkdownCheckResult> = await pool.run(task);
  if (outcome.ok) return outcome.value;
  return { findings: [overBudgetFinding(outcome, input.lang)], oneLiners: [] };
}

/** `oneLiners`: the first ones (at most `limit`); `total`: how many the note has. */
export type ExtractOutcome = { ok: true; oneLiners: OneLiner[]; total: number } | { ok: false; problem: Bilingual; line: number | null };

/**
 * The one-liners of a note, off the event loop and within the same budget as a check: the
 * pre-scan first, then a worker; a note over budget gets the reason in both languages (the
 * `file-complexity` finding's words). `/verify` and `study-bot verify` read notes with it, so a
 * pathological note stalls neither the bot nor the CLI.
 */
export async function extractOneLinersInWorker(markdown: string, options: { pool?: BudgetedPool; limit?: number } = {}): Promise<ExtractOutcome> {
  const shape = prescanMarkdown(markdown);
  if (shape) return { ok: false, problem: { ko: complexityFinding(shape, 'ko').message, en: complexityFinding(shape, 'en').message }, line: shape.line };
  const task: ExtractTask = { kind: 'extract-oneliners', markdown, ...(options.limit === undefined ? {} : { limit: options.limit }) };
  const outcome: TaskOutcome<ExtractedOneLiners> = await (options.pool ?? sharedCheckPool()).run(task);
  if (outcome.ok) return { ok: true, oneLiners: outcome.value.oneLiners, total: outcome.value.total };
  return { ok: false, problem: { ko: overBudgetFinding(outcome, 'ko').message, en: overBudgetFinding(outcome, 'en').message }, line: null };
}

/** A project's collection that went over the pool's budget: why, in both languages. */
export class CollectOverBudget extends Error {
  constructor(readonly problem: Bilingual) {
    super(problem.en);
  }
}

/**
 * The collector's rounds (collect-round.ts) in the pool: the bot reads a member's project for
 * `/verify project` with it, so classifying thousands of files never holds the event loop.
 * A round over budget throws CollectOverBudget.
 */
export function collectProjectInWorker(options: { pool?: BudgetedPool } = {}): ProjectCollector {
  return async (snapshot) => {
    const task: CollectTask = { kind: 'collect-project', snapshot };
    const outcome: TaskOutcome<CollectedRound> = await (options.pool ?? sharedCheckPool()).run(task);
    if (outcome.ok) return outcome.value;
    const why = outcome.reason === 'timeout' ? { ko: `시간 제한(${outcome.detail})`, en: `the time limit (${outcome.detail})` } : outcome.reason === 'memory' ? { ko: '메모리 한도', en: 'the memory limit' } : { ko: `내부 오류(${outcome.detail})`, en: `an internal error (${outcome.detail})` };
    throw new CollectOverBudget({
      ko: `프로젝트 폴더를 살펴보다가 ${why.ko}에 걸려 실행하지 못했습니다. 폴더에 eBPF 소스가 아닌 큰 파일이나 파일 수천 개가 있다면 정리해 주세요.`,
      en: `looking through the project folder hit ${why.en}, so nothing was run. If the folder holds thousands of files or large files that are not eBPF sources, tidy it up.`,
    });
  };
}
