import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { runRequest } from '../runner/request-schema.js';
import { getSandbox } from '../runner/sandbox.js';
import { EXIT, type CliIO } from './io.js';

const USAGE = `usage: study-bot runner exec --request FILE --out FILE

GitHub Actions의 eBPF 워크플로가 실행합니다: 요청 JSON을 읽어 검증하고, one-liner를 실행해
보고서 JSON을 씁니다. (Used by the eBPF workflow: reads and validates the request, runs it,
writes the report.)

종료 코드 (exit): 0 보고서를 씀 (report written, whatever the statuses), 1 러너 실패 (runner failure),
2 사용법 또는 잘못된 요청 (usage or invalid request).
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { request: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (parsed.values.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  const [sub, ...extra] = parsed.positionals;
  const { request: requestFile, out } = parsed.values;
  if (sub !== 'exec' || extra.length > 0 || !requestFile || !out) {
    io.stderr(USAGE);
    return EXIT.usage;
  }
  let request: unknown;
  try {
    request = JSON.parse(await readFile(path.resolve(io.cwd, requestFile), 'utf8'));
  } catch (error) {
    io.stderr(`요청을 읽을 수 없습니다 (cannot read the request ${requestFile}): ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  try {
    // The request's folder is the workflow's temp dir (RUNNER_TEMP): hidden from bpftrace too,
    // whatever the (cleared) environment says. The sandbox is probed once, here first.
    await getSandbox({ extraDirs: [path.dirname(path.resolve(io.cwd, requestFile))] });
    const report = await runRequest(request);
    await writeFile(path.resolve(io.cwd, out), `${JSON.stringify(report, null, 2)}\n`);
    io.stdout(`${report.results.length}개 결과를 ${out}에 썼습니다 (wrote ${report.results.length} results).\n`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof z.ZodError) {
      io.stderr(`잘못된 요청입니다 (invalid request): ${z.prettifyError(error)}\n`);
      return EXIT.usage;
    }
    io.stderr(`러너 오류 (runner failure): ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.failed;
  }
}
