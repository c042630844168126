import { setFlagsFromString } from 'node:v8';
import type { Language } from '../config/schema.js';
import { pick, type Bilingual } from '../i18n/pick.js';
import { EXIT, processIO, type CliCommand, type CliIO } from './io.js';
import { didYouMean } from './parse-cli-args.js';
import { closeSharedCheckPool } from '../worker/shared-pool.js';

/**
 * A CLI run is short: WebAssembly stays on V8's baseline compiler (Liftoff). With tiering on,
 * V8 recompiles the bash grammar (tree-sitter-bash, a large WebAssembly module) with TurboFan
 * on background threads once a parse makes it hot, and the process cannot exit until that job
 * is done: seen here as 6-12 s between the last line printed and the exit under load, and
 * twice the CPU time of the check itself. Process-wide, so the pool's workers have it too;
 * the server leaves tiering on (its workers live long enough to gain from it).
 */
export function preferBaselineWasm(): void {
  setFlagsFromString('--liftoff-only');
}

// Each subcommand lives in its own module and is loaded only when used, so `study-bot check`
// never pays for Probot or the runner.
const commands: Record<string, { summary: Bilingual; load: () => Promise<{ run: CliCommand }> }> = {
  check: { summary: { ko: '주차 노트가 그 주의 형식을 지켰는지 검사', en: 'check week notes against their rubric' }, load: () => import('./check-command.js') },
  new: { summary: { ko: '이번 주 노트를 템플릿으로 만들기', en: "write this week's notes from the template" }, load: () => import('./new-command.js') },
  report: { summary: { ko: '출석과 제출 현황 (오프라인으로 계산)', en: 'attendance and submissions, offline' }, load: () => import('./report-command.js') },
  verify: { summary: { ko: '노트의 one-liner를 이 머신에서 실행 (root)', en: "run a submission's one-liners on this machine (root)" }, load: () => import('./verify-command.js') },
  runner: { summary: { ko: 'runner exec --request 파일 --out 파일 (eBPF 워크플로용)', en: 'runner exec --request FILE --out FILE (used by the eBPF workflow)' }, load: () => import('./runner-command.js') },
  doctor: { summary: { ko: '이 머신이 bpftrace를 실행할 준비가 되었는지 확인', en: 'is this machine ready to run bpftrace?' }, load: () => import('./doctor-command.js') },
};

async function packageVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  // src/cli/ from the sources, dist/src/cli/ once compiled
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(await readFile(new URL(up, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'study-bot') return pkg.version;
    } catch {
      // not at this depth
    }
  }
  return 'unknown';
}

const usage = (lang: Language) =>
  [
    pick(lang, { ko: '사용법: study-bot <명령> [옵션]', en: 'usage: study-bot <command> [options]' }),
    '',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(8)} ${pick(lang, c.summary)}`),
    '',
    pick(lang, {
      ko: '명령별 옵션: study-bot <명령> --help · 버전: study-bot --version · English: study-bot --help --lang en',
      en: 'options of one command: study-bot <command> --help · version: study-bot --version',
    }),
    '',
  ].join('\n');

/** `--lang ko|en` before the command (`study-bot --lang en --help`) or after `--help`. */
function takeLang(argv: string[]): { lang: Language | undefined; rest: string[]; wrong?: string } {
  const at = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  if (at < 0) return { lang: undefined, rest: argv };
  const value = argv[at] === '--lang' ? argv[at + 1] : argv[at].slice('--lang='.length);
  if (value !== 'ko' && value !== 'en') return { lang: undefined, rest: argv, wrong: value ?? '' };
  return { lang: value, rest: [...argv.slice(0, at), ...argv.slice(at + (argv[at] === '--lang' ? 2 : 1))] };
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  // Only study-bot's own flags; a command's `--lang` is its own (`study-bot check --lang en`).
  const own = commands[argv[0] ?? ''] ? { lang: undefined, rest: argv } : takeLang(argv);
  const lang = own.lang ?? 'ko';
  if ('wrong' in own && own.wrong !== undefined) {
    // `study-bot --lang fr check`: said, not read as an unknown command `--lang`
    io.stderr(`study-bot: --lang ${own.wrong}: ko 또는 en 중 하나여야 합니다 (expected ko or en)\n\n${usage('ko')}`);
    return EXIT.usage;
  }
  const [name, ...rest] = own.rest;
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout(`study-bot ${await packageVersion()}\n`);
    return EXIT.ok;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage(lang));
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = commands[name];
  if (!command) {
    const near = didYouMean(name, Object.keys(commands));
    const hint = near ? pick(lang, { ko: ` — \`${near}\`을(를) 말씀하신 건가요?`, en: ` — did you mean \`${near}\`?` }) : '';
    io.stderr(`${pick(lang, { ko: `알 수 없는 명령입니다: ${name}`, en: `unknown command: ${name}` })}${hint}\n\n${usage(lang)}`);
    return EXIT.usage;
  }
  // `study-bot --lang en check` means the same as `study-bot check --lang en`
  const { run } = await command.load();
  try {
    return await run(own.lang ? [...rest, '--lang', own.lang] : rest, io);
  } finally {
    // Every path (done, failed, thrown): idle workers must not outlive the command.
    await closeSharedCheckPool();
  }
}
