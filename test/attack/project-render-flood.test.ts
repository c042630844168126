/**
 * Attack review (thirteenth round, `/verify project` rendering): a compromised guest's answer at
 * every cap of guestProjectReportSchema, fed to projectReport and the renderers that run on the
 * bot's event loop (the reply comment, the Check Run, the CLI text). The member's folder sends
 * 16 libbpf sources (MAX_PROJECT_PROGRAMS, the recorded null-check.bpf.c of
 * test/fixtures/project/broken); the guest answers each with 64 rejected programs, every text
 * field at its cap, built from the recorded 6.1 answer (test/fixtures/project/verdicts/broken.json).
 * Also checks that guest text (program names, sections, log lines) cannot mention or link
 * another member in the reply.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectProject, type ProjectFiles } from '../../src/project/collect-sources.js';
import { guestProjectReportSchema, MAX_PROJECT_PROGRAMS } from '../../src/project/project-request.js';
import { renderProjectText } from '../../src/project/render-project.js';
import { projectReport } from '../../src/project/verify-project.js';
import type { ProjectVmRun } from '../../src/runner/vm/verify-in-vm.js';
import { renderProjectCheck, renderProjectComment } from '../../src/verify/render-verify-project.js';
import type { VerifyView } from '../../src/verify/render-verify.js';

const ROOT = 'projects/kim';
const recorded = JSON.parse(readFileSync('test/fixtures/project/verdicts/broken.json', 'utf8')) as { runs: ProjectVmRun[] };
const nullCheck = recorded.runs[0]!.project!.results.find((r) => r.path === 'null-check.bpf.c')!;
const source = readFileSync('test/fixtures/project/broken/null-check.bpf.c', 'utf8');
const names = Array.from({ length: MAX_PROJECT_PROGRAMS }, (_, i) => `p${i}.bpf.c`);

function folder(): ProjectFiles {
  const files = new Map(names.map((n): [string, string] => [`${ROOT}/${n}`, source]));
  return {
    list: () => [...files].map(([path, text]) => ({ path, size: Buffer.byteLength(text) })),
    read: (path, max) => (files.has(path) ? new TextEncoder().encode(files.get(path)!).subarray(0, max) : null),
  };
}

const fill = (line: string, max: number) => {
  let s = '';
  while (s.length + line.length + 1 <= max) s += `${line}\n`;
  return s;
};

/** Every field at its cap: logs of 8,000 characters of the recorded lines plus mentions and backticks. */
function hostileRun(mention: string): ProjectVmRun {
  const p0 = nullCheck.programs[0]!;
  const hostileLine = `R1 invalid mem access 'scalar' \`) ${mention} [x](https://evil.example) <img src=x> ((((((((`;
  const log = fill(`${p0.log.split('\n').slice(-3).join('\n')}\n${hostileLine}`, 8_000).slice(0, 8_000);
  const program = {
    ...p0,
    name: `${mention}\`${'('.repeat(100)}`.padEnd(256, '(').slice(0, 256),
    section: `xdp ${mention} \` ${'('.repeat(240)}`.slice(0, 256),
    log,
    log4: log,
    libbpf: fill(`libbpf: ${mention} ((((`, 2_000),
    stats: p0.stats,
  };
  const result = (path: string) => ({ ...nullCheck, path, programs: Array.from({ length: 64 }, () => program), loadError: `(${'('.repeat(3_970)} within 9 s` });
  const project = guestProjectReportSchema.parse({ kernel: `6.1.0 ${mention}`.slice(0, 200), clang: `clang ${mention}`, results: names.map(result) });
  return { ...recorded.runs[0]!, project, failure: null };
}

const view: VerifyView = { webOrigin: 'https://github.com', owner: 'o', repo: 'r', path: ROOT, sha: 'a'.repeat(40), requester: 'kim', requestId: 'ic1', lang: 'ko', kernelLabel: null, project: true };

describe('attack: a guest answer at every cap, rendered on the event loop', () => {
  it('report + comment + Check Run + CLI text of 1,024 capped rejections stay well under a second of CPU each', () => {
    const collected = collectProject(ROOT, folder());
    expect(collected.payload!.sources.length).toBe(MAX_PROJECT_PROGRAMS);
    const runs = [hostileRun('@lee'), hostileRun('@park')];
    let t = process.cpuUsage();
    const cpu = () => { const u = process.cpuUsage(t); t = process.cpuUsage(); return (u.user + u.system) / 1000; };
    const report = projectReport(ROOT, collected, collected.payload!, runs, 1);
    const reportMs = cpu();
    expect(report.entries.filter((e) => e.status === 'rejected').length).toBe(1024);
    const results: Record<string, number> = { reportMs };
    for (const lang of ['ko', 'en'] as const) {
      renderProjectComment({ ...view, lang }, { kind: 'project', report });
      results[`comment-${lang}`] = cpu();
      renderProjectCheck({ ...view, lang }, { kind: 'project', report }, 'failure');
      results[`check-${lang}`] = cpu();
    }
    renderProjectText(report, {});
    results.text = cpu();
    console.log('CPU ms', JSON.stringify(results));
    for (const [k, ms] of Object.entries(results)) expect(ms, k).toBeLessThan(1_000);
  }, 300_000);

  it('guest text cannot mention, link or format in the reply comment', () => {
    const collected = collectProject(ROOT, folder());
    const report = projectReport(ROOT, collected, collected.payload!, [hostileRun('@lee')], 1);
    for (const lang of ['ko', 'en'] as const) {
      const comment = renderProjectComment({ ...view, lang }, { kind: 'project', report });
      // Outside code spans / fences, no live @lee and no link to evil.example.
      const outside = comment.replace(/(`+)text\n[\s\S]*?\n\1/g, '').replace(/\\`/g, '').replace(/`[^`\n]*`/g, '');
      expect(outside).not.toMatch(/(^|[^\w\\])@lee\b/);
      expect(outside).not.toContain('](https://evil.example)');
      expect(outside).not.toContain('<img');
    }
  });
});
