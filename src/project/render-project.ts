import type { Language } from '../config/schema.js';
import { renderReportText } from '../runner/render-report.js';
import { withoutControls } from '../runner/redact.js';
import type { ProjectEntry, ProjectKernelRun, ProjectReport, ProjectStatus } from './project-report.js';

const LABELS: Record<ProjectStatus, { ko: string; en: string }> = {
  ok: { ko: '✅ 동작함', en: '✅ works' },
  'no-events': { ko: '⚠️ 이벤트 없음', en: '⚠️ no events' },
  loaded: { ko: '✅ 검증 통과', en: '✅ verified' },
  rejected: { ko: '❌ 검증기 거부', en: '❌ rejected by the verifier' },
  'compile-error': { ko: '❌ 컴파일 실패', en: '❌ does not compile' },
  'attach-failed': { ko: '❌ attach 실패', en: '❌ attach failed' },
  error: { ko: '❌ 오류', en: '❌ error' },
  timeout: { ko: '⏱ 시간 초과', en: '⏱ timed out' },
  skipped: { ko: '➖ 실행 안 함', en: '➖ not run' },
  denied: { ko: '⛔ 거부', en: '⛔ refused' },
  'runner-error': { ko: '💥 러너 오류', en: '💥 runner error' },
};

export function projectStatusLabel(status: ProjectStatus, lang?: Language): string {
  const l = LABELS[status];
  return lang ? l[lang] : `${l.ko} (${l.en.replace(/^\S+\s/, '')})`;
}

/**
 * `한국어 (English)` messages cut to one language when one was asked for. The English is the
 * first parenthesised group, matched by counting, that follows Korean and holds none: the
 * Korean may hold parentheses of its own (`사용자 공간 C (main): …`), and so may a tool's text
 * after the English (BCC's `Exception: ... (either non-existing, ...)`). Without such a group,
 * the one that closes last. Text after it stays with both.
 */
export function oneLanguage(text: string, lang: Language | undefined): string {
  if (!lang) return text;
  const groups: { open: number; close: number }[] = [];
  let depth = 0;
  let open = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(' && depth++ === 0) open = i;
    else if (text[i] === ')' && depth > 0 && --depth === 0) groups.push({ open, close: i });
  }
  const hangul = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/;
  const spaced = groups.filter((g) => g.open > 0 && text[g.open - 1] === ' ');
  const english =
    spaced.find((g) => g.open > 1 && /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af.!?:]/.test(text[g.open - 2]!) && hangul.test(text.slice(0, g.open)) && !hangul.test(text.slice(g.open, g.close))) ??
    spaced.filter((g) => g.close === text.lastIndexOf(')')).pop();
  if (!english) return text;
  return lang === 'ko' ? `${text.slice(0, english.open - 1)}${text.slice(english.close + 1)}` : `${text.slice(english.open + 1, english.close)}${text.slice(english.close + 1)}`;
}

/**
 * A project's report as a person reads it in a terminal, and (markdown: true) as the body of a
 * reply: per kernel, what was built with what, then one line per program with its verdict,
 * where in the source, why, and how long each step took.
 */
export function renderProjectText(report: ProjectReport, options: { lang?: Language; markdown?: boolean } = {}): string {
  const { lang } = options;
  const t = (ko: string, en: string) => (lang === 'ko' ? ko : lang === 'en' ? en : `${ko} (${en})`);
  const out: string[] = [`${t('프로젝트', 'project')}: ${withoutControls(report.root)}`];
  const runs: ProjectKernelRun[] = report.kernels ?? [{ runner: report.runner, entries: report.entries, ...(report.clang ? { clang: report.clang } : {}), ...(report.vmlinuxMs !== undefined ? { vmlinuxMs: report.vmlinuxMs } : {}) }];
  if (runs.length > 1) out.push('', t('커널별 결과', 'per kernel'), ...sideBySide(runs, lang));
  for (const run of runs) {
    const r = run.runner;
    out.push('');
    if (r.kernel !== '-') {
      out.push(`${t('러너', 'runner')}: VM (${r.accel ?? '?'}${r.vmStart ? `, ${r.vmStart}` : ''}), kernel ${r.kernel}${run.clang ? `, ${run.clang}` : ''}`);
      if (run.vmlinuxMs !== undefined) out.push(t('vmlinux.h: 이 커널의 BTF에서 만듦 (bpftool btf dump)', "vmlinux.h: made from this kernel's BTF (bpftool btf dump)"));
    }
    for (const entry of run.entries) out.push(...entryLines(entry, lang));
  }
  if (report.scripts) out.push('', t('bpftrace 스크립트', 'bpftrace scripts'), renderReportText(report.scripts, lang ? { lang } : {}).trimEnd());
  if (report.durationMs !== undefined) out.push('', t(`총 ${report.durationMs} ms`, `total ${report.durationMs} ms`));
  return `${out.join('\n')}\n`;
}

/**
 * Each program once, with its verdict on every kernel on one line (what CO-RE is about: the
 * same object on another kernel); files nothing was run for are left to the sections below.
 */
function sideBySide(runs: ProjectKernelRun[], lang: Language | undefined): string[] {
  const key = (e: ProjectEntry) => `${e.path}\0${e.program ?? ''}`;
  const order = new Map<string, ProjectEntry>();
  for (const run of runs) for (const e of run.entries) if (e.status !== 'skipped' && e.status !== 'denied' && !order.has(key(e))) order.set(key(e), e);
  return [...order.entries()].map(([k, e]) => {
    const where = `${withoutControls(e.path)}${e.program ? ` ${withoutControls(e.program)}` : ''}`;
    const verdicts = runs.map((run) => {
      const mine = run.entries.find((x) => key(x) === k);
      const line = mine?.line ? ` (L${mine.line})` : '';
      return `${withoutControls(run.runner.kernel)} ${mine ? projectStatusLabel(mine.status, lang) : '—'}${line}`;
    });
    return `${where}: ${verdicts.join(' | ')}`;
  });
}

function entryLines(entry: ProjectEntry, lang: Language | undefined): string[] {
  const where = `${withoutControls(entry.file ?? entry.path)}${entry.line ? `:${entry.line}` : ''}`;
  const what = entry.program ? ` ${withoutControls(entry.program)}${entry.section ? ` (SEC "${withoutControls(entry.section)}")` : ''}` : ` [${entry.kind}]`;
  const lines = [`${where}${what}  ${projectStatusLabel(entry.status, lang)}`];
  const facts: string[] = [];
  if (entry.insns !== undefined) facts.push(`${entry.insns} insns${entry.states ? `, states ${entry.states.total} (peak ${entry.states.peak})` : ''}`);
  if (entry.events !== undefined) facts.push(`${entry.events} runs`);
  const s = entry.steps;
  if (s) {
    const steps = [s.compileMs !== undefined ? `compile ${ms(s.compileMs)}` : '', s.loadMs !== undefined ? `load ${ms(s.loadMs)}` : '', s.windowMs !== undefined ? `window ${ms(s.windowMs)}` : ''].filter(Boolean);
    if (steps.length) facts.push(steps.join(', '));
  }
  if (facts.length) lines.push(`    ${facts.join(' · ')}`);
  if (entry.status !== 'ok') lines.push(`    ${withoutControls(oneLanguage(entry.message, lang))}`);
  for (const l of entry.log ?? []) lines.push(`    │ ${withoutControls(l)}`);
  for (const l of (entry.output ?? []).slice(0, 3)) lines.push(`    │ ${withoutControls(l)}`);
  return lines;
}

const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);
