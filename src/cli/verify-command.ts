import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeSubmission } from '../check/decode-text.js';
import type { Language } from '../config/schema.js';
import { pick } from '../i18n/pick.js';
import { parseNote } from '../oneliners/extract-oneliners.js';
import { oneLinerSightings } from '../oneliners/sightings.js';
import { extractOneLinersInWorker } from '../worker/check-in-worker.js';
import { renderReportText } from '../runner/render-report.js';
import { isPassing } from '../runner/status-labels.js';
import { ISOLATIONS, runOneLiners, type Isolation } from '../runner/run-one-liners.js';
import { configLanguage } from './config-language.js';
import { EXIT, type CliIO } from './io.js';
import { parseCliArgs } from './parse-cli-args.js';
import { isProjectTarget, runProjectVerify } from './verify-project-command.js';

const usage = (lang: Language) =>
  pick(lang, {
    ko: `사용법: study-bot verify 파일|폴더 [--isolation host|vm] [--kernel 이름]… [--format text|json] [--window-ms N] [--lang ko|en]

파일(마크다운)의 bpftrace one-liner를 실행해 확인합니다 (root 필요).
프로젝트 폴더나 eBPF 소스(.c, .py, .bt)를 주면 VM 안에서만 컴파일·로드·attach해 프로그램마다
검증기 결과를 보여 줍니다 (docs/project-verify.md).

  --isolation 곳   host(이 머신의 커널, 기본: 내 실습 VM에서 내 노트를 볼 때) 또는
                   vm(버려지는 VM 안, 자체 커널: \`study-bot runner image build\`로 만든 이미지)
  --kernel 이름    VM 커널(예: 6.1). 여러 번 주면 커널별 결과를 나란히 보여 줍니다. vm을 뜻합니다.
  --format 형식    text(사람용 표, 기본) 또는 json(공개 보고서 형식)
  --window-ms N    one-liner 하나가 붙은 뒤 최대로 실행되는 시간, 100–60000 (기본 5000)
  --lang 언어      메시지 언어 ko|en (기본: 스터디 설정의 language, 없으면 ko)

종료 코드: 0 모두 동작함 또는 이벤트 없음, 1 하나라도 다른 결과, 2 잘못된 사용법
`,
    en: `usage: study-bot verify FILE|FOLDER [--isolation host|vm] [--kernel NAME]… [--format text|json] [--window-ms N] [--lang ko|en]

Runs the bpftrace one-liners of a markdown FILE (needs root).
Given a project FOLDER or one eBPF source (.c, .py, .bt), compiles, loads and attaches its
programs only inside the VM and shows the verifier's verdict per program (docs/project-verify.md).

  --isolation WHERE  host (this machine's kernel, default: your own practice VM, your own notes) or
                   vm (inside a throwaway VM with its own kernel: the image \`study-bot runner image build\` makes)
  --kernel NAME    a VM kernel (e.g. 6.1); give it several times to see each kernel side by side. Implies vm.
  --format FORMAT  text (a table for people, default) or json (the public report contract)
  --window-ms N    how long one one-liner runs at most after it attached, 100–60000 (default 5000)
  --lang LANG      message language ko|en (default: the study config's language, else ko)

Exit codes: 0 every one-liner works or saw no events, 1 any other status, 2 bad usage
`,
  });

export async function run(args: string[], io: CliIO): Promise<number> {
  const parsed = parseCliArgs(args, io, {
    command: 'verify',
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      'window-ms': { type: 'string' },
      isolation: { type: 'string' },
      kernel: { type: 'string', multiple: true },
    },
    choices: { format: ['text', 'json'], isolation: ISOLATIONS },
    usage,
  });
  if (!parsed.ok) return parsed.exit;
  const { values, positionals } = parsed;
  const early = parsed.lang ?? 'ko';
  const usageError = (message: { ko: string; en: string }) => {
    io.stderr(`study-bot verify: ${pick(early, message)}\n\n${usage(early)}`);
    return EXIT.usage;
  };
  if (positionals.length !== 1) {
    return usageError({ ko: `마크다운 파일을 하나 주세요 (받은 인자 ${positionals.length}개)`, en: `give one markdown file (got ${positionals.length})` });
  }
  const windowText = values['window-ms'];
  const windowMs = windowText === undefined ? undefined : Number(windowText);
  if (windowMs !== undefined && (!Number.isInteger(windowMs) || windowMs < 100 || windowMs > 60_000)) {
    return usageError({ ko: `--window-ms ${windowText}: 100부터 60000까지의 정수(밀리초)여야 합니다`, en: `--window-ms ${windowText}: expected whole milliseconds from 100 to 60000` });
  }
  const kernels = values.kernel ?? [];
  if (values.isolation === 'host' && kernels.length > 0) {
    return usageError({ ko: '--kernel은 VM에서만 쓸 수 있습니다 (--isolation vm)', en: '--kernel needs the VM (--isolation vm)' });
  }
  const file = positionals[0]!;
  const full = path.resolve(io.cwd, file);
  if (isProjectTarget(full)) {
    // A member's own eBPF code is compiled and loaded only inside the VM, never on this machine.
    if (values.isolation === 'host') {
      return usageError({ ko: '프로젝트 코드(폴더, .c, .py, .bt)는 VM에서만 확인합니다 (--isolation vm)', en: 'project code (a folder, .c, .py, .bt) is checked only in the VM (--isolation vm)' });
    }
    const lang = parsed.lang ?? (await configLanguage(full)) ?? 'ko';
    return runProjectVerify(full, { io, lang, format: values.format as string, kernels, windowMs });
  }
  const isolation: Isolation = (values.isolation as Isolation | undefined) ?? (kernels.length > 0 ? 'vm' : 'host');
  const lang = parsed.lang ?? (await configLanguage(path.dirname(full))) ?? 'ko';
  // bpftrace on this machine needs root: without it every one-liner would fail with the same
  // bpftrace error, once per one-liner. Said once, before anything runs.
  if (isolation === 'host' && typeof process.getuid === 'function' && process.getuid() !== 0) {
    io.stderr(`study-bot verify: ${pick(lang, {
      ko: `bpftrace는 root 권한이 필요합니다: sudo study-bot verify ${file}`,
      en: `bpftrace needs root: sudo study-bot verify ${file}`,
    })}\n`);
    return EXIT.failed;
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(full);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    io.stderr(`study-bot verify: ${pick(lang, { ko: `파일을 읽을 수 없습니다: ${file}`, en: `cannot read ${file}` })} (${reason})\n`);
    return EXIT.usage;
  }
  // The bytes become text exactly as `check` reads them: a file `check` refuses (too large,
  // binary, EUC-KR) is refused here with the same message instead of running on mojibake.
  const decoded = decodeSubmission(bytes, lang);
  if (!decoded.ok) {
    const { finding } = decoded;
    io.stderr(`study-bot verify: ${file}${finding.line ? `:${finding.line}` : ''}: ${finding.message}\n`);
    return EXIT.failed;
  }
  const markdown = decoded.text;
  // In a worker within the check's budget: a pathological note gets its reason, not a stall.
  const extracted = await extractOneLinersInWorker(markdown);
  if (!extracted.ok) {
    io.stderr(`study-bot verify: ${file}${extracted.line ? `:${extracted.line}` : ''}: ${pick(lang, extracted.problem)}\n`);
    return EXIT.failed;
  }
  const { oneLiners } = extracted;
  // What the note holds where commands are not read (a ```text block, inline code, `# `):
  // said, so "2 one-liners" on a page with five is not a mystery. The note passed the
  // worker's budget above, so reading it again here is bounded.
  for (const seen of oneLinerSightings(await parseNote(markdown))) {
    io.stderr(`study-bot verify: ${file}:${seen.line}: ${pick(lang, { ko: `실행하지 않음: \`${seen.command}\` — ${seen.why.ko}`, en: `not run: \`${seen.command}\` (${seen.why.en})` })}\n`);
  }
  let report;
  try {
    report = await runOneLiners(oneLiners, { isolation, kernels, file, windowMs });
  } catch (error) {
    io.stderr(`study-bot verify: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
  io.stdout(values.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderReportText(report, { lang }));
  return report.results.every((result) => isPassing(result.status)) ? EXIT.ok : EXIT.failed;
}
