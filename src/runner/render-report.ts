import type { VerifyReport } from './report-schema.js';
import { statusLabel } from './status-labels.js';

/** The report as a person reads it in a terminal: Korean labels first, English next to them. */
export function renderReportText(report: VerifyReport, options: { outputLines?: number } = {}): string {
  const outputLines = options.outputLines ?? 3;
  const out: string[] = [];
  const { runner } = report;
  out.push(`러너 (runner): kernel ${runner.kernel}, bpftrace ${runner.bpftrace ?? '없음 (missing)'}, BTF ${runner.btf ? 'yes' : 'no'}` +
    (runner.kprobes === undefined ? '' : `, kprobes ${runner.kprobes ? 'yes' : 'no'}`));
  if (report.file) out.push(`파일 (file): ${report.file}`);
  out.push('');
  if (report.results.length === 0) out.push('검증할 one-liner가 없습니다 (no one-liners found).');
  for (const result of report.results) {
    const title = result.heading ? ` ${result.heading}` : '';
    out.push(`L${result.line}${title}  ${statusLabel(result.status, 'ko')} (${statusLabel(result.status, 'en').replace(/^\S+\s/, '')})` +
      `  ${result.events} events, ${result.durationMs} ms`);
    out.push(indent(`$ ${firstLine(result.command)}`));
    if (result.status !== 'ok') out.push(indent(result.message));
    if (result.rule) out.push(indent(`규칙 (rule): ${result.rule}`));
    if (result.hint) out.push(indent(`힌트 (hint): ${result.hint}`));
    for (const line of result.output.slice(0, outputLines)) out.push(indent(`│ ${line}`));
    if (result.output.length > outputLines || result.truncated) out.push(indent('│ …'));
    out.push('');
  }
  if (report.durationMs !== undefined) out.push(`총 ${report.durationMs} ms (total)`);
  return `${out.join('\n')}\n`;
}

function indent(text: string): string {
  return text.split('\n').map((line) => `    ${line}`).join('\n');
}

function firstLine(command: string): string {
  const [first, ...rest] = command.split('\n');
  return rest.length > 0 ? `${first} …` : first!;
}
