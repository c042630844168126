import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { statusOf } from '../../src/check/types.js';
import { checkMarkdown } from '../../src/rubric/check-markdown.js';
import { loadRubrics, type RubricSet } from '../../src/rubric/load-rubrics.js';
import { CONTENT_RULES, PLACEHOLDERS, fillTemplate, templatePath } from '../../src/rubric/templates.js';
import { treeOf } from './rule-examples.js';

const WEEKS = [1, 2, 3, 4, 5, 6, 7, 8];
const values = { name: 'hgd', os: 'Ubuntu 24.04.1 LTS', kernel: '6.8.0-45-generic', tools: 'bpftrace v0.20.2, bcc 0.29.1' };

let rubrics: RubricSet;
beforeAll(async () => {
  rubrics = await loadRubrics();
});

const check = (week: number, text: string) =>
  checkMarkdown({
    path: `study/week${week}/hgd.md`,
    text,
    week,
    member: { name: 'hgd', aliases: ['홍길동'] },
    rubric: rubrics.forWeek(week)!,
    tree: treeOf([`study/week${week}/hgd.md`, 'project/hgd/README.md']),
    lang: 'ko',
  });

describe('templates', () => {
  it.each(WEEKS)('week %i, filled in: no error outside the assignment content the member writes', async (week) => {
    const text = fillTemplate(readFileSync(templatePath(week), 'utf8'), values);
    const { findings } = await check(week, text);
    const formProblems = findings.filter((f) => !CONTENT_RULES.has(f.rule));
    expect(formProblems).toEqual([]);
    // What is left is real work: the template's prompts are still there to be replaced, and
    // the week's deliverable (or, for weeks 2-4, its topic) is still missing, so it fails;
    // week 7's deliverable is the project itself, which the filled link already points at.
    expect(findings.some((f) => f.rule === 'placeholders')).toBe(true);
    expect(statusOf(findings)).toBe(week === 7 ? 'warn' : 'fail');
  });

  it.each(WEEKS)('week %i, untouched: fails with the placeholder findings', async (week) => {
    const text = readFileSync(templatePath(week), 'utf8');
    const { findings } = await check(week, text);
    const placeholders = findings.filter((f) => f.rule === 'placeholders').map((f) => f.message);
    expect(placeholders.some((m) => m.includes(PLACEHOLDERS.name))).toBe(true);
    expect(findings.some((f) => f.severity === 'error')).toBe(true);
  });

  it('week 1 is the organizer form: title, 3 sections, 3 fields, 5 numbered one-liner headings', () => {
    const text = readFileSync(templatePath(1), 'utf8');
    const headings = text.split('\n').filter((l) => l.startsWith('#'));
    expect(headings.filter((h) => h.startsWith('## '))).toEqual(['## 환경 설정', '## bpftrace 실습', '## 학습 내용']);
    expect(headings[0]).toBe('# Week 1 - {이름}');
    expect(headings.filter((h) => /^### [1-5]\. /u.test(h))).toHaveLength(5);
    expect(text).toContain('- OS: {OS}\n- Kernel: {Kernel}\n- 설치 도구: {도구}');
    expect(text.match(/```bash\n/gu)).toHaveLength(5);
    expect(text.match(/\[실행 결과 스크린샷\]/gu)).toHaveLength(5);
  });

  it('week 1 filled with 5 one-liners and their outputs passes with no finding', async () => {
    let text = fillTemplate(readFileSync(templatePath(1), 'utf8'), values);
    let n = 0;
    text = text.replace(/# 실행한 one-liner를 여기에 붙여 넣으세요/gu, () => `sudo bpftrace -e 'tracepoint:syscalls:sys_enter_read /pid == ${++n}/ { @ = count(); }'`);
    text = text.replace(/\[실행 결과 스크린샷\]/gu, '```text\nAttaching 1 probe...\n@: 3\n```');
    text = text.replace(/\(여기에 작성\)/gu, 'verifier는 로드 전에 모든 경로를 검사한다');
    const { findings, oneLiners } = await check(1, text);
    expect(oneLiners).toHaveLength(5);
    expect(findings).toEqual([]);
  });

  it('fillTemplate inserts values literally and on one line, leaving unknown placeholders', () => {
    expect(fillTemplate('# Week 1 - {이름}\n- OS: {OS}', { name: '$& {OS}', os: 'Ubuntu\n24.04' })).toBe(
      '# Week 1 - $& {OS}\n- OS: Ubuntu 24.04',
    );
    expect(fillTemplate('- Kernel: {Kernel}', {})).toBe('- Kernel: {Kernel}');
  });

  it('templatePath rejects a week that is not a positive integer', () => {
    expect(() => templatePath(0)).toThrow(RangeError);
    expect(templatePath(3)).toMatch(/templates[/\\]week3\.md$/u);
  });
});
