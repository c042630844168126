import { readFileSync } from 'node:fs';
import { checkMarkdown } from '../src/rubric/check-markdown.js';
import { loadRubrics } from '../src/rubric/load-rubrics.js';
import { fillTemplate, templatePath } from '../src/rubric/templates.js';

/**
 * Files per second of the rubric engine on a realistic corpus: the bundled example
 * submission, each week's template filled in, and week-1 variants with the mistakes members
 * really make (typo'd sections, missing results, 4 one-liners, `<img>` tags).
 */
export async function bench(): Promise<{ name: string; figures: Record<string, number | string> }[]> {
  const rubrics = await loadRubrics();
  const example = readFileSync(new URL('../study/week1/hgd.md', import.meta.url), 'utf8');
  const values = { name: 'hgd', os: 'Ubuntu 24.04.1 LTS', kernel: '6.8.0-45-generic', tools: 'bpftrace v0.20.2, bcc 0.29.1' };
  const corpus: { week: number; text: string }[] = [{ week: 1, text: example }];
  for (let week = 1; week <= 8; week++) corpus.push({ week, text: fillTemplate(readFileSync(templatePath(week), 'utf8'), values) });
  corpus.push({ week: 1, text: example.replace('## bpftrace 실습', '## bpftrce 실습').replace(/```text[\s\S]*?```/u, '<img src="hgd_md/1.png">') });
  corpus.push({ week: 1, text: example.replace(/### 5\.[\s\S]*?## 학습 내용/u, '## 학습 내용').replace('# Week 1 - hgd', '# Week1') });
  const tree = { has: () => false, paths: () => ['study/week1/hgd.md'] };
  const run = (c: (typeof corpus)[number]) =>
    checkMarkdown({ path: `study/week${c.week}/hgd.md`, text: c.text, week: c.week, member: { name: 'hgd', aliases: [] }, rubric: rubrics.forWeek(c.week)!, tree, lang: 'ko' });

  for (const c of corpus) await run(c); // warm-up: grammar load, JIT
  const rounds = 30;
  let findings = 0;
  const started = performance.now();
  for (let i = 0; i < rounds; i++) for (const c of corpus) findings += (await run(c)).findings.length;
  const seconds = (performance.now() - started) / 1000;
  const files = rounds * corpus.length;
  const bytes = corpus.reduce((n, c) => n + Buffer.byteLength(c.text), 0) * rounds;
  // The labelled corpus of members' notes (weeks 1-8), as the topic rule reads it.
  const labels = readFileSync(new URL('../test/fixtures/corpus/labels.yml', import.meta.url), 'utf8');
  const notes = [...labels.matchAll(/- file: (\S+)\n\s+path: study\/week(\d)\//gu)].map((m) => ({
    week: Number(m[2]),
    text: readFileSync(new URL(`../test/fixtures/corpus/${m[1]!.startsWith('h-') ? 'holdout' : 'notes'}/${m[1]}`, import.meta.url), 'utf8'),
  }));
  for (const c of notes) await run(c);
  const corpusStarted = performance.now();
  for (let i = 0; i < 10; i++) for (const c of notes) await run(c);
  const corpusSeconds = (performance.now() - corpusStarted) / 1000;
  // Hostile: 10,000 near-miss headings (section matching must stay linear).
  const headings = Array.from({ length: 10_000 }, (_, i) => `## bpftrce 실습 ${i}\n`).join('\n');
  const hostileStarted = performance.now();
  await run({ week: 1, text: headings });
  await run({ week: 2, text: headings });
  const hostileMs = (performance.now() - hostileStarted) / 2;
  return [
    {
      name: 'rubric engine on the labelled corpus (weeks 1-8, members\' own styles)',
      figures: { files: notes.length * 10, 'ms/file': Number(((corpusSeconds * 1000) / (notes.length * 10)).toFixed(2)) },
    },
    {
      name: 'rubric engine, 10,000 near-miss headings (weeks 1 and 2)',
      figures: { 'ms/file': Math.round(hostileMs) },
    },
    {
      name: 'rubric engine (checkMarkdown)',
      figures: {
        files,
        'files/s': Math.round(files / seconds),
        'KB/s': Math.round(bytes / 1024 / seconds),
        'ms/file': Number(((seconds * 1000) / files).toFixed(2)),
        'findings/file': Number((findings / files).toFixed(1)),
      },
    },
  ];
}
