import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { checkFiles } from '../../src/check/check-files.js';
import type { FileReport, FileStatus } from '../../src/check/types.js';
import { parseConfig } from '../../src/config/load-config.js';

/**
 * The rubrics against an organizer's judgement: test/fixtures/corpus/labels.yml labels each
 * note of the corpus pass/warn/fail, with a reason, written before the rules were tuned.
 * The test runs the real checker (path rules and week rubrics) on every note and reports
 * the agreement and each disagreement. It fails below THRESHOLD: the rules may disagree with
 * an organizer on a hard case, but not on many.
 */
const THRESHOLD = 0.9;

interface LabelledNote {
  file: string;
  path: string;
  tree?: string[];
  label: FileStatus;
  reason: string;
}
interface Labels {
  roster: { login: string; name: string; aliases: string[] }[];
  notes: LabelledNote[];
  /** written and labelled after the rules were tuned on `notes`; never tuned on */
  holdout: LabelledNote[];
}

const corpus = (name: string) => new URL(`../fixtures/corpus/${name}`, import.meta.url);
const labels = parseYaml(readFileSync(corpus('labels.yml'), 'utf8')) as Labels;

/** A file's verdict: a submission's status; for a file the bot cannot count, fail if it says so. */
const verdictOf = (report: FileReport): FileStatus =>
  report.status ??
  (report.findings.some((f) => f.severity === 'error') ? 'fail' : report.findings.some((f) => f.severity === 'warning') ? 'warn' : 'pass');

async function judgeCorpus(notes: readonly LabelledNote[] = labels.notes, folder = 'notes') {
  const config = parseConfig(`language: ko\nmembers:\n${labels.roster.map((m) => `  - { login: ${m.login}, name: ${m.name}, aliases: [${m.aliases.join(', ')}] }`).join('\n')}\n`);
  if (!config.ok) throw new Error(JSON.stringify(config.problems));
  const results = [];
  for (const note of notes) {
    const content = new Uint8Array(readFileSync(corpus(`${folder}/${note.file}`)));
    const paths = new Set([note.path, ...(note.tree ?? [])]);
    const [report] = await checkFiles({
      files: [{ path: note.path, content }],
      tree: { has: (p) => paths.has(p), paths: () => paths },
      config: config.config,
    });
    results.push({ note, report: report!, verdict: verdictOf(report!) });
  }
  return results;
}

/** `agreed/total` and one block per disagreement, with the findings behind the verdict. */
function agreement(results: Awaited<ReturnType<typeof judgeCorpus>>) {
  const disagreements = results.filter((r) => r.verdict !== r.note.label);
  const lines = disagreements.map(
    ({ note, verdict, report }) =>
      `  ${note.file}: organizer ${note.label}, rubric ${verdict} — ${note.reason}\n` +
      report.findings.filter((f) => f.severity !== 'info').map((f) => `      ${f.severity} ${f.rule}: ${f.message}`).join('\n'),
  );
  return { agreed: results.length - disagreements.length, total: results.length, lines };
}

describe('the rubrics agree with an organizer on the labelled corpus', () => {
  it(`agrees on at least ${THRESHOLD * 100}% of the notes, and lists every disagreement`, async () => {
    const { agreed, total, lines } = agreement(await judgeCorpus());
    console.log(`corpus agreement: ${agreed}/${total}\n${lines.join('\n')}`);
    expect(total).toBeGreaterThanOrEqual(40);
    expect(agreed / total, lines.join('\n')).toBeGreaterThanOrEqual(THRESHOLD);
  }, 60_000);

  // The held-out notes say how the rules do on notes they were not tuned on. Their figure is
  // reported, and held to a lower bar: a few hard cases there are expected and listed.
  it('reports the agreement on the held-out notes, and keeps it above 2/3', async () => {
    const { agreed, total, lines } = agreement(await judgeCorpus(labels.holdout, 'holdout'));
    console.log(`held-out agreement: ${agreed}/${total}\n${lines.join('\n')}`);
    expect(total).toBeGreaterThanOrEqual(10);
    expect(agreed / total, lines.join('\n')).toBeGreaterThanOrEqual(2 / 3);
  }, 60_000);

  it('never fails a note the organizer passed, and never passes one the organizer failed', async () => {
    const results = await judgeCorpus();
    const opposite = results.filter(
      (r) => (r.note.label === 'pass' && r.verdict === 'fail') || (r.note.label === 'fail' && r.verdict === 'pass'),
    );
    expect(opposite.map((r) => `${r.note.file}: organizer ${r.note.label}, rubric ${r.verdict}`)).toEqual([]);
  }, 60_000);

  it('every finding of a failed or warned note says what to add or change (no bare "missing")', async () => {
    const results = await judgeCorpus();
    const bare = results.flatMap((r) =>
      r.report.findings.filter((f) => f.severity !== 'info' && !/—|:|→/u.test(f.message)).map((f) => `${r.note.file}: ${f.message}`),
    );
    expect(bare).toEqual([]);
  }, 60_000);
});
