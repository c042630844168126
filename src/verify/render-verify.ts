import type { Language } from '../config/schema.js';
import type { VerifyAnnotation, VerifyCheckOutput } from '../github/verify-study-repository.js';
import { markerFor } from '../github/marker-comment.js';
import { fitText, GITHUB_TEXT_LIMIT, textLength } from '../github/text-limits.js';
import { pick, type Bilingual } from '../i18n/pick.js';
import type { OneLiner } from '../oneliners/types.js';
import type { RunStatus, VerifyReport, VerifyResult } from '../runner/report-schema.js';
import { capText, codeText, shownText, TEXT_CAPS, withoutInvisible, withoutLinks } from '../text/shown-text.js';
import { statusLabel } from '../runner/status-labels.js';
import { renderProjectCheck, renderProjectComment, type ProjectOutcome } from './render-verify-project.js';

export const CHECK_RUN_NAME = 'study-bot / one-liner 검증';

/**
 * A `/verify` Check Run's name: the kind and who asked. Its commit is the one the note was read
 * at (a commit comment's, or whatever heads the default branch), often another member's push;
 * GitHub shows the newest run of a name on a commit, so under one shared name a member's
 * failing run replaced the ✅ another member earned there (the second attack review's Medium).
 */
export const verifyCheckName = (base: string, requester: string): string => `${base} (@${requester})`;

/** What a rendering is about: one file at one commit, asked for by one member. */
export interface VerifyView {
  /** https://github.com, or a GitHub Enterprise Server's origin */
  webOrigin: string;
  owner: string;
  repo: string;
  path: string;
  sha: string;
  requester: string;
  requestId: string;
  lang: Language;
  kernelLabel?: string | null;
  /** `/verify project`: `path` is the project folder */
  project?: boolean;
}

/**
 * The finished state: the runner's report, or a problem that stopped the run (then each
 * one-liner that was sent is shown as a runner error, with the problem as its message).
 */
export type VerifyOutcome =
  | { kind: 'report'; report: VerifyReport; notes?: Bilingual[] }
  | { kind: 'failed'; problem: Bilingual; oneLiners: readonly OneLiner[]; runUrl?: string | null }
  | ProjectOutcome;

/** The outcomes the one-liner table renders (a project's report has its own renderer). */
type OneLinerOutcome = Exclude<VerifyOutcome, ProjectOutcome>;

export const verifyMarker = (requestId: string): string => `${markerFor('verify')}<!-- request:${requestId} -->`;

const OUTPUT_LINES = 8;
const CELL_CHARS = 160;

/**
 * Text that goes into a table cell: one line, no table or HTML syntax, nothing invisible, no
 * @mentions, references or links (shown-text.ts). The text is cut before anything reads it:
 * what a cell shows of it is `max` characters, so four times that is plenty to collapse blanks.
 */
export function cell(text: string, max = CELL_CHARS): string {
  const line = withoutInvisible(capText(text, 4 * max)).replace(/(?<!\s)\s*\n\s*/g, ' ⏎ ').trim();
  return withoutLinks(capText(line, max))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1');
}

/** A code fence longer than any backtick run inside, so output can never close it early. */
export function fenced(lines: readonly string[], lang = 'text'): string {
  const body = lines.join('\n');
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${body}\n${fence}`;
}

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');
export const lineLink = (v: VerifyView, line: number, endLine?: number): string =>
  `${v.webOrigin}/${v.owner}/${v.repo}/blob/${v.sha}/${encodePath(v.path)}#L${line}${endLine && endLine > line ? `-L${endLine}` : ''}`;

const resultsOf = (outcome: OneLinerOutcome, lang: Language): VerifyResult[] =>
  outcome.kind === 'report'
    ? outcome.report.results
    : outcome.oneLiners.map((o) => ({
        line: o.line,
        endLine: o.endLine,
        heading: o.heading,
        command: o.command,
        kind: o.kind,
        status: 'runner-error' as const,
        events: 0,
        message: pick(lang, outcome.problem),
        output: [],
        durationMs: 0,
      }));

function counts(results: readonly VerifyResult[]): Map<RunStatus, number> {
  const map = new Map<RunStatus, number>();
  for (const r of results) map.set(r.status, (map.get(r.status) ?? 0) + 1);
  return map;
}

function tally(results: readonly VerifyResult[], lang: Language): string {
  return [...counts(results)].map(([status, n]) => `${statusLabel(status, lang)} ${n}`).join(' · ');
}

function detailOf(r: VerifyResult, lang: Language): string {
  if (r.status === 'ok') return pick(lang, { ko: `이벤트 ${r.events}개`, en: `${r.events} event${r.events === 1 ? '' : 's'}` });
  // cut before split: cell() cuts again, this only bounds the work
  const parts = [capText(r.message, TEXT_CAPS.message).split('\n')[0]];
  if (r.rule) parts.push(pick(lang, { ko: `규칙: ${capText(r.rule, 100)}`, en: `rule: ${capText(r.rule, 100)}` }));
  if (r.hint) parts.push(`💡 ${capText(r.hint, TEXT_CAPS.hint)}`);
  return parts.filter(Boolean).join(' — ');
}

function table(v: VerifyView, results: readonly VerifyResult[]): string[] {
  const head = pick(v.lang, { ko: '| # | one-liner | 결과 | 이벤트 / 메시지 |', en: '| # | one-liner | result | events / message |' });
  const rows = results.map((r, i) => {
    const title = r.heading ? cell(r.heading, 60) : pick(v.lang, { ko: '(제목 없음)', en: '(no heading)' });
    return `| ${i + 1} | [L${r.line}](${lineLink(v, r.line, r.endLine)}) ${title} | ${statusLabel(r.status, v.lang)} | ${cell(detailOf(r, v.lang))} |`;
  });
  return [head, '|---|---|---|---|', ...rows];
}

function details(v: VerifyView, results: readonly VerifyResult[], outputLines: number): string[] {
  const blocks: string[] = [];
  results.forEach((r, i) => {
    const text = capText(r.message, TEXT_CAPS.message);
    const message = r.status !== 'ok' && text.includes('\n') ? text.split('\n').slice(0, 12).map((l) => codeText(l, TEXT_CAPS.outputLine)) : [];
    const output = r.output.slice(0, outputLines).map((l) => codeText(l, TEXT_CAPS.outputLine));
    if (message.length === 0 && output.length === 0) return;
    const more = r.output.length > output.length || r.truncated ? pick(v.lang, { ko: ' (일부)', en: ' (excerpt)' }) : '';
    // a row without a heading is named by its number, never `#1`: GitHub links `#1` to issue 1, even in <summary>
    const summary = `${r.heading ? cell(r.heading, 60) : `(${i + 1}) L${r.line}`} — ${pick(v.lang, { ko: '출력', en: 'output' })}${more}`;
    blocks.push('<details>', `<summary>${summary}</summary>`, '', fenced([codeText(capText(r.command, 1000).split('\n')[0]!, 200)], 'bash'));
    if (message.length) blocks.push('', fenced(message));
    if (output.length) blocks.push('', fenced(output));
    blocks.push('', '</details>');
  });
  return blocks;
}

/** The runs of a report: one per kernel when several were asked for. */
const kernelRuns = (report: VerifyReport): { runner: VerifyReport['runner']; results: VerifyResult[] }[] =>
  report.kernels && report.kernels.length > 1 ? report.kernels : [{ runner: report.runner, results: report.results }];

/** Every result of every kernel: what the Check Run's conclusion weighs. */
const allResults = (outcome: OneLinerOutcome, lang: Language): VerifyResult[] =>
  outcome.kind === 'report' ? kernelRuns(outcome.report).flatMap((run) => run.results) : resultsOf(outcome, lang);

/** One row per one-liner, one column per kernel: the same program on each kernel side by side. */
function kernelTable(v: VerifyView, report: VerifyReport): string[] {
  const runs = kernelRuns(report);
  const head = `| # | one-liner | ${runs.map((run) => `\`${cell(run.runner.kernel, 40)}\``).join(' | ')} |`;
  const rows = report.results.map((r, i) => {
    const title = r.heading ? cell(r.heading, 60) : pick(v.lang, { ko: '(제목 없음)', en: '(no heading)' });
    const cells = runs.map((run) => {
      const result = run.results[i];
      return result ? `${statusLabel(result.status, v.lang)}${result.status === 'ok' ? '' : ` — ${cell(detailOf(result, v.lang), 120)}`}` : '—';
    });
    return `| ${i + 1} | [L${r.line}](${lineLink(v, r.line, r.endLine)}) ${title} | ${cells.join(' | ')} |`;
  });
  return [head, `|---|---|${runs.map(() => '---|').join('')}`, ...rows];
}

function runnerLine(v: VerifyView, outcome: OneLinerOutcome): string | null {
  if (outcome.kind !== 'report') return null;
  return kernelRuns(outcome.report).map((run) => runnerParts(v, run.runner)).join('\n');
}

function runnerParts(v: VerifyView, runner: VerifyReport['runner']): string {
  const yes = (b: boolean) => (b ? '✅' : '❌');
  const where = runner.isolation === 'vm'
    ? pick(v.lang, { ko: `VM${runner.accel === 'tcg' ? ' (전체 에뮬레이션)' : runner.accel === 'kvm' ? ' (KVM)' : ''}`, en: `VM${runner.accel === 'tcg' ? ' (full emulation)' : runner.accel === 'kvm' ? ' (KVM)' : ''}` })
    : runner.isolation === 'host' ? pick(v.lang, { ko: '호스트', en: 'host' }) : null;
  const parts = [
    ...(where ? [where] : []),
    `kernel \`${cell(runner.kernel, 60)}\``,
    `bpftrace \`${cell(runner.bpftrace ?? pick(v.lang, { ko: '없음', en: 'none' }), 40)}\``,
    `BTF ${yes(runner.btf)}`,
  ];
  if (runner.kprobes !== undefined) parts.push(`kprobes ${yes(runner.kprobes)}`);
  if (runner.arch) parts.push(cell(runner.arch, 20));
  if (v.kernelLabel && runner.isolation !== 'vm') parts.push(pick(v.lang, { ko: `레이블 \`${v.kernelLabel}\``, en: `label \`${v.kernelLabel}\`` }));
  const time = vmTimeText(runner, v.lang);
  if (time) parts.push(time);
  return `${pick(v.lang, { ko: '러너', en: 'Runner' })}: ${parts.join(' · ')}`;
}

/** Where the VM's time went (issue 18): how it started, then start, compile+attach, run. */
export function vmTimeText(runner: VerifyReport['runner'], lang: Language): string | null {
  if (runner.isolation !== 'vm' || (!runner.vmStart && !runner.timing)) return null;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const how = runner.vmStart ? pick(lang, VM_START_WORDS[runner.vmStart]) : null;
  const t = runner.timing;
  const split = t
    ? pick(lang, { ko: `시작 ${s(t.startMs)}, 컴파일+부착 ${s(t.attachMs)}, 실행 ${s(t.runMs)}`, en: `start ${s(t.startMs)}, compile+attach ${s(t.attachMs)}, run ${s(t.runMs)}` })
    : null;
  return `⏱ ${[how, split].filter(Boolean).join(': ')}`;
}

/** The report's vmStart in words: pooled, restored, cold. */
export const VM_START_WORDS = {
  pool: { ko: '대기 중이던 게스트(pooled)', en: 'pooled guest' },
  snapshot: { ko: '스냅샷 복원(restored)', en: 'restored snapshot' },
  boot: { ko: '콜드 부팅(cold)', en: 'cold boot' },
} as const;

function heading(v: VerifyView): string {
  if (v.project) {
    const folder = `\`${cell(v.path, 120)}\``;
    return pick(v.lang, { ko: `### 🔬 프로젝트 검증 — ${folder} @ \`${v.sha.slice(0, 7)}\``, en: `### 🔬 project verification — ${folder} @ \`${v.sha.slice(0, 7)}\`` });
  }
  const file = `[\`${cell(v.path, 120)}\`](${v.webOrigin}/${v.owner}/${v.repo}/blob/${v.sha}/${encodePath(v.path)})`;
  return pick(v.lang, {
    ko: `### 🔬 one-liner 검증 — ${file} @ \`${v.sha.slice(0, 7)}\``,
    en: `### 🔬 one-liner verification — ${file} @ \`${v.sha.slice(0, 7)}\``,
  });
}

/**
 * Hidden in the ⏳ comment only (a result replaces it): who asked and until when. A bot that
 * restarted knows nothing of its pending requests; this lets the member's next `/verify`
 * find and close out a ⏳ that will never be answered (sweep-stale-comments.ts).
 */
export const pendingMarker = (requester: string, deadline: number): string =>
  `<!-- verify-pending requester:${requester} deadline:${new Date(deadline).toISOString()} -->`;

export interface PendingMark {
  requestId: string;
  requester: string;
  deadline: number;
}

/**
 * The pending mark of a bot comment body, or null when it is not a ⏳ /verify comment. Read
 * from the first line only, where the bot writes it: a result quotes a member's output below,
 * and a mark there is the member's text. Unsigned: nothing that acts on another member's
 * behalf may trust it (the sweep reads the signed record, verify-record.ts).
 */
export function parsePendingMark(body: string): PendingMark | null {
  if (!body.startsWith(markerFor('verify'))) return null;
  const end = body.indexOf('\n');
  const head = end < 0 ? body : body.slice(0, end);
  const request = /^<!-- study-bot:verify --><!-- request:([a-z]{2}\d{1,20}) -->/.exec(head);
  const mark = /<!-- verify-pending requester:([A-Za-z0-9-]+(?:\[bot\])?) deadline:(\d{4}-\d{2}-\d{2}T[\d:.]+Z) -->/.exec(head);
  if (!request || !mark) return null;
  const deadline = Date.parse(mark[2]);
  return Number.isNaN(deadline) ? null : { requestId: request[1], requester: mark[1], deadline };
}

/** The comment posted at once, edited into the result later. */
export function renderPending(v: Pick<VerifyView, 'requestId' | 'requester' | 'lang'> & { deadline?: number }, note?: Bilingual): string {
  return [
    verifyMarker(v.requestId) + (v.deadline === undefined ? '' : pendingMarker(v.requester, v.deadline)),
    pick(v.lang, { ko: `⏳ 검증 중… (@${v.requester} 님의 요청)`, en: `⏳ Verifying… (asked by @${v.requester})` }),
    ...(note ? ['', pick(v.lang, note)] : []),
  ].join('\n');
}

/** A request that stopped before anything ran (file not found, no one-liners): the comment says why. */
export function renderProblem(v: Pick<VerifyView, 'lang' | 'requestId'>, problem: Bilingual): string {
  return [verifyMarker(v.requestId), pick(v.lang, { ko: `⚠️ 검증하지 못했습니다: ${pick('ko', problem)}`, en: `⚠️ Nothing was verified: ${pick('en', problem)}` })].join('\n');
}

/** A ⏳ left behind (bot restarted, or a result that never came): closed out when the member asks again. */
export function renderAbandoned(v: Pick<VerifyView, 'lang' | 'requestId' | 'requester'>): string {
  return [
    verifyMarker(v.requestId),
    pick(v.lang, {
      ko: `⏱ 이 요청(${v.requester} 님)은 결과 없이 끝났습니다: 러너가 응답하지 않았거나 그 사이 봇이 다시 시작됐습니다. 새 요청의 결과를 확인해 주세요.`,
      en: `⏱ This request (by ${v.requester}) ended without a result: the runner did not answer, or the bot restarted meanwhile. See the newer request's result.`,
    }),
  ].join('\n');
}

function body(v: VerifyView, outcome: OneLinerOutcome, outputLines: number, withDetails: boolean): string {
  const results = resultsOf(outcome, v.lang);
  const lines = [verifyMarker(v.requestId), heading(v), ''];
  if (outcome.kind === 'failed') {
    lines.push(pick(v.lang, { ko: `💥 러너에서 결과를 받지 못했습니다: ${pick('ko', outcome.problem)}`, en: `💥 No result came back from the runner: ${pick('en', outcome.problem)}` }));
    if (outcome.runUrl) lines.push(pick(v.lang, { ko: `실행 기록: ${outcome.runUrl}`, en: `Run: ${outcome.runUrl}` }));
    lines.push('');
  }
  for (const note of outcome.kind === 'report' ? (outcome.notes ?? []) : []) lines.push(`> ${pick(v.lang, note)}`, '');
  if (results.length === 0 && v.project) {
    // A project request that never ran: the problem above is all there is to say.
  } else if (results.length === 0) {
    lines.push(pick(v.lang, { ko: '이 파일에는 검증할 one-liner가 없습니다.', en: 'This file has no one-liners to verify.' }));
  } else {
    const severalKernels = outcome.kind === 'report' && kernelRuns(outcome.report).length > 1;
    lines.push(`**${tally(results, v.lang)}**`, '', ...(severalKernels ? kernelTable(v, outcome.report) : table(v, results)));
    if (withDetails) {
      const blocks = details(v, results, outputLines);
      if (blocks.length) lines.push('', ...blocks);
    } else {
      lines.push('', pick(v.lang, { ko: '_결과가 길어 출력은 생략했습니다._', en: '_The result is long, so the output is left out._' }));
    }
  }
  const runner = runnerLine(v, outcome);
  if (runner) lines.push('', runner);
  return lines.join('\n');
}

/**
 * The result comment, under GitHub's limits (65,535 characters for a check run's text, 65,536 for a comment): with output first, then with fewer
 * output lines, then without output, and finally cut at a row with a note of what was left out.
 */
export function renderVerifyComment(v: VerifyView, outcome: VerifyOutcome, maxChars = GITHUB_TEXT_LIMIT): string {
  if (outcome.kind === 'project') return renderProjectComment(v, outcome, maxChars);
  for (const [lines, withDetails] of [[OUTPUT_LINES, true], [3, true], [0, false]] as const) {
    const text = body(v, outcome, lines, withDetails);
    if (textLength(text) <= maxChars) return text;
  }
  return fitText(body(v, outcome, 0, false), maxChars, (n) =>
    pick(v.lang, { ko: `\n\n…(결과가 너무 길어 ${n}줄 생략 — 전체는 Check Run 주석에 있습니다)`, en: `\n\n…(${n} lines omitted — every result is annotated in the Check Run)` }),
  );
}

const LEVEL: Record<RunStatus, VerifyAnnotation['level'] | null> = {
  ok: null,
  'no-events': 'warning',
  error: 'failure',
  'attach-failed': 'failure',
  unsupported: 'notice',
  denied: 'warning',
  timeout: 'warning',
  'runner-error': 'notice',
};

/**
 * The Check Run on the file's commit. A member's broken one-liner (error, attach failed)
 * fails it (or turns it neutral when the study says so); what the runner could not judge
 * (unsupported, runner error, denied, timeout, no events) stays neutral.
 */
export function renderVerifyCheck(
  v: VerifyView,
  outcome: VerifyOutcome,
  failureConclusion: 'failure' | 'neutral',
): VerifyCheckOutput {
  if (outcome.kind === 'project') return renderProjectCheck(v, outcome, failureConclusion);
  const results = allResults(outcome, v.lang);
  const broken = results.some((r) => r.status === 'error' || r.status === 'attach-failed');
  const allOk = results.length > 0 && results.every((r) => r.status === 'ok');
  const conclusion = broken ? failureConclusion : allOk ? 'success' : 'neutral';
  const title =
    outcome.kind === 'failed'
      ? pick(v.lang, { ko: '💥 러너 오류', en: '💥 runner error' })
      : results.length === 0
        ? pick(v.lang, { ko: '검증할 one-liner 없음', en: 'no one-liners to verify' })
        : tally(results, v.lang);
  const comment = renderVerifyComment(v, outcome);
  const withoutMarker = comment.slice(comment.indexOf('\n') + 1);
  const annotations: VerifyAnnotation[] = results.flatMap((r) => {
    const level = LEVEL[r.status];
    if (!level) return [];
    const text = [shownText(r.message, TEXT_CAPS.message), r.rule ? `rule: ${shownText(r.rule, 100)}` : '', r.hint ? shownText(r.hint, TEXT_CAPS.hint) : ''].filter(Boolean).join('\n');
    // GitHub refuses an annotation title over 255 characters: the heading gets 120 of them.
    const title = `${statusLabel(r.status, v.lang)}${r.heading ? ` — ${shownText(r.heading, 120)}` : ''}`;
    return [{ path: v.path, line: Math.max(1, r.line), endLine: Math.max(1, r.endLine ?? r.line), level, title, message: text || statusLabel(r.status, v.lang) }];
  });
  return { conclusion, title, summary: withoutMarker, annotations };
}
