import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { release } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { execa } from 'execa';
import { openDiskRepo } from '../check/disk-repo.js';
import type { Language, Member, StudyConfig } from '../config/schema.js';
import { pick } from '../i18n/pick.js';
import { memberByLogin, memberByName, studyPaths, suggestMember } from '../paths/study-paths.js';
import { PLACEHOLDERS, fillTemplate, templatePath, type TemplateValues } from '../rubric/templates.js';
import { hasStudyRoot, loadConfig, notAStudy, repoRoot, UsageError } from './check-command.js';
import { EXIT, type CliIO } from './io.js';
import { parseCliArgs } from './parse-cli-args.js';

const usage = (lang: Language) =>
  pick(lang, {
    ko: `사용법: study-bot new <주차> [--name 이름] [--repo 폴더] [--lang ko|en]

그 주의 템플릿(templates/week{N}.md)으로 study/week{N}/{이름}.md를 만듭니다.
OS, 커널, 설치 도구(bpftrace, bcc)는 이 컴퓨터에서 읽어 채웁니다. 이미 있는 파일은 덮어쓰지 않습니다.

  --name 이름   경로에 쓸 이름 (명단의 name이나 aliases). 없으면 GitHub 로그인으로 명단에서 찾습니다:
                GITHUB_USER, git config github.user, GitHub noreply 이메일(git config user.email) 순서
  --repo 폴더   스터디 저장소 (기본: 현재 git 저장소의 최상위 폴더)
  --lang 언어   메시지 언어 ko|en
`,
    en: `usage: study-bot new <week> [--name NAME] [--repo DIR] [--lang ko|en]

Writes study/week{N}/{name}.md from the week's template (templates/week{N}.md), with the OS,
the kernel and the installed tools (bpftrace, bcc) read from this machine. Never overwrites.

  --name NAME   the name for the path (the roster's name or an alias). Without it, your GitHub
                login is looked up in the roster: GITHUB_USER, git config github.user, or a
                GitHub noreply address in git config user.email, in that order
  --repo DIR    the study repository (default: the top of the current git checkout)
  --lang LANG   message language ko|en
`,
  });

export async function run(args: string[], io: CliIO): Promise<number> {
  const parsed = parseCliArgs(args, io, {
    command: 'new',
    allowPositionals: true,
    options: { name: { type: 'string' }, repo: { type: 'string' } },
    usage,
  });
  if (!parsed.ok) return parsed.exit;
  const { values, positionals, lang: langArg } = parsed;
  try {
    const root = await repoRoot(values.repo, io);
    const loaded = await loadConfig(root, undefined, io, langArg ?? 'ko');
    if (!loaded) return EXIT.usage;
    const { config } = loaded;
    // As `check` refuses there: outside any repository (no git checkout, no study folder, no
    // config, no --repo) `new 1` would write ~/study/week1/… into whatever folder the member
    // stood in. A fresh `git init` is a study repository being started: `new` may begin it.
    if (values.repo === undefined && loaded.source === null && !existsSync(join(root, '.git')) && !(await hasStudyRoot(root, config))) {
      io.stderr(notAStudy(root, config, io, langArg, 'new'));
      return EXIT.usage;
    }
    const lang = langArg ?? config.language;
    if (positionals.length !== 1) throw new UsageError(`${pick(lang, { ko: '주차를 하나 주세요', en: 'give one week number' })}\n\n${usage(lang)}`);
    const week = parseWeek(positionals[0], config, lang);
    const name = await chooseName(values.name, config, io, lang);
    const target = studyPaths(config).notePath(week, name);
    const where = studyPaths(config).classify(target);
    if (where.kind !== 'submission') {
      throw new UsageError(pick(lang, {
        ko: `\`${target}\`은(는) 제출 경로가 아닙니다 (${where.kind})${where.reason ? ` — ${where.reason.ko}` : ''}`,
        en: `\`${target}\` is not a submission path (${where.kind})${where.reason ? ` — ${where.reason.en}` : ''}`,
      }));
    }

    const repo = await openDiskRepo(root);
    // the same member's notes for the week under another spelling (`홍길동.md` beside `hgd.md`)
    const existing = repo.paths.find((p) => {
      const c = studyPaths(config).classify(p);
      return c.kind === 'submission' && c.week === week && c.member === where.member;
    });
    if (existing && !repo.tree.has(target)) {
      io.stderr(pick(lang, {
        ko: `${week}주차 노트가 이미 \`${existing}\`에 있어 새로 만들지 않았습니다. 검사하려면: study-bot check ${existing}\n`,
        en: `week ${week}'s notes already exist at \`${existing}\`; nothing was written. To check them: study-bot check ${existing}\n`,
      }));
      return EXIT.failed;
    }
    if (repo.tree.has(target)) {
      io.stderr(pick(lang, {
        ko: `\`${target}\`이(가) 이미 있어 덮어쓰지 않았습니다. 검사하려면: study-bot check ${target}\n`,
        en: `\`${target}\` already exists; nothing was overwritten. To check it: study-bot check ${target}\n`,
      }));
      return EXIT.failed;
    }
    // study-bot ships templates (and rubrics) for weeks 1-8; a longer study (`weeks: 12`) still
    // gets a note for its later weeks, with the title `check` expects and nothing else to fill.
    let template: string;
    let noTemplate = false;
    try {
      template = await readFile(templatePath(week), 'utf8');
    } catch {
      template = `# Week ${week} - ${PLACEHOLDERS.name}\n\n`;
      noTemplate = true;
    }
    const facts = await machineFacts(realProbe(io));
    const text = fillTemplate(template, { name, ...facts });
    const full = join(root, ...target.split('/'));
    await mkdir(dirname(full), { recursive: true });
    try {
      await writeFile(full, text, { flag: 'wx' }); // never overwrite, even if the file appeared meanwhile
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        io.stderr(pick(lang, { ko: `\`${target}\`이(가) 이미 있어 덮어쓰지 않았습니다.\n`, en: `\`${target}\` already exists; nothing was overwritten.\n` }));
        return EXIT.failed;
      }
      throw error;
    }
    io.stdout(report(target, factsTheTemplateAsks(template, facts), relative(io.cwd, full) || target, lang));
    if (noTemplate) {
      io.stdout(pick(lang, {
        ko: `   ${week}주차에는 study-bot의 템플릿과 검사 기준이 없습니다 (1~8주차만): 제목만 있는 노트입니다. check는 위치와 제목만 봅니다.\n`,
        en: `   study-bot has no template or rubric for week ${week} (weeks 1-8 only): the note has its title only, and check looks at its place and title only.\n`,
      }));
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`study-bot new: ${error.say(langArg ?? 'ko')}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

function parseWeek(arg: string, config: StudyConfig, lang: Language): number {
  const m = /^(?:week)?0*(\d{1,3})(?:주차)?$/i.exec(arg.trim());
  const week = m ? Number(m[1]) : NaN;
  if (!Number.isInteger(week) || week < 1 || week > config.weeks) {
    throw new UsageError(pick(lang, {
      ko: `주차는 1부터 ${config.weeks}까지의 숫자입니다 (받은 값: ${arg})`,
      en: `the week is a number from 1 to ${config.weeks} (got ${arg})`,
    }));
  }
  return week;
}

/**
 * The `{name}` for the path. `--name` wins (a roster name or alias, as written). Otherwise
 * the member is found by GitHub login, never by git's `user.name`: on a study VM that is
 * often `Ubuntu`, and a display name is not a login. With an empty roster there is nothing
 * to look a login up in, so `--name` is required.
 */
async function chooseName(option: string | undefined, config: StudyConfig, io: CliIO, lang: Language): Promise<string> {
  const roster = config.members;
  if (option !== undefined) {
    const name = option.normalize('NFC').trim();
    if (!name || /[/\\]/.test(name) || name === '.' || name === '..') {
      throw new UsageError(pick(lang, { ko: `--name에 쓸 수 없는 이름입니다: ${option}`, en: `not a usable --name: ${option}` }));
    }
    if (roster.length === 0 || memberByName(name, config)) return name;
    const near = suggestMember(name, config);
    throw new UsageError(pick(lang, {
      ko: `\`${name}\`은(는) 명단(.github/study.yml의 members)에 없습니다${near ? ` — \`${near.spelling}\`을(를) 말씀하신 건가요?` : ''} (명단: ${rosterNames(roster)})`,
      en: `\`${name}\` is not on the roster (members in .github/study.yml)${near ? ` — did you mean \`${near.spelling}\`?` : ''} (roster: ${rosterNames(roster)})`,
    }));
  }
  const logins = await candidateLogins(io);
  for (const login of logins) {
    const member = memberByLogin(login, config);
    if (member) return member.name;
  }
  throw new UsageError(pick(lang, {
    ko: `누구의 노트인지 알 수 없습니다 — \`--name <이름>\`을 주세요${roster.length ? ` (명단: ${rosterNames(roster)})` : ''}${logins.length ? `. 찾아본 GitHub 로그인: ${logins.join(', ')}` : ''}`,
    en: `cannot tell whose notes these are — pass \`--name <name>\`${roster.length ? ` (roster: ${rosterNames(roster)})` : ''}${logins.length ? `. GitHub logins tried: ${logins.join(', ')}` : ''}`,
  }));
}

const rosterNames = (roster: Member[]) => roster.map((m) => m.name).join(', ');

/** GitHub logins this machine's user may have, most explicit first. */
async function candidateLogins(io: CliIO): Promise<string[]> {
  const out: string[] = [];
  if (io.env.GITHUB_USER) out.push(io.env.GITHUB_USER);
  const git = async (key: string) => {
    try {
      return (await execa('git', ['config', '--get', key], { cwd: io.cwd, timeout: 5_000, env: io.env, extendEnv: false })).stdout.trim();
    } catch {
      return '';
    }
  };
  const githubUser = await git('github.user');
  if (githubUser) out.push(githubUser);
  // `12345+hong-gildong@users.noreply.github.com`, the address GitHub gives for commits
  const email = await git('user.email');
  const noreply = /^(?:\d+\+)?([a-z0-9-]+)@users\.noreply\.github\.com$/i.exec(email);
  if (noreply) out.push(noreply[1]);
  return [...new Set(out)];
}

/** How `new` reads the machine; tests pass their own. */
export interface MachineProbe {
  readText(path: string): Promise<string | null>;
  run(command: string, args: string[]): Promise<string | null>;
  kernelRelease(): string;
}

const realProbe = (io: CliIO): MachineProbe => ({
  readText: (path) => readFile(path, 'utf8').catch(() => null),
  run: async (command, args) => {
    try {
      const { stdout, stderr } = await execa(command, args, { timeout: 10_000, env: io.env, extendEnv: false });
      return (stdout || stderr).trim() || null;
    } catch {
      return null;
    }
  },
  kernelRelease: () => release(),
});

/**
 * OS, kernel and tools as the week-1 form asks for them. What cannot be found stays out,
 * so its placeholder remains in the file for the member (and the `placeholders` rule).
 */
export async function machineFacts(probe: MachineProbe): Promise<Pick<TemplateValues, 'os' | 'kernel' | 'tools'>> {
  const facts: Pick<TemplateValues, 'os' | 'kernel' | 'tools'> = {};
  const osRelease = await probe.readText('/etc/os-release');
  const pretty = osRelease ? /^PRETTY_NAME=(?:"([^"\n]*)"|'([^'\n]*)'|(\S*))$/m.exec(osRelease) : null;
  const os = pretty ? (pretty[1] ?? pretty[2] ?? pretty[3] ?? '').trim() : '';
  if (os) facts.os = os;
  const kernel = probe.kernelRelease().trim();
  if (kernel) facts.kernel = kernel;
  const tools: string[] = [];
  const bpftrace = await probe.run('bpftrace', ['--version']);
  const bpftraceVersion = bpftrace ? /(?<!\d)v?(\d+\.\d+(?:\.\d+)?)/.exec(bpftrace)?.[1] : undefined;
  if (bpftraceVersion) tools.push(`bpftrace ${bpftraceVersion}`);
  const dpkg = await probe.run('dpkg-query', ['-W', '-f=${Version}', 'python3-bpfcc']);
  // Debian versions look like `0.29.1+ds-1ubuntu7`: the upstream part is what people quote
  let bcc = dpkg ? /^(?:\d+:)?(\d+\.\d+(?:\.\d+)?)/.exec(dpkg)?.[1] : undefined;
  if (!bcc) {
    const python = await probe.run('python3', ['-c', 'import bcc; print(bcc.__version__)']);
    bcc = python ? /^(\d+\.\d+(?:\.\d+)?)/.exec(python.split('\n').pop() ?? '')?.[1] : undefined;
  }
  if (bcc) tools.push(`bcc ${bcc}`);
  if (tools.length > 0) facts.tools = tools.join(', ');
  return facts;
}

type MachineKey = 'os' | 'kernel' | 'tools';

/**
 * Only the machine fields this week's template has a placeholder for (week 1's `{OS}`,
 * `{Kernel}`, `{도구}`): each as found (a string) or not found (null); fields the template
 * does not ask for are left out, so the report never claims to have filled them.
 */
function factsTheTemplateAsks(template: string, facts: Pick<TemplateValues, MachineKey>): Partial<Record<MachineKey, string | null>> {
  const asked: Partial<Record<MachineKey, string | null>> = {};
  for (const key of ['os', 'kernel', 'tools'] as const) if (template.includes(PLACEHOLDERS[key])) asked[key] = facts[key] ?? null;
  return asked;
}

function report(target: string, facts: Partial<Record<MachineKey, string | null>>, shown: string, lang: Language): string {
  const label: Record<MachineKey, string> = { os: 'OS', kernel: 'Kernel', tools: pick(lang, { ko: '설치 도구', en: 'tools' }) };
  const keys = Object.keys(facts) as MachineKey[];
  const filled = keys.filter((k) => facts[k]).map((k) => label[k]);
  const missing = keys.filter((k) => !facts[k]).map((k) => label[k]);
  return pick(lang, {
    ko: [
      `✅ ${shown}을(를) 만들었습니다.`,
      filled.length ? `   이 컴퓨터에서 채운 항목: ${filled.join(', ')}${facts.tools ? ` (${facts.tools})` : ''}` : '',
      missing.length ? `   직접 채울 항목: ${missing.join(', ')}` : '',
      `   다음: 템플릿의 안내대로 내용을 채우고 \`study-bot check ${target}\`로 확인한 뒤 push하세요.`,
      '',
    ].filter((l) => l !== '').join('\n') + '\n',
    en: [
      `✅ wrote ${shown}.`,
      filled.length ? `   filled in from this machine: ${filled.join(', ')}${facts.tools ? ` (${facts.tools})` : ''}` : '',
      missing.length ? `   left for you to fill in: ${missing.join(', ')}` : '',
      `   next: fill it in as the template says, run \`study-bot check ${target}\`, then push.`,
      '',
    ].filter((l) => l !== '').join('\n') + '\n',
  });
}
