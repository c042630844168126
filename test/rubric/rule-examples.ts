import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RepoTree } from '../../src/check/types.js';
import { checkMarkdownSync } from '../../src/rubric/check-markdown.js';
import { loadRubrics } from '../../src/rubric/load-rubrics.js';
import { RULES } from '../../src/rubric/rules/index.js';
import { loadShellParser } from '../../src/oneliners/shell-parser.js';
import type { Rubric } from '../../src/rubric/types.js';

/**
 * remark-lint's convention: a rule's docblock is its documentation and its test. Each
 * `@example` starts with a JSON line, then the markdown (or, for `"label": "output"`, the
 * expected findings as `LINE: SEVERITY: MESSAGE`, Korean). An example without a label is an
 * "ok" example: the rule must report nothing.
 *
 * JSON keys: `name`, `label` (input | output), `path` (default study/week1/hgd.md), `aliases`, `roster`,
 * `member` (default: the path's name; null for none), `tree` (other repository paths),
 * `options` (merged over the real rubric's options for the rule), `lang`, `githubHost` (an
 * Enterprise Server's host, as the bot passes it).
 */
export interface RuleExample {
  name: string;
  label?: 'input' | 'output';
  path?: string;
  member?: string | null;
  aliases?: string[];
  /** other members of the roster, as `{name, aliases}` */
  roster?: { name: string; aliases: string[] }[];
  tree?: string[];
  options?: Record<string, unknown>;
  lang?: 'ko' | 'en';
  githubHost?: string;
  body: string;
}

export function readExamples(ruleId: string): RuleExample[] {
  const file = fileURLToPath(new URL(`../../src/rubric/rules/${ruleId}.ts`, import.meta.url));
  const source = readFileSync(file, 'utf8');
  const doc = /\/\*\*([\s\S]*?)\*\//u.exec(source)?.[1] ?? '';
  const lines = doc.split('\n').map((l) => l.replace(/^\s*\* ?/u, ''));
  const examples: RuleExample[] = [];
  let current: string[] | null = null;
  const flush = () => {
    if (!current) return;
    const [json, ...rest] = current;
    const meta = JSON.parse(json!.trim()) as Omit<RuleExample, 'body'>;
    const body = rest.map((l) => l.replace(/^ {2}/u, '')).join('\n').replace(/^\n+|\n+$/gu, '');
    examples.push({ ...meta, body: body + '\n' });
    current = null;
  };
  for (const line of lines) {
    if (line.startsWith('@')) {
      flush();
      if (line.trim() === '@example') current = [];
      continue;
    }
    if (current) {
      if (current.length === 0 && !line.trim()) continue;
      current.push(line);
    }
  }
  flush();
  return examples;
}

export function treeOf(paths: string[]): RepoTree {
  const set = new Set(paths);
  return { has: (p) => set.has(p), paths: () => set };
}

/** Runs one rule, alone, over an example with the real week rubric behind it. */
export function runRule(ruleId: string, example: RuleExample, rubrics: Map<number, Rubric>): string[] {
  const path = example.path ?? 'study/week1/hgd.md';
  const week = Number(/week(\d+)/u.exec(path)?.[1] ?? 1);
  const base = rubrics.get(week)!;
  const setting = base.rules.get(ruleId);
  const options = RULES[ruleId]!.options.parse({ ...((setting?.options as object) ?? {}), ...(example.options ?? {}) });
  const rubric: Rubric = { ...base, rules: new Map([[ruleId, { severity: 'error', options }]]) };
  const name = example.member === undefined ? /([^/]+)\.md$/u.exec(path)![1]! : example.member;
  const result = checkMarkdownSync({
    path,
    text: example.body,
    week,
    member: name === null ? null : { name, aliases: example.aliases ?? [] },
    roster: [...(name === null ? [] : [{ name, aliases: example.aliases ?? [] }]), ...(example.roster ?? [])],
    rubric,
    tree: treeOf([path, ...(example.tree ?? [])]),
    lang: example.lang ?? 'ko',
    githubHost: example.githubHost ?? null,
  });
  return result.findings.map((f) => `${f.line}: ${f.severity}: ${f.message}`);
}

/** The table-driven test of a rule's own docblock examples. */
export function describeRuleExamples(ruleId: string): void {
  const examples = readExamples(ruleId);
  describe(`rule ${ruleId}: docblock examples`, () => {
    const rubrics = new Map<number, Rubric>();
    it('has ok and not-ok examples', async () => {
      expect(examples.some((e) => !e.label)).toBe(true);
      expect(examples.some((e) => e.label === 'input')).toBe(true);
    });
    const cases = examples
      .filter((e) => e.label !== 'output')
      .map((input) => ({
        input,
        expected: input.label === 'input' ? examples.find((e) => e.label === 'output' && e.name === input.name) : undefined,
      }));
    it.each(cases.map((c) => [c.input.name, c] as const))('%s', async (_name, { input, expected }) => {
      await loadShellParser();
      if (!rubrics.size) {
        const set = await loadRubrics();
        for (const w of set.weeks()) rubrics.set(w, set.forWeek(w)!);
      }
      const want = expected ? expected.body.trim().split('\n').map((l) => l.trim()).filter(Boolean) : [];
      expect(runRule(ruleId, input, rubrics)).toEqual(want);
    });
  });
}
