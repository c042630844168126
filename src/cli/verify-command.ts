import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { extractOneLiners } from '../oneliners/extract-oneliners.js';
import { renderReportText } from '../runner/render-report.js';
import { isPassing } from '../runner/status-labels.js';
import { verifyOneLiners } from '../runner/verify-oneliners.js';
import { EXIT, type CliIO } from './io.js';

const USAGE = `usage: study-bot verify FILE [--format text|json] [--window-ms N]

FILE의 bpftrace one-liner를 이 머신에서 실행해 확인합니다 (root 필요).
Runs the one-liners of a markdown FILE on this machine (needs root).

  --format text|json   사람용 표 (default) 또는 JSON 보고서 (the public report contract)
  --window-ms N        one-liner 하나가 최대로 실행되는 시간 (max run time after attach, default 5000)

종료 코드 (exit): 0 모두 동작함/이벤트 없음 (all ok or no-events), 1 하나라도 실패 (any other status), 2 사용법 오류 (usage).
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { format: { type: 'string', default: 'text' }, 'window-ms': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (parsed.values.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  const format = parsed.values.format;
  const windowMs = parsed.values['window-ms'] === undefined ? undefined : Number(parsed.values['window-ms']);
  if (parsed.positionals.length !== 1 || (format !== 'text' && format !== 'json') ||
      (windowMs !== undefined && (!Number.isInteger(windowMs) || windowMs < 100 || windowMs > 60_000))) {
    io.stderr(USAGE);
    return EXIT.usage;
  }
  const file = parsed.positionals[0]!;
  let markdown: string;
  try {
    markdown = await readFile(path.resolve(io.cwd, file), 'utf8');
  } catch (error) {
    io.stderr(`파일을 읽을 수 없습니다 (cannot read ${file}): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    return EXIT.usage;
  }
  const oneLiners = await extractOneLiners(markdown);
  const report = await verifyOneLiners(oneLiners, { file, windowMs });
  io.stdout(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderReportText(report));
  return report.results.every((result) => isPassing(result.status)) ? EXIT.ok : EXIT.failed;
}
