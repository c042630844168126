import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Language } from '../config/schema.js';
import { pick } from '../i18n/pick.js';
import { runRequest } from '../runner/request-schema.js';
import { getSandbox } from '../runner/sandbox.js';
import { EXIT, type CliIO } from './io.js';
import { parseCliArgs } from './parse-cli-args.js';

const usage = (lang: Language) =>
  pick(lang, {
    ko: `사용법: study-bot runner exec --request 파일 --out 파일

GitHub Actions의 eBPF 워크플로가 실행합니다: 요청 JSON을 읽어 검증하고, one-liner를 실행해
보고서 JSON을 씁니다.

종료 코드: 0 보고서를 씀(결과가 무엇이든), 1 러너 실패, 2 잘못된 사용법 또는 요청
`,
    en: `usage: study-bot runner exec --request FILE --out FILE

Used by the eBPF workflow on GitHub Actions: reads and validates the request JSON, runs its
one-liners and writes the report JSON.

Exit codes: 0 report written (whatever the statuses), 1 runner failure, 2 bad usage or request
`,
  });

export async function run(args: string[], io: CliIO): Promise<number> {
  const parsed = parseCliArgs(args, io, {
    command: 'runner',
    allowPositionals: true,
    options: { request: { type: 'string' }, out: { type: 'string' } },
    usage,
  });
  if (!parsed.ok) return parsed.exit;
  const lang = parsed.lang ?? 'ko';
  const [sub, ...extra] = parsed.positionals;
  const { request: requestFile, out } = parsed.values;
  if (sub !== 'exec' || extra.length > 0 || !requestFile || !out) {
    const problem = sub !== 'exec'
      ? { ko: `하위 명령은 exec뿐입니다${sub ? ` (받은 값: ${sub})` : ''}`, en: `the only subcommand is exec${sub ? ` (got ${sub})` : ''}` }
      : extra.length > 0
        ? { ko: `필요 없는 인자: ${extra.join(' ')}`, en: `unexpected arguments: ${extra.join(' ')}` }
        : { ko: '--request와 --out이 모두 필요합니다', en: 'both --request and --out are needed' };
    io.stderr(`study-bot runner: ${pick(lang, problem)}\n\n${usage(lang)}`);
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
