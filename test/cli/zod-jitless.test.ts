import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { afterAll, describe, expect, it, vi } from 'vitest';

/**
 * The CLI bundle runs zod without its JIT (src/cli/zod-jitless.ts): a one-shot process pays
 * for compiling every object parser with `new Function` and never gains from it. The verdicts
 * must not change: every config and rubric here parses to the same result, problems and
 * messages included, with and without the JIT.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const example = readFileSync(join(repo, '.github/study.yml'), 'utf8');

const configs = [
  null,
  '',
  example,
  `${example}\nweeks: 12\n`,
  'language: fr\nweeks: 0\n',
  'schedule:\n  timezone: Asia/Seol\n  firstSession: 2025-13-04T20:00\n  skip: [2025-02-30, nope]\n',
  'schedule:\n  firstSession: 2026-09-03 20:00\n  offlineWeeks: [0, 9, 1]\n',
  'paths:\n  study: study/week{wek}/{nam}.md\n  project: project/\n',
  'members:\n  - login: "bad login"\n    name: park/dev\n    aliases: [".", "..", ok]\n  - login: kim\n    name: kim\n    extra: 1\n',
  'members: [{ login: a, name: a }, { login: b }]\n',
  'submissions: { "5": project, "x": note, "6": both }\nignore: ["", study/week1/OT.md]\n',
  'checks: { failureConclusion: neutral, noStudyFiles: skip, other: 1 }\nattendance: { opensBefore: -1, closesAfter: 999999, deadlines: { "8": 2025-10-30T23:59, "9": tomorrow } }\n',
  'nudges: { enabled: "yes", hoursBefore: 0, skipWeeks: [1, 1.5] }\nverify: { driver: vm, perHour: 100, timeoutMinutes: 0 }\nunknown: true\n',
  'attendance:\n  issueTitle: "x"\nnudges: { digest: false }\n',
  '[1, 2, 3]\n',
  'language: en\nmembers:\n  - login: octocat\n    name: 옥토캣\n',
];

const rubrics = readdirSync(join(repo, 'rubrics'))
  .filter((f) => /^week\d+\.yml$/.test(f))
  .map((f) => ({ file: f, week: Number(/\d+/.exec(f)![0]), text: readFileSync(join(repo, 'rubrics', f), 'utf8') }));
// broken on purpose: a problem in the top level, in a rule's options, a week that does not match
const brokenRubrics = [
  { file: 'a.yml', week: 1, text: rubrics[0].text.replace(/^week: 1$/m, 'week: 2') },
  { file: 'b.yml', week: 1, text: rubrics[0].text.replace(/^rules:/m, 'rulez:') },
  { file: 'c.yml', week: 1, text: `${rubrics[0].text}\n  title: [error, { nonsense: 1 }]\n` },
  { file: 'd.yml', week: 1, text: 'week: one\n' },
];

/** Every config in both languages and every rubric, by modules loaded anew. */
async function parseAll() {
  vi.resetModules();
  const { parseConfig } = await import('../../src/config/load-config.js');
  const { parseRubric } = await import('../../src/rubric/load-rubrics.js');
  const rubric = (r: { file: string; week: number; text: string }) => {
    try {
      const parsed = parseRubric(r.text, r.file, r.week);
      return { ok: true, week: parsed.week, rules: [...parsed.rules], rest: JSON.stringify(parsed) };
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
  };
  return {
    configs: configs.map((text) => [parseConfig(text, 'ko'), parseConfig(text, 'en')]),
    rubrics: [...rubrics, ...brokenRubrics].map(rubric),
  };
}

/** How many functions zod compiled with `new Function` while `fn` ran. */
async function compiledBy<T>(fn: () => Promise<T>): Promise<{ value: T; compiled: number }> {
  const original = globalThis.Function;
  let compiled = 0;
  globalThis.Function = new Proxy(original, {
    construct(target, args) {
      compiled++;
      return Reflect.construct(target, args);
    },
  });
  try {
    return { value: await fn(), compiled };
  } finally {
    globalThis.Function = original;
  }
}

describe('zod without its JIT (the CLI bundle)', () => {
  afterAll(() => {
    z.config({ jitless: false });
    vi.resetModules();
  });

  it('parses every config and rubric to the same result, problems included', async () => {
    z.config({ jitless: false });
    const jit = await compiledBy(parseAll);
    z.config({ jitless: true });
    const jitless = await compiledBy(parseAll);
    // the JIT did run in the first pass, and not in the second: the comparison means something
    expect(jit.compiled).toBeGreaterThan(0);
    expect(jitless.compiled).toBe(0);
    expect(jitless.value).toEqual(jit.value);
    // the corpus has both kinds
    expect(jit.value.configs.filter(([ko]) => ko.ok).length).toBeGreaterThan(2);
    expect(jit.value.configs.filter(([ko]) => !ko.ok).length).toBeGreaterThan(8);
    expect(jit.value.rubrics.filter((r) => r.ok)).toHaveLength(rubrics.length);
    expect(jit.value.rubrics.filter((r) => !r.ok)).toHaveLength(brokenRubrics.length);
  });
});
