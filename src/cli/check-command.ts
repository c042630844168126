import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { checkFiles } from '../check/check-files.js';
import { gitOutput } from '../check/git-output.js';
import { openDiskRepo, readHead, type DiskRepo } from '../check/disk-repo.js';
import { renderText } from '../check/render-text.js';
import { statusOf, type CheckReport, type RepoFile } from '../check/types.js';
import { parseConfig } from '../config/load-config.js';
import { CONFIG_PATH, type Language, type StudyConfig } from '../config/schema.js';
import { pick, type Bilingual } from '../i18n/pick.js';
import { studyPaths } from '../paths/study-paths.js';
import { MAX_SOURCE_READ_BYTES, projectBytesWanted } from '../project/review-project-file.js';
import { EXIT, type CliIO } from './io.js';
import { parseCliArgs } from './parse-cli-args.js';

const usage = (lang: Language) =>
  pick(lang, {
    ko: `사용법: study-bot check [--repo 폴더] [--config 파일] [--format text|json] [--lang ko|en] [경로...]

주차 노트(study/week{N}/{이름}.md)가 그 주의 형식을 지켰는지 검사하고,
프로젝트 폴더(project/{이름}/)의 eBPF 코드가 어떤 종류인지, 프로그램과 눈에 보이는 문제를 알려 줍니다.
경로를 주지 않으면 study/와 project/ 아래의 모든 파일, 그리고 다른 곳에 잘못 놓인 주차 노트를 봅니다.

  --repo 폴더      검사할 저장소 (기본: 현재 git 저장소의 최상위 폴더)
  --config 파일    설정 파일 (기본: <저장소>/.github/study.yml; 없으면 기본값)
  --format 형식    text(사람용, 기본) 또는 json(도구용: {"files":[...]})
  --lang 언어      메시지 언어 ko|en (기본: 설정의 language)

종료 코드: 0 실패한 파일 없음(경고만 있으면 0), 1 실패한 파일 있음(세지 못하는 위치의 주차 노트 포함), 2 잘못된 사용법이나 설정
`,
    en: `usage: study-bot check [--repo DIR] [--config FILE] [--format text|json] [--lang ko|en] [PATH...]

Checks that week notes (study/week{N}/{name}.md) follow their week's form, and lists the
eBPF code of project folders (project/{name}/): its kind, its programs, the visible problems.
Without PATHs: every file under study/ and project/, and week notes misplaced elsewhere.

  --repo DIR       the repository (default: the top of the current git checkout)
  --config FILE    the config (default: <repo>/.github/study.yml; defaults when missing)
  --format FORMAT  text (for people, default) or json (for tools: {"files":[...]})
  --lang LANG      message language ko|en (default: the config's language)

Exit codes: 0 no file fails (warnings still exit 0), 1 a file fails (week notes where they cannot be counted included), 2 bad usage or config
`,
  });

/**
 * A mistake in how the command was called: printed with the usage, exit 2. Thrown before the
 * language is known (the config is not read yet), so it may carry both and be said in one.
 */
export class UsageError extends Error {
  constructor(readonly text: string | Bilingual) {
    super(typeof text === 'string' ? text : `${text.ko} (${text.en})`);
  }
  say(lang: Language): string {
    return typeof this.text === 'string' ? this.text : pick(lang, this.text);
  }
}

export async function run(args: string[], io: CliIO): Promise<number> {
  const parsed = parseCliArgs(args, io, {
    command: 'check',
    allowPositionals: true,
    options: { repo: { type: 'string' }, config: { type: 'string' }, format: { type: 'string', default: 'text' } },
    choices: { format: ['text', 'json'] },
    usage,
  });
  if (!parsed.ok) return parsed.exit;
  const { values, positionals, lang: langArg } = parsed;

  try {
    const root = await repoRoot(values.repo, io);
    const loaded = await loadConfig(root, values.config, io, langArg ?? 'ko');
    if (!loaded) return EXIT.usage;
    const { config } = loaded;
    const lang: Language = langArg ?? config.language;
    if (values.config === undefined && loaded.source === null && !(await hasStudyRoot(root, config))) {
      io.stderr(notAStudy(root, config, io, langArg));
      return EXIT.usage;
    }
    const repo = await openDiskRepo(root);
    const selected = positionals.length > 0 ? await selectArguments(positionals, repo, io) : selectStudyFiles(repo, config);
    const files = await readSelected(repo, selected, config);
    // A study on GitHub Enterprise Server: its URLs count as links into the repository too.
    const reports = await checkFiles({ files, tree: repo.tree, config, lang, githubHost: io.env.GHE_HOST ?? null, mayInline: true });
    const report: CheckReport = { files: reports };
    if (values.format === 'json') io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout(header(root, loaded, io, lang) + renderText(reports, { lang, color: io.isTTY && !io.env.NO_COLOR }));
    return reports.some((r) => (r.status ?? statusOf(r.findings)) === 'fail') ? EXIT.failed : EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`study-bot check: ${error.say(langArg ?? 'ko')}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

/** `--repo`, else the top of the git checkout we are in (a member may run it from study/week1/), else the cwd. */
export async function repoRoot(option: string | undefined, io: CliIO): Promise<string> {
  if (option !== undefined) {
    const dir = resolve(io.cwd, option);
    const info = await stat(dir).catch(() => null);
    if (!info?.isDirectory()) throw new UsageError({ ko: `--repo ${option}: 폴더가 없습니다`, en: `--repo ${option}: no such folder` });
    return dir;
  }
  try {
    const stdout = await gitOutput(['rev-parse', '--show-toplevel'], { cwd: io.cwd, timeoutMs: 10_000 });
    if (stdout.trim()) return stdout.trim();
  } catch {
    // not a git checkout: the current folder is the study
  }
  return io.cwd;
}

export interface LoadedConfig {
  config: StudyConfig;
  /** the file it came from as shown to the user; null when there was none (the defaults) */
  source: string | null;
}

/**
 * The config, or null after printing its problems as `FILE:LINE key: message`. A missing
 * default file means the defaults and an empty roster; a missing `--config` file is a mistake.
 */
export async function loadConfig(root: string, option: string | undefined, io: CliIO, lang: Language): Promise<LoadedConfig | null> {
  const file = option !== undefined ? resolve(io.cwd, option) : join(root, CONFIG_PATH);
  const shown = displayPath(file, root, io.cwd);
  let text: string | null = null;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (option !== undefined || (code !== 'ENOENT' && code !== 'ENOTDIR')) {
      io.stderr(`${shown}: ${pick(lang, { ko: '설정 파일을 읽을 수 없습니다', en: 'cannot read the config file' })} (${code ?? (error as Error).message})\n`);
      return null;
    }
  }
  const result = parseConfig(text, lang, shown);
  if (result.ok) return { config: result.config, source: text === null ? null : shown };
  for (const problem of result.problems) {
    io.stderr(`${shown}:${problem.line}${problem.key ? ` ${problem.key}` : ''}: ${problem.message}\n`);
  }
  io.stderr(pick(lang, {
    ko: `\n설정에 문제가 ${result.problems.length}개 있어 검사하지 않았습니다. 위 줄을 고친 뒤 다시 실행하세요.\n`,
    en: `\nThe config has ${result.problems.length} problem(s); nothing was checked. Fix the lines above and run again.\n`,
  }));
  return null;
}

/**
 * Whether `root` looks like a study repository: it has the study folder of `paths.study`
 * (`study/`, any case: `Study/` is a study with a misplaced folder, not a stranger). Run from
 * a home folder or /tmp, `check` would otherwise report every clone's markdown as misplaced.
 */
export async function hasStudyRoot(root: string, config: StudyConfig): Promise<boolean> {
  const segments = studyPaths(config).studyRoot.split('/').filter(Boolean);
  let dir = root;
  for (const segment of segments) {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const found = entries.find((e) => e.isDirectory() && e.name.normalize('NFC').toLowerCase() === segment.normalize('NFC').toLowerCase());
    if (!found) return false;
    dir = join(dir, found.name);
  }
  return true;
}

/** Korean first (and English after it) unless `--lang` chose one: no config said which. */
export function notAStudy(root: string, config: StudyConfig, io: CliIO, langArg: Language | undefined, command: 'check' | 'new' = 'check'): string {
  const studyDir = `${studyPaths(config).studyRoot}/`;
  const shown = relative(io.cwd, root) === '' ? `${root} (.)` : root;
  const ko = [
    `study-bot ${command}: ${shown}은(는) 스터디 저장소가 아닌 것 같습니다 — \`${studyDir}\` 폴더도 \`${CONFIG_PATH}\`도 없어 ${command === 'check' ? '검사하지' : '아무것도 만들지'} 않았습니다.`,
    `  스터디 저장소 안에서 실행하거나 (cd ~/스터디-저장소 && study-bot ${command}), 폴더를 지정하세요: study-bot ${command} --repo <스터디 저장소 폴더>`,
    `  새 스터디 저장소라면 \`${studyDir}\` 폴더나 \`${CONFIG_PATH}\`를 먼저 만드세요${command === 'check' ? `, 또는 그 저장소 안에서 \`study-bot new 1\`로 첫 노트를 만드세요` : ` (또는 --repo로 그 폴더를 지정하세요)`}.`,
  ].join('\n');
  const en = [
    `study-bot ${command}: ${shown} does not look like a study repository (no \`${studyDir}\` folder and no \`${CONFIG_PATH}\`); nothing was ${command === 'check' ? 'checked' : 'written'}.`,
    `  Run it inside the study repository, or point at one: study-bot ${command} --repo <study repository folder>`,
    `  For a new study repository, create \`${studyDir}\` or \`${CONFIG_PATH}\` first${command === 'check' ? ', or start the first notes there with `study-bot new 1`' : ' (or name its folder with --repo)'}.`,
  ].join('\n');
  if (langArg === 'en') return `${en}\n`;
  if (langArg === 'ko') return `${ko}\n`;
  return `${ko}\n\n${en}\n`;
}

/** What was checked with which rules, so a surprising verdict can be traced to the config. */
function header(root: string, loaded: LoadedConfig, io: CliIO, lang: Language): string {
  const shownRoot = relative(io.cwd, root) || '.';
  const members = loaded.config.members.length;
  const config = loaded.source === null
    ? pick(lang, { ko: '설정 파일 없음(기본값, 명단 없음: 모든 이름을 받습니다)', en: 'no config file (defaults, no roster: every name is accepted)' })
    : members === 0
      ? pick(lang, { ko: `설정 ${loaded.source} (명단 없음: 모든 이름을 받습니다)`, en: `config ${loaded.source} (no roster: every name is accepted)` })
      : pick(lang, { ko: `설정 ${loaded.source} (명단 ${members}명)`, en: `config ${loaded.source} (${members} member${members === 1 ? "" : "s"})` });
  return `study-bot check ${shownRoot.startsWith('..') ? root : shownRoot} · ${config}\n\n`;
}

function displayPath(file: string, root: string, cwd: string): string {
  const fromRoot = relative(root, file);
  if (fromRoot && !fromRoot.startsWith('..') && !isAbsolute(fromRoot)) return fromRoot.split(sep).join('/');
  const fromCwd = relative(cwd, file);
  return fromCwd && !fromCwd.startsWith('..') ? fromCwd : file;
}

/** Everything under the study and project paths, the config, and misplaced week notes anywhere. */
function selectStudyFiles(repo: DiskRepo, config: StudyConfig): string[] {
  return repo.paths.filter((p) => !studyPaths(config).classify(p).outside);
}

/** PATH arguments, relative to where the command runs: files, or folders for every file below them. */
async function selectArguments(args: string[], repo: DiskRepo, io: CliIO): Promise<string[]> {
  const chosen = new Set<string>();
  for (const arg of args) {
    const rel = relative(repo.root, resolve(io.cwd, arg)).split(sep).join('/');
    if (rel.startsWith('..') || isAbsolute(rel)) throw new UsageError({ ko: `${arg}: 저장소(${repo.root}) 밖의 경로입니다`, en: `${arg}: outside the repository (${repo.root})` });
    if (rel === '') {
      repo.paths.forEach((p) => chosen.add(p));
      continue;
    }
    const under = repo.paths.filter((p) => p === rel || p.startsWith(`${rel}/`));
    if (under.length > 0) {
      under.forEach((p) => chosen.add(p));
      continue;
    }
    // a file git ignores or does not list is still checked when named explicitly
    const info = await stat(join(repo.root, rel)).catch(() => null);
    if (info?.isFile()) chosen.add(rel);
    else throw new UsageError(info ? { ko: `${arg}: 검사할 파일이 없는 폴더입니다`, en: `${arg}: no files in this folder` } : { ko: `${arg}: 파일이 없습니다`, en: `${arg}: no such file` });
  }
  return [...chosen].sort();
}

/**
 * Bytes for submissions, and for project files that may be eBPF source (a bounded prefix, as the
 * push check reads them): images, headers, objects and organizer files are classified, never read.
 */
async function readSelected(repo: DiskRepo, paths: string[], config: StudyConfig): Promise<RepoFile[]> {
  const files: RepoFile[] = [];
  for (const path of paths) {
    const kind = studyPaths(config).classify(path).kind;
    if (kind === 'project') {
      const head = await readHead(repo.root, path, projectBytesWanted(path, null) ? MAX_SOURCE_READ_BYTES : 0);
      if (!head) continue;
      if (head.folder) files.push({ path, content: head.content, gitlink: true });
      else files.push({ path, content: head.content, size: head.size });
      continue;
    }
    if (kind !== 'submission') {
      files.push({ path, content: new Uint8Array() });
      continue;
    }
    const file = await repo.read(path);
    if (file) files.push(file);
  }
  return files;
}
