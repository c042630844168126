import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { RULES } from './rules/index.js';
import type { Rubric, RuleSetting, RuleSeverity } from './types.js';

export type { Rubric } from './types.js';

/**
 * The week rubrics are study-bot's own data (`rubrics/week{N}.yml`, shipped with the
 * package), so a bad rubric is a bug of ours: loading throws an error naming the file and the
 * key, instead of turning it into findings on a member's file.
 *
 * A rubric picks rules like a remark-lint preset: `rule-id: severity` or
 * `rule-id: [severity, {options}]`, severity one of error | warning | info | off.
 */
export interface RubricSet {
  /** the week's rubric, or null for a week without one (week 9 of an 8-week study) */
  forWeek(week: number): Rubric | null;
  weeks(): number[];
}

export const RUBRIC_WEEKS = [1, 2, 3, 4, 5, 6, 7, 8] as const;

const severity = z.enum(['error', 'warning', 'info', 'off']);
const bilingual = z.strictObject({ ko: z.string().min(1), en: z.string().min(1) });
const rubricFileSchema = z.strictObject({
  week: z.number().int().min(1),
  topic: bilingual,
  sections: z
    .array(z.strictObject({ heading: z.string().min(1), aliases: z.array(z.string().min(1)).default([]) }))
    .default([]),
  rules: z.record(
    z.string(),
    z.union([severity, z.tuple([severity]), z.tuple([severity, z.record(z.string(), z.unknown())])]),
  ),
});

/** Finds the package's `rubrics/` from this module, in `src/` (tsx) and in `dist/src/` alike. */
export function bundledRubricsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'rubrics', 'week1.yml'))) return join(dir, 'rubrics');
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`study-bot: rubrics/ not found above ${fileURLToPath(import.meta.url)}`);
}

const cache = new Map<string, Promise<RubricSet>>();

export function loadRubrics(dir?: string): Promise<RubricSet> {
  const root = resolve(dir ?? bundledRubricsDir());
  let loading = cache.get(root);
  if (!loading) {
    loading = readRubrics(root);
    cache.set(root, loading);
    loading.catch(() => cache.delete(root)); // a fixed file can be retried
  }
  return loading;
}

async function readRubrics(root: string): Promise<RubricSet> {
  const rubrics = new Map<number, Rubric>();
  for (const week of RUBRIC_WEEKS) {
    const file = join(root, `week${week}.yml`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new Error(`rubric ${file}: cannot read (${(error as Error).message})`);
    }
    rubrics.set(week, parseRubric(text, displayName(file), week));
  }
  return {
    forWeek: (week) => rubrics.get(week) ?? null,
    weeks: () => [...rubrics.keys()],
  };
}

const displayName = (file: string): string => {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
};

const keyPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');

/** Parses and validates one rubric; throws `rubric FILE: KEY: problem`. Exported for tests. */
export function parseRubric(text: string, file: string, expectedWeek?: number): Rubric {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new Error(`rubric ${file}: not valid YAML: ${(error as Error).message}`);
  }
  const parsed = rubricFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`rubric ${file}: ${keyPath(issue.path) || '(top level)'}: ${issue.message}`);
  }
  const raw = parsed.data;
  if (expectedWeek !== undefined && raw.week !== expectedWeek) {
    throw new Error(`rubric ${file}: week: is ${raw.week}, but the file is for week ${expectedWeek}`);
  }
  const rules = new Map<string, RuleSetting>();
  for (const [id, value] of Object.entries(raw.rules)) {
    const rule = RULES[id];
    if (!rule) {
      throw new Error(`rubric ${file}: rules.${id}: unknown rule (known: ${Object.keys(RULES).join(', ')})`);
    }
    const [level, options] = (Array.isArray(value) ? value : [value]) as [RuleSeverity, unknown?];
    const checked = rule.options.safeParse(options ?? {});
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      const where = keyPath(['rules', id, 1, ...issue.path]);
      throw new Error(`rubric ${file}: ${where}: ${issue.message}`);
    }
    rules.set(id, { severity: level, options: checked.data });
  }
  return { week: raw.week, file, topic: raw.topic, sections: raw.sections, rules };
}
