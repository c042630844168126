import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/check/types.js';
import { checkMarkdown, type MarkdownCheckInput } from '../../src/rubric/check-markdown.js';
import { loadRubrics, type RubricSet } from '../../src/rubric/load-rubrics.js';
import { treeOf } from './rule-examples.js';

let rubrics: RubricSet;
beforeAll(async () => {
  rubrics = await loadRubrics();
});

const input = (text: string, over: Partial<MarkdownCheckInput> = {}): MarkdownCheckInput => ({
  path: 'study/week1/hgd.md',
  text,
  week: 1,
  member: { name: 'hgd', aliases: ['홍길동'] },
  rubric: rubrics.forWeek(over.week ?? 1)!,
  tree: treeOf(['study/week1/hgd.md']),
  lang: 'ko',
  ...over,
});
const brief = (findings: Finding[]) => findings.map((f) => `${f.line} ${f.severity} ${f.rule}`);
const lineCount = (text: string) => text.split('\n').length;
const withinFile = (findings: Finding[], text: string) =>
  findings.every((f) => f.line === null || (Number.isInteger(f.line) && f.line >= 1 && f.line <= lineCount(text)));

describe('checkMarkdown on real submissions', () => {
  it('the bundled example study/week1/hgd.md passes week 1 with no finding and 5 one-liners', async () => {
    const text = readFileSync(new URL('../../study/week1/hgd.md', import.meta.url), 'utf8');
    const result = await checkMarkdown(input(text));
    expect(result.findings).toEqual([]);
    expect(result.oneLiners.map((o) => o.kind)).toEqual(['bpftrace', 'bpftrace', 'bpftrace', 'bpftrace', 'bpftrace']);
  });

  it('a messy week-1 file: every problem, once, at its line', async () => {
    const text = [
      '# Week1', //                                             1 title: no name
      '',
      '## 1. 환경설정 🛠️', //                                   3 exact after normalizing
      '- OS: Ubuntu 22.04', //                                  4 a common real value: fine alone
      '- Kernel: 6.8.0-45-generic',
      '- 설치 도구:', //                                         6 empty
      '',
      '## bpftrce 실습', //                                      8 near miss
      '',
      '### 1. hello',
      '```',
      "sudo bpftrace -e 'BEGIN { exit(); }'", //              12 no evidence
      '```',
      '### 2. count',
      '```bash',
      "sudo timeout 5 bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'",
      'ls /tmp',
      '```',
      '<img width="400" src="hgd_md/practice_2.png">', //      19 missing image (counts as evidence)
      '',
    ].join('\n');
    const { findings, oneLiners } = await checkMarkdown(input(text));
    expect(oneLiners).toHaveLength(2);
    expect(brief(findings)).toEqual([
      '1 warning title',
      '6 error env-fields',
      '8 warning sections',
      '8 error oneliner-count',
      '12 error evidence',
      '19 error sections', // `## 학습 내용` missing, reported at the last line with content
      '19 error links', // same line: the rubric's rule order
    ]);
    expect(findings.find((f) => f.rule === 'oneliner-count')!.message).toMatch(/^one-liner 2\/5개/u);
    expect(findings.find((f) => f.rule === 'links')!.message).toBe(
      '이미지 `hgd_md/practice_2.png`가 저장소에 없습니다 — `study/week1/hgd_md/practice_2.png` 파일을 함께 커밋했는지 확인해 주세요',
    );
  });

  it('a week-4 heading inside study/week5/ is an error; English messages with lang: en', async () => {
    const text = '# Week 4 - hgd\n\n## Goal\n\nx\n';
    const { findings } = await checkMarkdown(input(text, { path: 'study/week5/hgd.md', week: 5, rubric: rubrics.forWeek(5)!, lang: 'en' }));
    const title = findings.find((f) => f.rule === 'title')!;
    expect(title).toMatchObject({ severity: 'error', line: 1 });
    expect(title.message).toBe('the title says week 4 but the file is in study/week5/: make it `# Week 5 - hgd`');
    // week 5's headings are suggestions: one note, never a warning or an error
    expect(findings.filter((f) => f.rule === 'sections')).toEqual([
      expect.objectContaining({
        severity: 'info',
        message: "the template's headings `## BCC 코드`, `## 실행 결과`, `## 학습 내용` are not used: only a suggestion that does not change the verdict (they help readers find things)",
      }),
    ]);
  });

  it('an NFD-committed Korean alias in the title matches the roster name', async () => {
    const text = `# Week 1 - ${'홍길동'.normalize('NFD')}\n`;
    const { findings } = await checkMarkdown(input(text));
    expect(findings.filter((f) => f.rule === 'title')).toEqual([]);
  });

  it('the rubric severity caps a rule: sections set to info reports infos only', async () => {
    const base = rubrics.forWeek(1)!;
    const rules = new Map(base.rules);
    rules.set('sections', { severity: 'info', options: {} });
    const { findings } = await checkMarkdown(input('# Week 1 - hgd\n', { rubric: { ...base, rules } }));
    const sections = findings.filter((f) => f.rule === 'sections');
    expect(sections).toHaveLength(3);
    expect(sections.every((f) => f.severity === 'info')).toBe(true);
  });

  it('a rule switched off reports nothing', async () => {
    const base = rubrics.forWeek(1)!;
    const rules = new Map(base.rules);
    rules.set('title', { severity: 'off', options: {} });
    const { findings } = await checkMarkdown(input('', { rubric: { ...base, rules } }));
    expect(findings.some((f) => f.rule === 'title')).toBe(false);
  });
});

describe('checkMarkdown never throws on hostile text', () => {
  const cases: [string, () => string][] = [
    ['empty file', () => ''],
    ['only front matter', () => '---\ntitle: week 1\n---\n'],
    ['only toml front matter', () => '+++\ntitle = "x"\n+++'],
    ['NUL and control bytes', () => '# Week 1 - hgd\u0000\u0001\n```bash\nsudo bpftrace -e \'BEGIN{}\'\u0000\n```\n'],
    ['lone surrogates and RTL marks', () => '# \ud800 Week 1 \u202e hgd\n## \udfff\n![](\ud800.png)\n'],
    ['unclosed fence and html', () => "```bash\nsudo bpftrace -e 'BEGIN {\n<img src=\"a.png\n<!-- never closed"],
    ['10,000 headings', () => Array.from({ length: 10_000 }, (_, i) => `## 환경 설정 ${i}\n\ntext\n`).join('\n')],
    ['deeply nested lists and quotes', () => Array.from({ length: 100 }, (_, i) => `${'  '.repeat(i)}- > ${i}`).join('\n')],
    ['a 100 KB line of spaces and colons', () => `## 환경 설정\n${' '.repeat(50_000)}OS${' :'.repeat(25_000)}`],
    ['unclosed <a tags', () => '<a '.repeat(20_000)],
    ['percent garbage in links', () => '[a](%E0%A4%A) ![b](%) [c](../../../../../../etc/passwd) [d](</a b.png>)'],
  ];
  it.each(cases)('%s', async (_name, make) => {
    const text = make();
    const { findings } = await checkMarkdown(input(text));
    expect(withinFile(findings, text)).toBe(true);
    expect(findings.every((f) => typeof f.message === 'string' && f.message.length > 0)).toBe(true);
    expect(findings.filter((f) => f.message.includes('내부 오류'))).toEqual([]);
  });

  // How fast is `npm run bench rubric` ("10,000 headings"); a timed assertion here only
  // measured how busy the machine was. This keeps the shape: one finding per rule, in the file.
  it('10,000 near-miss headings give bounded findings, all inside the file', async () => {
    const text = Array.from({ length: 10_000 }, (_, i) => `## bpftrce 실습 ${i}\n`).join('\n');
    const { findings } = await checkMarkdown(input(text));
    expect(withinFile(findings, text)).toBe(true);
    expect(findings.filter((f) => f.rule === 'sections').length).toBeLessThanOrEqual(3);
  });

  it('a 3 MB file gets one file-size finding and is not parsed', async () => {
    const block = "### n. 실습\n\n```bash\nsudo bpftrace -e 'tracepoint:syscalls:sys_enter_openat { printf(\"%s\\n\", comm); }'\n```\n\n![결과](hgd_md/x.png)\n\n긴 설명 ".padEnd(400, '가') + '\n\n';
    const text = `# Week 1 - hgd\n\n${block.repeat(Math.ceil(3_000_000 / block.length))}`;
    expect(Buffer.byteLength(text)).toBeGreaterThan(3_000_000);
    const { findings, oneLiners } = await checkMarkdown(input(text));
    expect(findings).toEqual([expect.objectContaining({ rule: 'file-size', severity: 'error', line: 1 })]);
    expect(findings[0]!.message).toMatch(/^파일이 너무 큽니다 \(\d+\.\d MiB\) — 주차 노트는 1 MiB 이하/u);
    expect(oneLiners).toEqual([]);
  });

  it('a file just under the limit is fully checked, every finding inside it', async () => {
    const block = "### n. 실습\n\n```bash\nsudo bpftrace -e 'BEGIN { printf(\"x\"); }'\n```\n\n![결과](hgd_md/x.png)\n\n";
    const text = `# Week 1 - hgd\n\n${block.repeat(Math.floor(300_000 / block.length))}`;
    const { findings, oneLiners } = await checkMarkdown(input(text));
    expect(oneLiners.length).toBeGreaterThan(1000);
    expect(withinFile(findings, text)).toBe(true);
  }, 60_000);

  it('property: random markdown never throws and never points outside the file', async () => {
    const piece = fc.oneof(
      fc.constantFrom(
        '# Week 1 - hgd', '## 환경 설정', '## bpftrce 실습', '### 1. x', '## 학습 내용', '- OS: Ubuntu 22.04', '- Kernel:',
        '```bash', '```', '```text', "sudo bpftrace -e 'BEGIN { exit(); }'", "bpftrace -e 'tracepoint:a:b {", "}'",
        '[실행 결과 스크린샷]', '![a](b.png)', '<img src="c d.png">', '{이름}', 'TODO', '---', '| a | b |', '> quote',
        '<!--', '-->', '\\', '', '   ', '\t- item',
      ),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 40 }), fc.constantFrom('\n', '\r\n', '\n\n'), async (pieces, eol) => {
        const text = pieces.join(eol);
        const { findings } = await checkMarkdown(input(text));
        return withinFile(findings, text) && findings.every((f) => !f.message.includes('내부 오류'));
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});
