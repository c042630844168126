import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRubrics, type RubricSet } from '../../src/rubric/load-rubrics.js';

/** study/weekN/README.md documents its week's rubric; this keeps the two from drifting apart. */
const page = (week: number) => readFileSync(fileURLToPath(new URL(`../../study/week${week}/README.md`, import.meta.url)), 'utf8');
const ROW = /^\|\s*`([a-z-]+)`\s*\|\s*(error|warning|info)\s*\|/gmu;

let rubrics: RubricSet;
beforeAll(async () => {
  rubrics = await loadRubrics();
});

describe('week pages agree with the rubrics', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('study/week%i/README.md lists exactly the enabled rules, with their severity', (week) => {
    const rubric = rubrics.forWeek(week)!;
    const documented = [...page(week).matchAll(ROW)].map((m) => `${m[1]} ${m[2]}`);
    const enabled = [...rubric.rules].filter(([, s]) => s.severity !== 'off').map(([id, s]) => `${id} ${s.severity}`);
    expect(documented).toEqual(enabled);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('study/week%i/README.md names every section in order', (week) => {
    const text = page(week);
    const positions = rubrics.forWeek(week)!.sections.map((s) => text.indexOf(`\`## ${s.heading}\``));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('study/week1/README.md quotes the organizer\'s example values env-fields compares against', () => {
    const setting = rubrics.forWeek(1)!.rules.get('env-fields')!;
    const fields = (setting.options as { fields: { label: string; example: string }[] }).fields.filter((f) => f.example);
    expect(fields.length).toBeGreaterThan(0);
    for (const field of fields) expect(page(1)).toContain(`\`${field.label}: ${field.example}\``);
  });
});
