import { readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { checkFiles, INLINE_FILES, NOTES_PER_WORKER } from '../../src/check/check-files.js';
import type { RepoFile, RepoTree } from '../../src/check/types.js';
import { studyConfigSchema } from '../../src/config/schema.js';
import { BudgetedPool } from '../../src/worker/budgeted-pool.js';
import { workerEntry } from '../../src/worker/shared-pool.js';

/**
 * The CLI sizes its pool by the work (issue 16: 200 notes on 2 cores): a worker costs as much
 * CPU as tens of notes, so a few dozen notes get one worker, and only a large study more.
 */
const example = readFileSync(new URL('../../study/week1/hgd.md', import.meta.url));
const notes = (count: number): RepoFile[] => Array.from({ length: count }, (_, i) => ({ path: `study/week1/member${i}.md`, content: example }));
const treeOf = (files: RepoFile[]): RepoTree => ({ has: (p) => files.some((f) => f.path === p), paths: () => files.map((f) => f.path) });
const config = studyConfigSchema.parse({});

let pool: BudgetedPool | null = null;
const workersSetting = process.env.STUDY_BOT_WORKERS;
// as on a 2-core machine (CI, this one), wherever the test runs
process.env.STUDY_BOT_WORKERS = '2';
afterAll(() => {
  if (workersSetting === undefined) delete process.env.STUDY_BOT_WORKERS;
  else process.env.STUDY_BOT_WORKERS = workersSetting;
});
afterEach(async () => {
  await pool?.close();
  pool = null;
});

describe('checkFiles in the CLI (mayInline): workers by the number of notes', () => {
  it(`a few notes (≤ ${INLINE_FILES}) start no worker`, async () => {
    pool = new BudgetedPool({ entry: workerEntry(), size: 2, budget: { timeoutMs: 60_000, memoryMb: 512 } });
    const files = notes(INLINE_FILES);
    const reports = await checkFiles({ files, tree: treeOf(files), config, pool, mayInline: true });
    expect(reports.every((r) => r.oneliners === 5)).toBe(true);
    expect(pool.workers).toBe(0);
  });

  it(`${INLINE_FILES + 4} notes start one worker, even where two may run`, async () => {
    pool = new BudgetedPool({ entry: workerEntry(), size: 2, budget: { timeoutMs: 60_000, memoryMb: 512 } });
    const files = notes(INLINE_FILES + 4);
    const reports = await checkFiles({ files, tree: treeOf(files), config, pool, mayInline: true });
    expect(reports.every((r) => r.oneliners === 5)).toBe(true);
    expect(pool.workers).toBe(1);
  }, 120_000);

  it(`${2 * NOTES_PER_WORKER} notes start two, and no more than the pool's size`, async () => {
    pool = new BudgetedPool({ entry: workerEntry(), size: 2, budget: { timeoutMs: 60_000, memoryMb: 512 } });
    const files = notes(2 * NOTES_PER_WORKER);
    const reports = await checkFiles({ files, tree: treeOf(files), config, pool, mayInline: true });
    expect(reports.every((r) => r.oneliners === 5)).toBe(true);
    expect(pool.workers).toBe(2);
  }, 300_000);

  it('warm() starts workers before any task, up to the pool size', async () => {
    pool = new BudgetedPool({ entry: workerEntry(), size: 2, budget: { timeoutMs: 60_000, memoryMb: 512 } });
    pool.warm(5);
    expect(pool.workers).toBe(2);
    pool.warm(1);
    expect(pool.workers).toBe(2);
  });
});
