import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledRubricsDir, loadRubrics, parseRubric } from '../../src/rubric/load-rubrics.js';

const week1 = readFileSync(join(bundledRubricsDir(), 'week1.yml'), 'utf8');

describe('loadRubrics', () => {
  it('loads the 8 bundled weeks, cached', async () => {
    const a = loadRubrics();
    expect(loadRubrics()).toBe(a);
    const set = await a;
    expect(set.weeks()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(set.forWeek(9)).toBeNull();
    const r1 = set.forWeek(1)!;
    expect(r1.sections.map((s) => s.heading)).toEqual(['환경 설정', 'bpftrace 실습', '학습 내용']);
    expect([...r1.rules.keys()]).toEqual(['title', 'sections', 'env-fields', 'oneliner-count', 'evidence', 'placeholders', 'links', 'empty-section']);
    expect(r1.rules.get('oneliner-count')).toEqual({ severity: 'error', options: { min: 5, kinds: ['bpftrace'], section: 'bpftrace 실습', ownHeading: true } });
    expect(set.forWeek(3)!.rules.has('hook-points')).toBe(true);
    expect(set.forWeek(4)!.rules.has('terminal-output')).toBe(true);
    for (const w of [5, 6]) expect(set.forWeek(w)!.rules.has('bcc-code')).toBe(true);
    for (const w of [7, 8]) expect(set.forWeek(w)!.rules.has('project-link')).toBe(true);
  });

  it('throws for a directory without rubrics, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rubrics-'));
    await expect(loadRubrics(dir)).rejects.toThrow(/week1\.yml: cannot read/u);
  });

  it('throws for a broken file inside a rubrics directory, naming file and key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rubrics-'));
    for (let w = 1; w <= 8; w++) writeFileSync(join(dir, `week${w}.yml`), readFileSync(join(bundledRubricsDir(), `week${w}.yml`)));
    writeFileSync(join(dir, 'week6.yml'), 'week: 6\ntopic: {ko: a, en: b}\nrules:\n  title: fatal\n');
    await expect(loadRubrics(dir)).rejects.toThrow(/week6\.yml: rules\.title/u);
  });

  it('reads only the weeks asked for: another week\'s broken file is not read, and asking for it is a mistake', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rubrics-'));
    writeFileSync(join(dir, 'week1.yml'), week1);
    writeFileSync(join(dir, 'week6.yml'), 'week: 6\ntopic: {ko: a, en: b}\nrules:\n  title: fatal\n');
    const set = await loadRubrics(dir, [1]);
    expect(set.weeks()).toEqual([1]);
    expect(set.forWeek(1)!.rules.has('oneliner-count')).toBe(true);
    expect(() => set.forWeek(6)).toThrow(/week 6 not loaded/u);
    expect(set.forWeek(9)).toBeNull();
    await expect(loadRubrics(dir, [1, 6])).rejects.toThrow(/week6\.yml: rules\.title/u);
    await expect(loadRubrics(dir, [2])).rejects.toThrow(/week2\.yml: cannot read/u);
  });
});

describe('parseRubric: a bad rubric names the file and the key', () => {
  const cases: [string, string, RegExp][] = [
    ['unknown rule', week1.replace('  links: error', '  linkz: error'), /x\.yml: rules\.linkz: unknown rule/u],
    ['bad severity', week1.replace('  links: error', '  links: fatal'), /x\.yml: rules\.links/u],
    ['bad option type', week1.replace('min: 5', "min: 'five'"), /x\.yml: rules\.oneliner-count\[1\]\.min/u],
    ['unknown option', week1.replace('ownHeading: true', 'ownHeading: true, color: red'), /x\.yml: rules\.oneliner-count\[1\]/u],
    ['bad regex', week1.replace("pattern: '\\d+\\.\\d+'", "pattern: '(['"), /x\.yml: rules\.env-fields\[1\]\.fields\[1\]\.pattern/u],
    ['wrong week', week1.replace('week: 1', 'week: 2'), /x\.yml: week: is 2, but the file is for week 1/u],
    ['not yaml', 'rules: [', /x\.yml: not valid YAML/u],
    ['unknown top-level key', `${week1}\nextra: 1\n`, /x\.yml: /u],
  ];
  it.each(cases)('%s', (_name, text, error) => {
    expect(() => parseRubric(text, 'x.yml', 1)).toThrow(error);
  });

  it('accepts `id: severity`, `[severity]` and `[severity, options]`, and off', () => {
    const r = parseRubric('week: 2\ntopic: {ko: a, en: b}\nrules:\n  title: warning\n  links: [info]\n  hook-points: [off, {min: 2}]\n', 'x.yml');
    expect([...r.rules]).toEqual([
      ['title', { severity: 'warning', options: {} }],
      ['links', { severity: 'info', options: {} }],
      ['hook-points', { severity: 'off', options: { min: 2 } }],
    ]);
  });
});
