import type { VerifyAnnotation, VerifyCheckOutput } from '../github/verify-study-repository.js';
import { fitText, GITHUB_TEXT_LIMIT, textLength } from '../github/text-limits.js';
import { pick, type Bilingual } from '../i18n/pick.js';
import { isProjectPassing, type ProjectEntry, type ProjectKernelRun, type ProjectReport, type ProjectStatus } from '../project/project-report.js';
import { oneLanguage, projectStatusLabel } from '../project/render-project.js';
import { classExplanation } from '../project/verifier-log.js';
import type { RunnerInfoSummary } from '../runner/report-schema.js';
import { statusLabel } from '../runner/status-labels.js';
import { codeText, shownText, TEXT_CAPS } from '../text/shown-text.js';
import { cell, fenced, VM_START_WORDS, verifyMarker, type VerifyView } from './render-verify.js';

export const PROJECT_CHECK_RUN_NAME = 'study-bot / project 검증';

/** `/verify project`'s finished state: the VM's report of the member's folder. */
export interface ProjectOutcome {
  kind: 'project';
  report: ProjectReport;
  notes?: Bilingual[];
}

/** Files not run, listed one per row up to this many; the rest are counted. */
const SKIPPED_ROWS = 25;
/** Verifier log lines shown per rejected program. */
const LOG_LINES = 12;
/** Annotations per Check Run (GitHub takes 50 per request; the seam batches them). */
const MAX_ANNOTATIONS = 100;

/**
 * Guest text as inline code in a table cell: capped, nothing invisible, one line, no backtick
 * to close the span early, pipes escaped (GFM unescapes `\|` inside a cell's code span).
 */
const inlineCode = (text: string, max: number) => `\`${codeText(text, max).replace(/[`\r\n]/g, ' ').replace(/\|/g, '\\|')}\``;

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');
const blobLink = (v: VerifyView, path: string, line?: number) => `${v.webOrigin}/${v.owner}/${v.repo}/blob/${v.sha}/${encodePath(path)}${line ? `#L${line}` : ''}`;
const seconds = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

const runsOf = (report: ProjectReport): ProjectKernelRun[] =>
  report.kernels ?? [{ runner: report.runner, entries: report.entries, ...(report.clang ? { clang: report.clang } : {}), ...(report.vmlinuxMs !== undefined ? { vmlinuxMs: report.vmlinuxMs } : {}) }];

/** Every program's and file's status over every kernel, and the `.bt` scripts'. */
function statuses(report: ProjectReport): { project: ProjectStatus[]; scripts: string[] } {
  return {
    project: runsOf(report).flatMap((run) => run.entries.map((e) => e.status)),
    scripts: (report.scripts?.results ?? []).map((r) => r.status),
  };
}

function tally(report: ProjectReport, lang: VerifyView['lang']): string {
  const counts = new Map<string, number>();
  for (const e of runsOf(report)[0]!.entries) counts.set(projectStatusLabel(e.status, lang), (counts.get(projectStatusLabel(e.status, lang)) ?? 0) + 1);
  for (const r of report.scripts?.results ?? []) counts.set(statusLabel(r.status, lang), (counts.get(statusLabel(r.status, lang)) ?? 0) + 1);
  return [...counts].map(([label, n]) => `${label} ${n}`).join(' · ');
}

function runnerLine(v: VerifyView, run: ProjectKernelRun): string {
  const r: RunnerInfoSummary = run.runner;
  if (r.kernel === '-') return pick(v.lang, { ko: 'VM을 띄우지 않았습니다: 실행할 eBPF 프로그램이 없습니다.', en: 'No VM was started: there is no eBPF program to run.' });
  const where = pick(v.lang, { ko: `VM${r.accel === 'tcg' ? ' (전체 에뮬레이션)' : r.accel === 'kvm' ? ' (KVM)' : ''}`, en: `VM${r.accel === 'tcg' ? ' (full emulation)' : r.accel === 'kvm' ? ' (KVM)' : ''}` });
  const parts = [where, `kernel \`${cell(r.kernel, 60)}\``];
  if (r.vmStart) parts.push(pick(v.lang, VM_START_WORDS[r.vmStart]));
  if (run.clang) parts.push(`\`${cell(run.clang, 80)}\``);
  if (run.vmlinuxMs !== undefined) {
    parts.push(pick(v.lang, { ko: `vmlinux.h: 이 커널의 BTF에서 만듦 (${seconds(run.vmlinuxMs)})`, en: `vmlinux.h: made from this kernel's BTF (${seconds(run.vmlinuxMs)})` }));
  }
  if (run.durationMs !== undefined) parts.push(pick(v.lang, { ko: `VM ${seconds(run.durationMs)}`, en: `VM ${seconds(run.durationMs)}` }));
  return `${pick(v.lang, { ko: '러너', en: 'Runner' })}: ${parts.join(' · ')}`;
}

/** What a program's verdict says in the reader's language: why, and the verifier's own decisive line. */
function explanation(e: ProjectEntry, lang: VerifyView['lang']): string {
  if (e.status === 'rejected' && e.class) {
    const why = classExplanation(e.class);
    const last = e.log?.at(-1);
    const said = last ? pick(lang, { ko: ` — 검증기: \`${last}\``, en: ` — verifier: \`${last}\`` }) : '';
    return `${why ? pick(lang, why) : oneLanguage(e.message, lang)} (${e.class})${said}`;
  }
  return oneLanguage(e.message, lang);
}

function facts(e: ProjectEntry, lang: VerifyView['lang']): string {
  const out: string[] = [];
  if (e.events !== undefined) out.push(pick(lang, { ko: `실행 ${e.events}번`, en: `${e.events} runs` }));
  if (e.insns !== undefined) out.push(`${e.insns} insns${e.states ? `, states ${e.states.total} (peak ${e.states.peak})` : ''}`);
  const s = e.steps;
  if (s) {
    const steps = [
      s.compileMs !== undefined ? pick(lang, { ko: `컴파일 ${seconds(s.compileMs)}`, en: `compile ${seconds(s.compileMs)}` }) : '',
      s.loadMs !== undefined ? pick(lang, { ko: `로드·부착 ${seconds(s.loadMs)}`, en: `load+attach ${seconds(s.loadMs)}` }) : '',
      s.windowMs !== undefined ? pick(lang, { ko: `관찰 ${seconds(s.windowMs)}`, en: `window ${seconds(s.windowMs)}` }) : '',
    ].filter(Boolean);
    if (steps.length) out.push(steps.join(', '));
  }
  return out.join(' · ');
}

const ran = (e: ProjectEntry) => e.status !== 'skipped';

function where(v: VerifyView, e: ProjectEntry): string {
  const file = e.file ?? e.path;
  const shown = file.startsWith(`${v.path}/`) ? file.slice(v.path.length + 1) : file;
  return `[${cell(shown, 80)}${e.line ? `:${e.line}` : ''}](${blobLink(v, file, e.line)})`;
}

function programRows(v: VerifyView, entries: readonly ProjectEntry[], detail: boolean): string[] {
  const head = pick(v.lang, { ko: '| 파일:줄 | 프로그램 | 결과 | 설명 |', en: '| file:line | program | result | details |' });
  const rows = entries.map((e) => {
    const program = e.program ? `${inlineCode(e.program, 60)}${e.section ? ` (SEC ${inlineCode(e.section, 80)})` : ''}` : cell(e.kind, 30);
    const said = [e.status === 'ok' ? '' : explanation(e, v.lang), detail ? facts(e, v.lang) : ''].filter(Boolean).join(' · ');
    return `| ${where(v, e)} | ${program} | ${projectStatusLabel(e.status, v.lang)} | ${cell(said, 600)} |`;
  });
  return [head, '|---|---|---|---|', ...rows];
}

function scriptRows(v: VerifyView, report: ProjectReport): string[] {
  const results = report.scripts?.results ?? [];
  if (results.length === 0) return [];
  const rows = results.map((r) => {
    const path = r.heading ?? '';
    const said = r.status === 'ok' ? pick(v.lang, { ko: `이벤트 ${r.events}개`, en: `${r.events} events` }) : r.message.split('\n')[0] ?? '';
    return `| [${cell(path.startsWith(`${v.path}/`) ? path.slice(v.path.length + 1) : path, 80)}](${blobLink(v, path)}) | bpftrace | ${statusLabel(r.status, v.lang)} | ${cell(said, 300)} |`;
  });
  return ['', pick(v.lang, { ko: '| 스크립트 | 종류 | 결과 | 설명 |', en: '| script | kind | result | details |' }), '|---|---|---|---|', ...rows];
}

/** The verifier's log of each rejected program (and a compile error's lines, a BCC script's output). */
function logBlocks(v: VerifyView, entries: readonly ProjectEntry[]): string[] {
  const blocks: string[] = [];
  for (const e of entries) {
    const lines = [...(e.log ?? []), ...(e.output ?? [])].slice(0, LOG_LINES).map((l) => codeText(l, TEXT_CAPS.outputLine));
    if (lines.length === 0 || e.status === 'ok') continue;
    const name = `${cell(e.file ?? e.path, 80)}${e.line ? `:${e.line}` : ''}${e.program ? ` ${cell(e.program, 60)}` : ''}`;
    const what = e.status === 'rejected' ? pick(v.lang, { ko: '검증기 로그', en: 'verifier log' }) : pick(v.lang, { ko: '출력', en: 'output' });
    blocks.push('<details>', `<summary>${name} — ${what}</summary>`, '', fenced(lines), '', '</details>');
  }
  return blocks;
}

function skippedRows(v: VerifyView, entries: readonly ProjectEntry[]): string[] {
  if (entries.length === 0) return [];
  // Go and user-space C first: "not built" is news to their author; headers and the rest after.
  const order = (e: ProjectEntry) => (e.kind === 'go-bpf2go' ? 0 : e.kind === 'userspace-c' || e.kind === 'bcc-c' ? 1 : e.kind === 'other' ? 3 : 2);
  const sorted = [...entries].sort((a, b) => order(a) - order(b));
  const shown = sorted.slice(0, SKIPPED_ROWS);
  const rows = shown.map((e) => `| ${where(v, e)} | ${cell(e.kind, 30)} | ${cell(oneLanguage(e.message, v.lang), 300)} |`);
  const more = sorted.length - shown.length;
  return [
    '',
    `**${pick(v.lang, { ko: `실행하지 않은 파일 ${entries.length}개`, en: `${entries.length} file(s) not run` })}**`,
    '',
    pick(v.lang, { ko: '| 파일 | 종류 | 이유 |', en: '| file | kind | why |' }),
    '|---|---|---|',
    ...rows,
    ...(more > 0 ? ['', pick(v.lang, { ko: `…그리고 ${more}개 더 (eBPF 소스가 아닌 파일)`, en: `…and ${more} more (not eBPF sources)` })] : []),
  ];
}

function heading(v: VerifyView): string {
  const folder = `[\`${cell(v.path, 120)}\`](${v.webOrigin}/${v.owner}/${v.repo}/tree/${v.sha}/${encodePath(v.path)})`;
  return pick(v.lang, {
    ko: `### 🔬 프로젝트 검증 — ${folder} @ \`${v.sha.slice(0, 7)}\``,
    en: `### 🔬 project verification — ${folder} @ \`${v.sha.slice(0, 7)}\``,
  });
}

function body(v: VerifyView, outcome: ProjectOutcome, detail: { logs: boolean; facts: boolean; skipped: boolean }): string {
  const { report } = outcome;
  const lines = [verifyMarker(v.requestId), heading(v), ''];
  for (const note of outcome.notes ?? []) lines.push(`> ${pick(v.lang, note)}`, '');
  lines.push(`**${tally(report, v.lang)}**`);
  const runs = runsOf(report);
  runs.forEach((run, i) => {
    const programs = run.entries.filter(ran);
    lines.push('', runnerLine(v, run));
    if (programs.length) lines.push('', ...programRows(v, programs, detail.facts));
    if (i === 0) lines.push(...scriptRows(v, report));
    if (detail.logs) {
      const blocks = logBlocks(v, programs);
      if (blocks.length) lines.push('', ...blocks);
    }
  });
  if (detail.skipped) lines.push(...skippedRows(v, runs[0]!.entries.filter((e) => !ran(e))));
  lines.push(
    '',
    pick(v.lang, {
      ko: `_eBPF 프로그램은 일회용 VM 안에서만 컴파일·로드·실행했습니다. 봇의 호스트에서는 아무것도 컴파일하거나 실행하지 않습니다.${report.durationMs !== undefined ? ` 총 ${seconds(report.durationMs)}.` : ''}_`,
      en: `_The eBPF programs were compiled, loaded and run only inside a throwaway VM; nothing was compiled or run on the bot's host.${report.durationMs !== undefined ? ` Total ${seconds(report.durationMs)}.` : ''}_`,
    }),
  );
  return lines.join('\n');
}

/** The reply, under GitHub's limits: the logs go first, then the step times, then the list of files not run; then it is cut. */
export function renderProjectComment(v: VerifyView, outcome: ProjectOutcome, maxChars = GITHUB_TEXT_LIMIT): string {
  const tries = [
    { logs: true, facts: true, skipped: true },
    { logs: false, facts: true, skipped: true },
    { logs: false, facts: false, skipped: false },
  ];
  for (const detail of tries) {
    const text = body(v, outcome, detail);
    if (textLength(text) <= maxChars) return text;
  }
  return fitText(body(v, outcome, tries[2]!), maxChars, (n) =>
    pick(v.lang, { ko: `\n\n…(결과가 너무 길어 ${n}줄 생략 — Check Run 주석에 있습니다)`, en: `\n\n…(${n} lines omitted — see the Check Run's annotations)` }),
  );
}

const LEVEL: Partial<Record<ProjectStatus, VerifyAnnotation['level']>> = {
  rejected: 'failure',
  'compile-error': 'failure',
  'attach-failed': 'failure',
  error: 'failure',
  timeout: 'warning',
  'no-events': 'warning',
  denied: 'warning',
  'runner-error': 'notice',
};

/**
 * The Check Run on the commit: a program the verifier rejected, that does not compile or
 * attach, or a BCC script that fails turns it red (or neutral, as the study says); what was
 * not judged stays neutral; all passing is green. One annotation per such program, at the
 * member's line.
 */
export function renderProjectCheck(v: VerifyView, outcome: ProjectOutcome, failureConclusion: 'failure' | 'neutral'): VerifyCheckOutput {
  const { project, scripts } = statuses(outcome.report);
  const broken = project.some((s) => LEVEL[s] === 'failure') || scripts.some((s) => s === 'error' || s === 'attach-failed');
  const ranSomething = project.some((s) => s !== 'skipped') || scripts.length > 0;
  const allOk = ranSomething && project.every(isProjectPassing) && scripts.every((s) => s === 'ok');
  const conclusion = broken ? failureConclusion : allOk ? 'success' : 'neutral';
  const comment = renderProjectComment(v, outcome);
  const annotations: VerifyAnnotation[] = runsOf(outcome.report)
    .flatMap((run) => run.entries.map((e) => ({ e, kernel: run.runner.kernel })))
    .flatMap(({ e, kernel }) => {
      const level = LEVEL[e.status];
      if (!level) return [];
      const label = projectStatusLabel(e.status, v.lang);
      // GitHub refuses a title over 255 characters: the program's name gets 100 of them.
      const title = `${label}${e.program ? ` — ${shownText(e.program, 100)}` : ''}${kernel !== '-' ? ` (${shownText(kernel, 60)})` : ''}`;
      const message = [shownText(explanation(e, v.lang), TEXT_CAPS.message), ...(e.log ?? []).slice(-3).map((l) => shownText(l, TEXT_CAPS.outputLine))].join('\n');
      const line = Math.max(1, e.line ?? 1);
      return [{ path: e.file ?? e.path, line, endLine: line, level, title, message }];
    })
    .slice(0, MAX_ANNOTATIONS);
  return { conclusion, title: tally(outcome.report, v.lang) || pick(v.lang, { ko: '검증할 프로그램 없음', en: 'no programs to verify' }), summary: comment.slice(comment.indexOf('\n') + 1), annotations };
}
