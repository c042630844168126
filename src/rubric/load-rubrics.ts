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
const weekCache = new Map<string, Promise<Rubric>>();

/**
 * The rubrics of `weeks` (default: all 8). A caller that knows which weeks it will check asks
 * for those only: `study-bot check` on one note parses one YAML file, not eight (parsing and
 * validating all eight cost about a sixth of that command's CPU time).
 */
export function loadRubrics(dir?: string, weeks: readonly number[] = RUBRIC_WEEKS): Promise<RubricSet> {
  const root = resolve(dir ?? bundledRubricsDir());
  const wanted = RUBRIC_WEEKS.filter((w) => weeks.includes(w));
  const key = `${root}\0${wanted.join(',')}`;
  let loading = cache.get(key);
  if (!loading) {
    loading = readRubrics(root, wanted);
    cache.set(key, loading);
    loading.catch(() => cache.delete(key)); // a fixed file can be retried
  }
  return loading;
}

async function readRubrics(root: string, weeks: readonly number[]): Promise<RubricSet> {
  const rubrics = new Map<number, Rubric>();
  for (const week of weeks) rubrics.set(week, await readRubric(root, week));
  return {
    forWeek: (week) => {
      const rubric = rubrics.get(week);
      if (rubric) return rubric;
      if ((RUBRIC_WEEKS as readonly number[]).includes(week)) throw new Error(`rubric of week ${week} not loaded: ask loadRubrics() for it`);
      return null;
    },
    weeks: () => [...rubrics.keys()],
  };
}

function readRubric(root: string, week: number): Promise<Rubric> {
  const file = join(root, `week${week}.yml`);
  let loading = weekCache.get(file);
  if (!loading) {
    loading = readFile(file, 'utf8').then(
      (text) => parseRubric(text, displayName(file), week),
      (error: Error) => {
        throw new Error(`rubric ${file}: cannot read (${error.message})`);
      },
    );
    weekCache.set(file, loading);
    loading.catch(() => weekCache.delete(file));
  }
  return loading;
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
