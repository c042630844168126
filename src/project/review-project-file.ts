import { posix } from 'node:path';
import type { Finding } from '../check/types.js';
import type { Language } from '../config/schema.js';
import { pick, type Bilingual } from '../i18n/pick.js';
import { checkBpftraceSyntax } from './check-bpftrace-syntax.js';
import { checkCStructure } from './check-c-structure.js';
import { CLASSIFY_READ_BYTES, classifySource, kindFromPath, type ProjectFileKind } from './classify-source.js';

/**
 * What a reviewer says about one file of a member's project without running anything: what
 * kind of eBPF source it is, its programs, and the problems visible on the page (a C or `.bt`
 * file whose brackets, comments or strings do not hold together, a `SEC()` with no function, a
 * build output or a large file committed, a submodule the bot cannot see into). The push
 * check and `study-bot check` share it.
 *
 * Bounded: the path decides first whether the bytes are wanted at all (projectBytesWanted);
 * a header (the 10 MB vmlinux.h), an object file, an image is judged by its path and size.
 */
export type ProjectReviewKind = ProjectFileKind | 'submodule';

/** One eBPF program, as the Check Run lists it (one line each). */
export interface ProjectProgram {
  /** libbpf C: the ELF section and its function */
  section?: string;
  /** bpftrace: the script's probes */
  probes?: string[];
  functionName?: string;
  line?: number;
  /** bcc-python: the C files it loads (repo-relative), and whether it carries C inline */
  loads?: string[];
  inline?: boolean;
  /** go-bpf2go: the C files bpf2go compiles */
  embeds?: string[];
}

export interface ProjectSummary {
  kind: ProjectReviewKind;
  programs: ProjectProgram[];
}

export interface ProjectFileInput {
  path: string;
  /** the whole file's size in bytes, when known (a tree listing's, or the disk's) */
  size: number | null;
  /** a git submodule (mode 160000): no bytes */
  gitlink?: boolean;
  /** the bytes read (the whole file or its first CLASSIFY_READ_BYTES); absent when not read */
  content?: Uint8Array;
  /** why the bytes were not read though they were wanted: the push's budget of reads */
  unreadBudget?: number;
}

export interface ProjectReview {
  project: ProjectSummary;
  findings: Finding[];
}

/** The size past which a committed file is worth a word (vmlinux.h and other headers excepted). */
export const LARGE_FILE_BYTES = 1024 * 1024;
/** Sources past this are not read (their kind comes from the path): CLASSIFY_READ_BYTES. */
export const MAX_SOURCE_READ_BYTES = CLASSIFY_READ_BYTES;

/** Rule ids of project findings (the `rule` of a Finding). */
export const PROJECT_RULES = {
  cSyntax: 'c-syntax',
  secFunction: 'sec-function',
  bpftraceSyntax: 'bpftrace-syntax',
  buildOutput: 'build-output',
  largeFile: 'large-file',
  submodule: 'submodule',
  notRead: 'not-read',
} as const;

/**
 * Whether the file's bytes are worth fetching: eBPF source candidates (`.c`, `.py`, `.go`,
 * `.bt`, a file without extension, which may be a compiled program) up to the read bound.
 * Everything else is judged by path and size alone.
 */
export function projectBytesWanted(path: string, size: number | null): boolean {
  if (isBuildFolder(path) || KNOWN_TEXT_NAME.test(posix.basename(path))) return false;
  const byPath = kindFromPath(path);
  if (byPath !== undefined && byPath !== 'bpftrace') return false;
  return size === null || size <= MAX_SOURCE_READ_BYTES;
}

/**
 * Files without extension that are known text (a build recipe, a license, a dotfile): never
 * read. Other extensionless files are, up to the bound: a compiled program often has no
 * extension, and its first bytes (ELF) say so.
 */
const KNOWN_TEXT_NAME = /^(?:\..*|(?:gnu)?makefile|kbuild|kconfig|dockerfile|containerfile|vagrantfile|jenkinsfile|procfile|license|licence|copying|notice|authors|readme|changelog)$/i;

/** `__pycache__/`, and the folders build tools write into. */
const isBuildFolder = (path: string): boolean => path.split('/').some((seg) => seg === '__pycache__');

/** bpf2go's output (`x_bpfel.o`): meant to be committed, the Go code embeds it. */
const BPF2GO_OBJECT = /_bpf(?:el|eb)\.o$/;

export function reviewProjectFile(input: ProjectFileInput, lang: Language): ProjectReview {
  const findings: Finding[] = [];
  const say = (rule: string, severity: Finding['severity'], text: Bilingual, line: number | null = null, column?: number) =>
    findings.push({ rule, severity, message: pick(lang, text), line, ...(column ? { column } : {}) });

  if (input.gitlink) {
    say(PROJECT_RULES.submodule, 'info', {
      ko: 'git 서브모듈입니다 — 코드가 다른 저장소에 있어 study-bot은 그 안을 보지 못합니다 (보고서·`/verify`도 마찬가지). 코드를 이 폴더에 직접 커밋하면 검사됩니다',
      en: 'a git submodule: its code lives in another repository, which study-bot does not look into (nor do the report and `/verify`); commit the code into this folder to have it checked',
    });
    return { project: { kind: 'submodule', programs: [] }, findings };
  }

  const size = input.size ?? input.content?.length ?? null;
  const wanted = projectBytesWanted(input.path, size);
  const read = wanted && input.content !== undefined;
  const cls = classifySource({ path: input.path, ...(size !== null ? { size } : {}), ...(read ? { content: input.content } : {}) });
  const base = posix.basename(input.path);
  const kind: ProjectFileKind = isBuildFolder(input.path) ? 'build-output' : cls.kind;

  if (kind === 'build-output') {
    if (BPF2GO_OBJECT.test(base)) {
      say(PROJECT_RULES.buildOutput, 'info', {
        ko: 'bpf2go가 만든 오브젝트입니다 — Go 코드가 go:embed로 넣으므로 커밋해도 됩니다',
        en: 'an object bpf2go generated: the Go code embeds it (go:embed), so committing it is fine',
      });
    } else {
      const why = isBuildFolder(input.path) ? '`__pycache__/`' : cls.reason === 'object or binary by extension' ? `\`.${base.split('.').pop()}\`` : cls.reason;
      say(PROJECT_RULES.buildOutput, 'warning', {
        ko: `커밋된 빌드 결과물입니다 (${why}) — 소스에서 다시 만들 수 있으니 지우고 \`.gitignore\`에 넣으세요 (예: \`*.o\`, \`__pycache__/\`)`,
        en: `a committed build output (${why}): it is rebuilt from the source, so remove it and list it in \`.gitignore\` (e.g. \`*.o\`, \`__pycache__/\`)`,
      });
    }
  }
  if (size !== null && size > LARGE_FILE_BYTES && kind !== 'header' && kind !== 'build-output') {
    say(PROJECT_RULES.largeFile, 'warning', {
      ko: `${megabytes(size)} 파일입니다 (기준 ${megabytes(LARGE_FILE_BYTES)} 초과) — 데이터나 결과물이라면 저장소 밖에 두세요`,
      en: `a ${megabytes(size)} file (over the ${megabytes(LARGE_FILE_BYTES)} bound): data or outputs belong outside the repository`,
    });
  }
  if (wanted && !read) {
    if (input.unreadBudget !== undefined) {
      say(PROJECT_RULES.notRead, 'info', {
        ko: `이번 push에서 읽는 소스 파일 ${input.unreadBudget}개를 넘어 내용을 읽지 않았습니다 — \`study-bot check\`로 직접 검사하세요`,
        en: `not read: this push touched more than the ${input.unreadBudget} source files a check reads; run \`study-bot check\` on it`,
      });
    }
  } else if (!wanted && size !== null && size > MAX_SOURCE_READ_BYTES && isSourceExtension(base)) {
    say(PROJECT_RULES.notRead, 'info', {
      ko: `${megabytes(MAX_SOURCE_READ_BYTES)}보다 큰 소스라 내용은 읽지 않았습니다`,
      en: `a source over ${megabytes(MAX_SOURCE_READ_BYTES)}: its content was not read`,
    });
  }

  const programs: ProjectProgram[] = [];
  const text = read ? new TextDecoder('utf-8').decode(input.content!.subarray(0, MAX_SOURCE_READ_BYTES)) : null;
  const complete = read && (size === null || input.content!.length >= size) && input.content!.length <= MAX_SOURCE_READ_BYTES;
  if (kind === 'bpftrace' && text !== null) {
    const { problem, probes } = checkBpftraceSyntax(text);
    if (problem) say(PROJECT_RULES.bpftraceSyntax, 'warning', suffix(problem.message, BT_SUFFIX), problem.line, problem.column);
    programs.push({ probes });
  }
  if (text !== null && base.toLowerCase().endsWith('.c') && kind !== 'build-output') {
    const problem = checkCStructure(text, { complete });
    if (problem) say(PROJECT_RULES.cSyntax, 'warning', suffix(problem.message, C_SUFFIX), problem.line, problem.column);
  }
  if (kind === 'libbpf-c') {
    for (const p of cls.programs ?? []) {
      programs.push({ section: p.section, functionName: p.functionName, line: p.line });
      if (p.functionName === '') {
        say(PROJECT_RULES.secFunction, 'warning', {
          ko: `\`SEC("${p.section}")\` 뒤에 함수가 없습니다 — SEC()는 바로 다음 함수를 그 섹션의 프로그램으로 만듭니다`,
          en: `\`SEC("${p.section}")\` has no function after it: SEC() makes the function right after it that section's program`,
        }, p.line);
      }
    }
  }
  if (kind === 'bcc-python' && cls.loads) {
    programs.push({ loads: cls.loads.sourceFiles, inline: cls.loads.inline, ...(cls.loads.line ? { line: cls.loads.line } : {}) });
  }
  if (kind === 'go-bpf2go') {
    for (const e of cls.embeds ?? []) programs.push({ embeds: e.sources, line: e.line });
  }
  if (kind === 'bcc-c') programs.push({});
  findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { project: { kind, programs }, findings };
}

const BT_SUFFIX: Bilingual = { ko: ' (bpftrace가 읽지 못합니다)', en: ' (bpftrace will not read it)' };
const C_SUFFIX: Bilingual = { ko: ' (컴파일되지 않습니다)', en: ' (it will not compile)' };
const suffix = (text: Bilingual, more: Bilingual): Bilingual => ({ ko: text.ko + more.ko, en: text.en + more.en });

const isSourceExtension = (base: string): boolean => /\.(?:c|py|go|bt)$/i.test(base);

const megabytes = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MB` : `${Math.round(bytes / 1024)} KB`;

const KIND_LABELS: Record<ProjectReviewKind, Bilingual> = {
  'libbpf-c': { ko: 'libbpf C', en: 'libbpf C' },
  'bcc-python': { ko: 'BCC 파이썬', en: 'BCC Python' },
  'bcc-c': { ko: 'BCC C (파이썬 로더가 컴파일)', en: 'BCC C (compiled by its Python loader)' },
  bpftrace: { ko: 'bpftrace 스크립트', en: 'bpftrace script' },
  'go-bpf2go': { ko: 'Go (bpf2go)', en: 'Go (bpf2go)' },
  'userspace-c': { ko: '사용자 공간 C', en: 'user-space C' },
  header: { ko: '헤더', en: 'header' },
  'build-output': { ko: '빌드 결과물', en: 'build output' },
  other: { ko: '기타', en: 'other' },
  submodule: { ko: 'git 서브모듈', en: 'git submodule' },
};

export const kindLabel = (kind: ProjectReviewKind, lang: Language): string => pick(lang, KIND_LABELS[kind]);

/** Whether a kind's file gets a program line even without programs (eBPF the bot recognises). */
export const isProgramKind = (kind: ProjectReviewKind): boolean =>
  kind === 'libbpf-c' || kind === 'bcc-python' || kind === 'bcc-c' || kind === 'bpftrace' || kind === 'go-bpf2go';

/**
 * One line per program, markdown-safe code spans: `path` 12행 · libbpf C · `SEC("xdp")` `xdp_pass`.
 * `code` quotes a value for the medium (the Check Run's markdown, the terminal).
 */
export function programLines(path: string, summary: ProjectSummary, lang: Language, code: (s: string) => string): string[] {
  const label = kindLabel(summary.kind, lang);
  const at = (line?: number) => (line ? pick(lang, { ko: ` ${line}행`, en: `:${line}` }) : '');
  const list = (paths: string[]) => paths.map(code).join(', ');
  if (summary.programs.length === 0) {
    return summary.kind === 'libbpf-c'
      ? [`${code(path)} · ${label} · ${pick(lang, { ko: '프로그램 없음 (맵·헬퍼만)', en: 'no program (maps or helpers only)' })}`]
      : [];
  }
  return summary.programs.map((p) => {
    if (p.probes !== undefined) {
      const shown = p.probes.slice(0, 4).map(code).join(', ');
      const more = p.probes.length > 4 ? pick(lang, { ko: ` 외 ${p.probes.length - 4}개`, en: ` and ${p.probes.length - 4} more` }) : '';
      return `${code(path)} · ${label} · ${shown || pick(lang, { ko: '프로브 없음', en: 'no probe' })}${more}`;
    }
    if (p.section !== undefined) {
      const fn = p.functionName ? ` ${code(p.functionName)}` : '';
      return `${code(path)}${at(p.line)} · ${label} · ${code(`SEC("${p.section}")`)}${fn}`;
    }
    if (p.loads !== undefined) {
      const what = [
        p.loads.length > 0 ? pick(lang, { ko: `${list(p.loads)} 로드`, en: `loads ${list(p.loads)}` }) : '',
        p.inline ? pick(lang, { ko: '스크립트 안의 C', en: 'C inside the script' }) : '',
      ].filter(Boolean);
      return `${code(path)}${at(p.line)} · ${label} · ${what.join(', ') || pick(lang, { ko: '로드하는 C를 찾지 못함', en: 'the C it loads was not found' })}`;
    }
    if (p.embeds !== undefined) {
      return `${code(path)}${at(p.line)} · ${label} · ${pick(lang, { ko: `${list(p.embeds)} 포함`, en: `embeds ${list(p.embeds)}` })}`;
    }
    return `${code(path)} · ${label}`;
  });
}
