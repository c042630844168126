import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PATHOLOGICAL_SHAPES } from '../../bench/pathological-shapes.js';
import type { CheckReport } from '../../src/check/types.js';
import { main } from '../../src/cli/main.js';
import { loadRubrics } from '../../src/rubric/load-rubrics.js';
import { checkMarkdown, type MarkdownCheckInput } from '../../src/rubric/check-markdown.js';
import { BudgetedPool } from '../../src/worker/budgeted-pool.js';
import { COMPLEXITY_RULE } from '../../src/worker/budget-findings.js';
import { extractOneLiners } from '../../src/oneliners/extract-oneliners.js';
import { checkMarkdownInWorker, extractOneLinersInWorker } from '../../src/worker/check-in-worker.js';
import { workerEntry } from '../../src/worker/shared-pool.js';

const pools: BudgetedPool[] = [];
const pool = (budget: { timeoutMs: number; memoryMb: number }, size = 1) => {
  const p = new BudgetedPool({ entry: workerEntry(), size, budget });
  pools.push(p);
  return p;
};
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

const tree = { has: () => false, paths: () => [][Symbol.iterator]() };

async function input(text: string): Promise<MarkdownCheckInput> {
  const rubric = (await loadRubrics()).forWeek(1)!;
  return { path: 'study/week1/hgd.md', text, week: 1, member: { name: 'hgd', aliases: [] }, rubric, tree, lang: 'en' };
}

/** Plain notes, many lines, under the size limit and the pre-scan's limits: slow only because there is a lot. */
const bulky = (lines: number) => '# Week 1 - hgd\n\n' + Array.from({ length: lines }, (_, i) => `- item ${i} with *some* [text](x) and \`code\``).join('\n');

describe('checkMarkdownInWorker', () => {
  it('gives exactly what the engine gives on the event loop', async () => {
    const notes = await input(await readFile('study/week1/hgd.md', 'utf8'));
    const viaWorker = await checkMarkdownInWorker(notes, { pool: pool({ timeoutMs: 60_000, memoryMb: 512 }) });
    expect(viaWorker).toEqual(await checkMarkdown(notes));
    expect(viaWorker.oneLiners.length).toBeGreaterThanOrEqual(5);
  });

  it('turns a worker over its deadline into a finding, and the pool goes on with a new worker', async () => {
    const p = pool({ timeoutMs: 50, memoryMb: 512 });
    const slow = await checkMarkdownInWorker(await input(bulky(5_000)), { pool: p });
    expect(slow.findings).toEqual([expect.objectContaining({ rule: COMPLEXITY_RULE, severity: 'error', line: null })]);
    expect(slow.findings[0].message).toMatch(/took too long \(over 50 ms\)/);
    const outcome = await p.run({ kind: 'check-markdown', input: { ...(await input('# Week 1 - hgd\n')), tree: undefined, treePaths: [] } }, { timeoutMs: 60_000 });
    expect(outcome.ok && (outcome.value as { findings: { rule: string }[] }).findings.some((f) => f.rule === 'sections')).toBe(true);
  }, 120_000);

  it('turns a worker out of memory into a finding that says so', async () => {
    const p = pool({ timeoutMs: 120_000, memoryMb: 64 });
    const result = await checkMarkdownInWorker(await input(bulky(20_000)), { pool: p });
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ rule: COMPLEXITY_RULE, severity: 'error' });
    expect(result.findings[0].message).toMatch(/too much memory/);
  }, 120_000);

  it('refuses a pathological shape without starting a worker', async () => {
    const p = pool({ timeoutMs: 1, memoryMb: 1 }); // would fail any task it ran
    const result = await checkMarkdownInWorker(await input(PATHOLOGICAL_SHAPES[0].text), { pool: p });
    expect(result.findings).toEqual([expect.objectContaining({ rule: COMPLEXITY_RULE, severity: 'error', line: 3 })]);
    expect(result.findings[0].message).toMatch(/nested too deeply/);
  });
});

describe('extractOneLinersInWorker (what /verify and study-bot verify read a note with)', () => {
  it('gives exactly the one-liners the extractor gives on the event loop', async () => {
    const notes = await readFile('study/week1/hgd.md', 'utf8');
    const viaWorker = await extractOneLinersInWorker(notes, { pool: pool({ timeoutMs: 60_000, memoryMb: 512 }) });
    const all = await extractOneLiners(notes);
    expect(viaWorker).toEqual({ ok: true, oneLiners: all, total: all.length });
    expect(viaWorker.ok && viaWorker.oneLiners.length).toBeGreaterThanOrEqual(5);
    // with a limit (what /verify asks): the first ones, and how many there were
    const limited = await extractOneLinersInWorker(notes, { pool: pool({ timeoutMs: 60_000, memoryMb: 512 }), limit: 2 });
    expect(limited).toEqual({ ok: true, oneLiners: all.slice(0, 2), total: all.length });
  });

  it('runs in a worker within its deadline: over it, the reason in both languages', async () => {
    const result = await extractOneLinersInWorker(bulky(5_000), { pool: pool({ timeoutMs: 50, memoryMb: 512 }) });
    expect(result).toMatchObject({ ok: false, line: null });
    if (!result.ok) {
      expect(result.problem.en).toMatch(/took too long \(over 50 ms\)/);
      expect(result.problem.ko).toMatch(/시간 제한을 넘었습니다/);
    }
  }, 120_000);

  it.each(PATHOLOGICAL_SHAPES.map((s) => [s.name, s.text]))('refuses %s before any worker', async (_name, text) => {
    const result = await extractOneLinersInWorker(text, { pool: pool({ timeoutMs: 1, memoryMb: 1 }) }); // would fail any task it ran
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem.en).toMatch(/not checked/);
  });
});

describe('study-bot check on the pathological shapes of issue 9', () => {
  let dir: string;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('fails each one with a finding that says why it was not checked (exit 1)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pathological-'));
    await mkdir(join(dir, 'study/week1'), { recursive: true });
    for (const [i, shape] of PATHOLOGICAL_SHAPES.entries()) await writeFile(join(dir, `study/week1/m${i}.md`), shape.text);
    let out = '';
    const io = { stdout: (t: string) => void (out += t), stderr: () => {}, cwd: dir, env: {}, isTTY: false };
    const exit = await main(['check', '--repo', dir, '--format', 'json'], io);
    expect(exit).toBe(1);
    const report = JSON.parse(out) as CheckReport;
    expect(report.files).toHaveLength(PATHOLOGICAL_SHAPES.length);
    for (const file of report.files) {
      expect(file.status, file.path).toBe('fail');
      expect(file.findings.map((f) => f.rule), file.path).toEqual([COMPLEXITY_RULE]);
    }
  });
});
