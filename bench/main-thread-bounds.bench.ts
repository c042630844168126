/**
 * `npm run bench -- bounds`: what the app still does on its event loop with member and guest
 * text, on the largest inputs that can reach it after the caps (docs/untrusted-text.md). The
 * note's parsing, the rubric and the extraction of one-liners run in the worker pool; these
 * run on the loop, so each must stay small whatever a member or a guest sends:
 *
 * - the host's reading of a VM's console (`readConsole`, `acceptGuestResults`: frame, schema,
 *   redaction, caps) at the 4 MiB the host reads, one hostile one-liner or 50 of them;
 * - the /verify reply and Check Run (`renderVerifyComment`, `renderVerifyCheck`, the signed
 *   record) for 50 results (what one request runs) at every cap, hostile text throughout;
 * - the push Check Run (`renderCheckRun`) for a push of 200 notes with 30 findings each, each
 *   message at the 4,000-character cap.
 *
 * Each figure is the slowest of 5 runs after one warm-up, in ms.
 */
import { loadavg } from 'node:os';
import type { FileReport } from '../src/check/types.js';
import type { OneLiner } from '../src/oneliners/types.js';
import { trustConfig } from '../src/push-check/config-trust.js';
import { renderCheckRun } from '../src/push-check/render-check-run.js';
import type { VerifyReport, VerifyResult } from '../src/runner/report-schema.js';
import { renderVerifyCheck, renderVerifyComment, type VerifyView } from '../src/verify/render-verify.js';
import { stampRecord, verifyRecordSeal } from '../src/verify/verify-record.js';
import { STUDY_YML, studyConfig } from '../test/helpers/attendance-study.js';
import { hostileConsole, hostReads, HOSTILE_RESULT } from '../test/helpers/compromised-guest.js';
import { FAKE_RUNNER } from '../test/helpers/verify-fake-verifier.js';

const RUNS = 5;

function slowest(work: () => unknown): number {
  work();
  let worst = 0;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    work();
    worst = Math.max(worst, performance.now() - started);
  }
  return +worst.toFixed(1);
}

/** Hostile text of `n` characters: blanks, `eyJ-`, newlines, invisible and tag characters, links. */
function hostile(n: number): string {
  const unit = `${' '.repeat(40)}eyJ-eyJ-eyJ-\n@team #12 www.x.example \u200b\u202e${String.fromCodePoint(0xe0041)}|<b>\`\`\``;
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

const oneLiner = (i: number): OneLiner =>
  ({ kind: 'bpftrace', line: 10 + i * 8, endLine: 10 + i * 8, heading: hostile(200), command: `sudo bpftrace -e 'BEGIN { @x = ${i}; }' ${hostile(900)}` }) as unknown as OneLiner;

export async function benchMainThreadBounds() {
  const load = loadavg()[0]!.toFixed(2);
  const out: { name: string; figures: Record<string, number | string> }[] = [];

  // The host's reading of a compromised guest's 4 MiB console.
  const one = [oneLiner(0)];
  const consoleOne = await hostileConsole(one);
  const fifty = Array.from({ length: 50 }, (_, i) => oneLiner(i));
  // 50 hostile results must share the 4 MiB: each field smaller, the same shape
  const consoleFifty = await hostileConsole(fifty, undefined, {
    ...HOSTILE_RESULT,
    message: HOSTILE_RESULT.message!.slice(0, 8_000),
    hint: HOSTILE_RESULT.hint!.slice(0, 4_000),
    rule: HOSTILE_RESULT.rule!.slice(0, 4_000),
    output: HOSTILE_RESULT.output!.map((l) => l.slice(0, 1_000)),
  });
  out.push({
    name: 'host reads a compromised guest\'s 4 MiB console (readConsole + acceptGuestResults)',
    figures: {
      'console (bytes)': consoleOne.reduce((n, c) => n + c.length, 0),
      '1 one-liner, 512 KiB message (ms)': slowest(() => hostReads(consoleOne, one)),
      '50 one-liners (ms)': slowest(() => hostReads(consoleFifty, fifty)),
      'load (1 min)': load,
    },
  });

  // The /verify reply and Check Run for one request's most: 50 results at every cap.
  const results: VerifyResult[] = hostReads(consoleFifty, fifty);
  const report: VerifyReport = { runner: { ...FAKE_RUNNER }, results };
  const view: VerifyView = { webOrigin: 'https://github.com', owner: 'o', repo: 'r', path: 'study/week1/hgd.md', sha: 'a'.repeat(40), requester: 'kim', requestId: 'ic1', lang: 'ko' };
  const seal = verifyRecordSeal(['k'], { owner: 'o', repo: 'r' });
  const outcome = { kind: 'report' as const, report };
  out.push({
    name: '/verify reply and Check Run, 50 hostile results at the caps',
    figures: {
      'reply + record (ms)': slowest(() => stampRecord(renderVerifyComment(view, outcome), { requestId: 'ic1', requester: 'kim', state: 'done', lang: 'ko' }, seal)),
      'Check Run (ms)': slowest(() => renderVerifyCheck(view, outcome, 'failure')),
      'reply (chars)': renderVerifyComment(view, outcome).length,
      'load (1 min)': load,
    },
  });

  // The push Check Run for a push of 200 notes, 30 findings each at the message cap.
  const config = studyConfig();
  const reports: FileReport[] = Array.from({ length: 200 }, (_, f) => ({
    path: `study/week1/m${f}.md`, kind: 'submission', week: 1, member: `m${f}`, status: 'fail', oneliners: 1,
    findings: Array.from({ length: 30 }, (_, i) => ({ rule: i % 2 ? 'sections' : 'placeholders', severity: i % 3 ? 'warning' : 'error', message: hostile(4_000), line: i + 1 }) as FileReport['findings'][number]),
  }));
  const render = () =>
    renderCheckRun({
      lang: 'ko', repoHtmlUrl: 'https://github.com/o/r', before: 'b'.repeat(40), after: 'a'.repeat(40), pusherLogin: 'kim',
      configPath: '.github/study.yml', reports, wiped: [],
      config: trustConfig({ afterText: STUDY_YML, changed: false, pusherIsOrganizer: null }), configExists: true, notes: [], checks: config.checks,
    });
  out.push({
    name: 'push Check Run, 200 notes x 30 findings of 4,000 characters',
    figures: { 'render (ms)': slowest(render), 'load (1 min)': load },
  });
  return out;
}
