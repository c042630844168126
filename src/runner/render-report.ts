import type { Language } from '../config/schema.js';
import type { VerifyReport, VerifyResult } from './report-schema.js';
import { shownText, TEXT_CAPS } from '../text/shown-text.js';
import { statusLabel } from './status-labels.js';

/**
 * The report as a person reads it in a terminal. Without `lang`: Korean labels first,
 * English next to them; with `lang` (the CLI's `--lang` or the study's language): one
 * language, the runner's "한국어 (English)" messages cut down to it where they have that shape.
 */
export function renderReportText(report: VerifyReport, options: { outputLines?: number; lang?: Language } = {}): string {
  const outputLines = options.outputLines ?? 3;
  const { lang } = options;
  const t = (ko: string, en: string, both = `${ko} (${en})`) => (lang === 'ko' ? ko : lang === 'en' ? en : both);
  const msg = (text: string) => (lang ? oneLanguage(text, lang) : text);
  const out: string[] = [];
  const label = (status: VerifyResult['status']) =>
    lang ? statusLabel(status, lang) : `${statusLabel(status, 'ko')} (${statusLabel(status, 'en').replace(/^\S+\s/, '')})`;
  const runs = report.kernels && report.kernels.length > 1 ? report.kernels : [{ runner: report.runner, results: report.results }];
  if (report.file) out.push(`${t('파일', 'file')}: ${report.file}`);
  if (runs.length > 1) {
    // Side by side first: the same program on each kernel (what CO-RE is about).
    out.push(t('커널별 결과', 'per kernel', '커널별 결과 (per kernel)'));
    report.results.forEach((result, i) => {
      out.push(`L${result.line}${result.heading ? ` ${shownText(result.heading, TEXT_CAPS.heading)}` : ''}: ${runs.map((run) => `${run.runner.kernel} ${label(run.results[i]?.status ?? 'runner-error')}`).join(' | ')}`);
    });
  }
  for (const run of runs) {
    out.push('', runnerText(run.runner, t));
    out.push('');
    renderResults(run.results, out, { outputLines, lang, t, msg, label });
  }
  if (report.durationMs !== undefined) out.push(t(`총 ${report.durationMs} ms`, `total ${report.durationMs} ms`, `총 ${report.durationMs} ms (total)`));
  return `${out.join('\n')}\n`;
}

type Translate = (ko: string, en: string, both?: string) => string;

function runnerText(runner: VerifyReport['runner'], t: Translate): string {
  const where = runner.isolation === 'vm' ? `VM (${runner.accel ?? '?'})` : runner.isolation === 'host' ? t('호스트', 'host') : null;
  const time = runner.timing
    ? `\n${t('시간', 'time')}: ${runner.vmStart ? `${runner.vmStart === 'pool' ? 'pooled' : runner.vmStart === 'snapshot' ? 'restored' : 'cold'}, ` : ''}` +
      `${t('시작', 'start')} ${runner.timing.startMs} ms, ${t('컴파일+부착', 'compile+attach')} ${runner.timing.attachMs} ms, ${t('실행', 'run')} ${runner.timing.runMs} ms`
    : '';
  return `${t('러너', 'runner')}: ${where ? `${where}, ` : ''}kernel ${runner.kernel}, bpftrace ${runner.bpftrace ?? t('없음', 'missing')}, BTF ${runner.btf ? 'yes' : 'no'}` +
    (runner.kprobes === undefined ? '' : `, kprobes ${runner.kprobes ? 'yes' : 'no'}`) + time;
}

function renderResults(
  results: readonly VerifyResult[],
  out: string[],
  { outputLines, lang, t, msg, label }: { outputLines: number; lang: Language | undefined; t: Translate; msg: (text: string) => string; label: (status: VerifyResult['status']) => string },
): void {
  if (results.length === 0) out.push(t('검증할 one-liner가 없습니다.', 'no one-liners found.', '검증할 one-liner가 없습니다 (no one-liners found).'));
  for (const result of results) {
    const title = result.heading ? ` ${shownText(result.heading, TEXT_CAPS.heading)}` : '';
    out.push(`L${result.line}${title}  ${label(result.status)}  ${lang === 'ko' ? `이벤트 ${result.events}개` : `${result.events} event${lang === 'en' && result.events === 1 ? '' : 's'}`}, ${result.durationMs} ms`);
    out.push(indent(`$ ${shownText(firstLine(result.command), 1000)}`));
    if (result.status !== 'ok') out.push(indent(msg(shownText(result.message, TEXT_CAPS.message))));
    if (result.rule) out.push(indent(`${t('규칙', 'rule')}: ${shownText(result.rule, 100)}`));
    if (result.hint) out.push(indent(`${t('힌트', 'hint')}: ${msg(shownText(result.hint, TEXT_CAPS.hint))}`));
    for (const line of result.output.slice(0, outputLines)) out.push(indent(`│ ${shownText(line, TEXT_CAPS.outputLine)}`));
    if (result.output.length > outputLines || result.truncated) out.push(indent('│ …'));
    out.push('');
  }
}

const HANGUL = /[\u3131-\u318e\uac00-\ud7a3]/;

/**
 * One language out of a runner message line shaped "한국어 설명 (English gloss)[.][: detail]".
 * Lines of any other shape (bpftrace's own errors, nested parentheses) are kept whole.
 */
export function oneLanguage(text: string, lang: Language): string {
  return text
    .split('\n')
    .map((line) => {
      // the gloss is the last " (…)" that is English after Korean text: a count like "(12)" is not one
      const glosses = [...line.matchAll(/ \(([^()]*)\)/g)].filter(
        (g) => HANGUL.test(line.slice(0, g.index)) && !HANGUL.test(g[1]) && /[A-Za-z]{2}/.test(g[1]),
      );
      const last = glosses[glosses.length - 1];
      if (!last) return line;
      const before = line.slice(0, last.index);
      const after = line.slice(last.index + last[0].length);
      if (lang === 'ko') return before + after;
      // keep what belongs to both languages: a leading "kprobe:x: ", or the "cat()" of "cat()는 …"
      const lead = /^[^\uac00-\ud7a3]*?: /.exec(before)?.[0] ?? /^([^\s\uac00-\ud7a3]*[)`])[\uac00-\ud7a3]/.exec(before)?.[1]?.concat(': ') ?? '';
      return lead + last[1] + after;
    })
    .join('\n');
}

function indent(text: string): string {
  return text.split('\n').map((line) => `    ${line}`).join('\n');
}

function firstLine(command: string): string {
  const end = command.indexOf('\n');
  return end < 0 ? command : `${command.slice(0, end)} …`;
}
