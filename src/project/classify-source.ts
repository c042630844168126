import { posix } from 'node:path';

/**
 * What a file in a member's project folder is, for the report, the push check and `/verify`.
 *
 * Projects mix kinds (CURRICULUM.md "From week 3 on"): libbpf C beside user-space C test
 * programs, BCC Python with its C in a `.c` next to it, BCC-style C that only compiles inside
 * BCC, cilium/ebpf Go that embeds C through bpf2go, a 10 MB vmlinux.h, a binary committed by
 * mistake. Each file gets the kind it is and only eBPF is ever compiled or loaded (in the VM).
 *
 * Cheap and bounded on purpose: the path decides first (a header or an object file is never
 * read), at most CLASSIFY_READ_BYTES of a file's text is looked at, and every pattern is run
 * per line on lines cut to MAX_LINE characters with no nested quantifiers.
 */
export type ProjectFileKind =
  | 'libbpf-c'
  | 'bcc-python'
  | 'bcc-c'
  | 'bpftrace'
  | 'go-bpf2go'
  | 'userspace-c'
  | 'header'
  | 'build-output'
  | 'other';

/** One `SEC("...")` program of a libbpf C file. */
export interface BpfProgramRef {
  /** The ELF section, e.g. `tracepoint/syscalls/sys_enter_openat`, `xdp`. */
  section: string;
  /** The C function (for `BPF_KPROBE(name, ...)`-style macros, the name they define). */
  functionName: string;
  /** 1-based line of the `SEC(...)`. */
  line: number;
}

export interface CInclude {
  /** As written between the quotes or brackets. */
  target: string;
  /** `"x.h"` (searched next to the file first) rather than `<x.h>`. */
  quoted: boolean;
  line: number;
}

export interface ProjectFileClass {
  /** Repo-relative, `/`-separated. */
  path: string;
  kind: ProjectFileKind;
  /** Why this kind, in a few words (for reports and debugging a misclassification). */
  reason: string;
  /** libbpf-c: the programs, in file order. */
  programs?: BpfProgramRef[];
  /** C kinds: the `#include`s seen. */
  includes?: CInclude[];
  /** bcc-python: the C it loads. */
  loads?: BccLoads;
  /** go-bpf2go: the C files bpf2go compiles (repo-relative) and the cflags after `--`. */
  embeds?: { sources: string[]; cflags: string[]; line: number }[];
  /** The text was longer than what was read: facts above describe its prefix only. */
  truncated?: boolean;
}

export interface BccLoads {
  /** `BPF(text=...)`: C written inside the Python file. */
  inline: boolean;
  /** `BPF(src_file="x.c")` or `open("x.c")`: repo-relative paths next to the script. */
  sourceFiles: string[];
  /** 1-based line of the first `BPF(` call. */
  line?: number;
}

/** What is read of a file at most; larger files are classified by this prefix. */
export const CLASSIFY_READ_BYTES = 256 * 1024;
/** Lines are cut to this many characters before any pattern sees them. */
const MAX_LINE = 1_000;

const OBJECT_EXTENSIONS = new Set([
  'o', 'obj', 'so', 'a', 'ko', 'elf', 'bin', 'exe', 'out', 'pyc', 'class', 'jar', 'whl',
]);
const HEADER_EXTENSIONS = new Set(['h', 'hpp', 'hh']);

/** The file's lower-cased extension (`bpf.o` → `o`), '' if none. */
function extensionOf(base: string): string {
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/**
 * The kind a path alone decides, or undefined when the text must be read. Headers (the 10 MB
 * vmlinux.h among them), object files and bpftrace scripts are decided here and never read.
 */
export function kindFromPath(path: string): ProjectFileKind | undefined {
  const base = posix.basename(path);
  const ext = extensionOf(base);
  if (ext === 'bt') return 'bpftrace';
  if (HEADER_EXTENSIONS.has(ext)) return 'header';
  if (OBJECT_EXTENSIONS.has(ext)) return 'build-output';
  if (ext === 'c' || ext === 'py' || ext === 'go' || ext === '') return undefined;
  return 'other';
}

/** Whether the kind is eBPF the VM can check (the Go loader only through the C it names). */
export function isEbpfKind(kind: ProjectFileKind): boolean {
  return kind === 'libbpf-c' || kind === 'bcc-python' || kind === 'bcc-c' || kind === 'bpftrace';
}

export interface ClassifyInput {
  path: string;
  /** Size in bytes when known (from a tree listing): lets a huge file skip reading. */
  size?: number;
  /** The file's content or a prefix of it; only CLASSIFY_READ_BYTES of it are looked at. */
  content?: string | Uint8Array;
}

/** Classify one file. Pure: give it the text (or a prefix) when kindFromPath asks for it. */
export function classifySource(input: ClassifyInput): ProjectFileClass {
  const path = input.path;
  const byPath = kindFromPath(path);
  if (byPath) return { path, kind: byPath, reason: reasonForPath(byPath, path) };
  if (input.content === undefined) return { path, kind: 'other', reason: 'content not read' };

  const { text, binary, truncated } = readPrefix(input.content, input.size);
  const more = truncated ? { truncated: true } : {};
  if (binary) return { path, kind: 'build-output', reason: binary, ...more };

  const ext = extensionOf(posix.basename(path));
  const lines = splitBounded(text);
  if (ext === 'c') return { path, ...classifyC(lines), ...more };
  if (ext === 'py') return { path, ...classifyPython(path, lines), ...more };
  if (ext === 'go') return { path, ...classifyGo(path, lines), ...more };
  // No extension: a script is other (a shell script calling clang is not itself eBPF).
  return { path, kind: 'other', reason: 'no extension, text', ...more };
}

function reasonForPath(kind: ProjectFileKind, path: string): string {
  if (kind === 'header') return posix.basename(path) === 'vmlinux.h' ? 'vmlinux.h' : 'header file';
  if (kind === 'build-output') return 'object or binary by extension';
  if (kind === 'bpftrace') return '.bt script';
  return 'not a source kind study-bot checks';
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

function readPrefix(
  content: string | Uint8Array,
  size: number | undefined,
): { text: string; binary?: string; truncated: boolean } {
  if (typeof content === 'string') {
    const truncated = content.length > CLASSIFY_READ_BYTES || (size ?? 0) > CLASSIFY_READ_BYTES;
    const text = content.slice(0, CLASSIFY_READ_BYTES);
    return { text, truncated, ...(text.startsWith('\x7fELF') ? { binary: 'ELF file' } : {}) };
  }
  const bytes = content.subarray(0, CLASSIFY_READ_BYTES);
  const truncated = content.length > CLASSIFY_READ_BYTES || (size ?? 0) > CLASSIFY_READ_BYTES;
  if (ELF_MAGIC.every((b, i) => bytes[i] === b)) return { text: '', binary: 'ELF file', truncated };
  // Git's own test for binary content: a NUL byte in the first 8000 bytes.
  if (bytes.subarray(0, 8000).includes(0)) return { text: '', binary: 'binary (NUL byte)', truncated };
  return { text: new TextDecoder('utf-8').decode(bytes), truncated };
}

/** Lines of the text, each cut to MAX_LINE characters (patterns only ever see those). */
function splitBounded(text: string): string[] {
  return text.split('\n').map((l) => (l.length > MAX_LINE ? l.slice(0, MAX_LINE) : l));
}

// ---- C ---------------------------------------------------------------------------------

/** The `#include`s of a C file or header, read from a bounded prefix like the rest. */
export function includesOf(content: string): CInclude[] {
  const includes: CInclude[] = [];
  splitBounded(content.slice(0, CLASSIFY_READ_BYTES)).forEach((line, i) => {
    const inc = INCLUDE.exec(line);
    if (inc) includes.push({ target: inc[2], quoted: inc[1] === '"', line: i + 1 });
  });
  return includes;
}

const INCLUDE = /^\s*#\s*include\s*([<"])([^<>"]{1,255})[>"]/;
const SEC_CALL = /\bSEC\(\s*"([^"]{1,200})"\s*\)/;
/** Data sections that are not programs (maps, license, globals). */
const DATA_SECTION = /^(?:\.|license$|version$|maps$)/;
/** `int name(` or `int BPF_KPROBE(name,` — the declarator after a SEC() line. */
const FUNCTION_HEAD = /^\s*(?:static\s+)?(?:__always_inline\s+)?(?:inline\s+)?(?:unsigned\s+)?[A-Za-z_]\w*(?:\s+|\s*\*[\s*]*)([A-Za-z_]\w*)\s*\(\s*([A-Za-z_]\w*)?/;
const LIBBPF_HEADERS = /(?:^|\/)(?:vmlinux\.h|bpf_helpers\.h|bpf_tracing\.h|bpf_core_read\.h|bpf_endian\.h)$/;
/** BCC's rewriter macros and headers: C with these only compiles inside BCC. */
const BCC_MARKER =
  /\b(?:BPF_(?:HASH|ARRAY|HISTOGRAM|PERF_OUTPUT|RINGBUF_OUTPUT|STACK_TRACE|PERCPU_ARRAY|PERCPU_HASH|TABLE|PROG_ARRAY|LPM_TRIE|QUEUE|DEVMAP|CPUMAP|XSKMAP|SOCKMAP|SOCKHASH|CGROUP_ARRAY|TASK_STORAGE|INODE_STORAGE|SK_STORAGE)|TRACEPOINT_PROBE|RAW_TRACEPOINT_PROBE|KFUNC_PROBE|KRETFUNC_PROBE|LSM_PROBE)\s*\(|\.(?:perf_submit|ringbuf_output|lookup_or_try_init|lookup_or_init|increment|atomic_increment)\s*\(/;
const BCC_HEADERS = /^(?:uapi\/linux\/ptrace\.h|bcc\/proto\.h|bcc\/helpers\.h)$/;
const MAIN = /\bint\s+main\s*\(/;
const USERSPACE_HEADERS = /^(?:stdio\.h|unistd\.h|stdlib\.h|bpf\/libbpf\.h|bpf\/bpf\.h|signal\.h|pthread\.h|sys\/socket\.h)$/;
const SKELETON_HEADER = /\.skel\.h$/;

function classifyC(lines: string[]): Omit<ProjectFileClass, 'path'> {
  const includes: CInclude[] = [];
  const programs: BpfProgramRef[] = [];
  let sections = 0;
  let bccMarker = false;
  let hasMain = false;
  let inComment = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    // Block comments are skipped line by line (a commented-out SEC() is not a program).
    if (inComment) {
      if (line.includes('*/')) inComment = false;
      continue;
    }
    const trimmed = line.trimStart();
    if (trimmed.startsWith('//')) continue;
    if (trimmed.startsWith('/*')) {
      inComment = !line.includes('*/', line.indexOf('/*') + 2);
      continue;
    }
    const inc = INCLUDE.exec(line);
    if (inc) {
      includes.push({ target: inc[2], quoted: inc[1] === '"', line: i + 1 });
      continue;
    }
    if (!bccMarker && BCC_MARKER.test(line)) bccMarker = true;
    if (!hasMain && MAIN.test(line)) hasMain = true;
    const sec = SEC_CALL.exec(line);
    if (!sec) continue;
    sections++;
    if (DATA_SECTION.test(sec[1])) continue;
    programs.push({ section: sec[1], functionName: functionAfter(lines, i, sec.index + sec[0].length), line: i + 1 });
  }
  const libbpfInclude = includes.some((inc) => LIBBPF_HEADERS.test(inc.target));
  const bccInclude = includes.some((inc) => !inc.quoted && BCC_HEADERS.test(inc.target));
  const userspaceInclude = includes.some(
    (inc) => (!inc.quoted && USERSPACE_HEADERS.test(inc.target)) || SKELETON_HEADER.test(inc.target),
  );
  const facts = { includes };
  if (programs.length > 0 && !hasMain) {
    return { kind: 'libbpf-c', reason: 'SEC() programs', programs, ...facts };
  }
  if (hasMain || (userspaceInclude && !libbpfInclude && !bccMarker)) {
    return { kind: 'userspace-c', reason: hasMain ? 'defines main()' : 'user-space headers', ...facts };
  }
  if (bccMarker || bccInclude) {
    return { kind: 'bcc-c', reason: bccInclude ? 'BCC headers' : 'BCC macros', ...facts };
  }
  if (libbpfInclude || sections > 0) {
    // Helpers, maps or license only: libbpf C without a program of its own.
    return { kind: 'libbpf-c', reason: 'libbpf headers, no program', programs, ...facts };
  }
  return { kind: 'other', reason: 'C without eBPF or main()', ...facts };
}

/** The function a SEC() line annotates: the rest of its line, else the next three lines. */
function functionAfter(lines: string[], at: number, column: number): string {
  const candidates = [lines[at].slice(column), ...lines.slice(at + 1, at + 4)];
  for (const text of candidates) {
    if (text.trim() === '') continue;
    const head = FUNCTION_HEAD.exec(text);
    if (!head) continue;
    // `int BPF_KPROBE(do_unlinkat, ...)`: the macro defines the function named first.
    if (/^BPF_[A-Z_]+$/.test(head[1]) && head[2]) return head[2];
    return head[1];
  }
  return '';
}

// ---- Python ------------------------------------------------------------------------------

const BCC_IMPORT = /^\s*(?:from\s+bcc(?:\.\w+)?\s+import\b|import\s+bcc\b)/;
const BPF_CALL = /\bBPF\s*\(/;
const SRC_FILE = /\bsrc_file\s*=\s*(?:[rbuRBU]{0,2})["']([^"'\n]{1,255})["']/;
const OPEN_C = /\bopen\s*\(\s*(?:[rbuRBU]{0,2})["']([^"'\n]{1,255}\.c)["']/;
const TEXT_ARG = /\btext\s*=/;

function classifyPython(path: string, lines: string[]): Omit<ProjectFileClass, 'path'> {
  let imported = false;
  let inline = false;
  let firstCall: number | undefined;
  const sources: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!imported && BCC_IMPORT.test(line)) imported = true;
    const src = SRC_FILE.exec(line) ?? OPEN_C.exec(line);
    if (src) addSource(sources, path, src[1]);
    if (BPF_CALL.test(line)) {
      firstCall ??= i + 1;
      if (TEXT_ARG.test(line)) inline = true;
    }
  }
  if (!imported) return { kind: 'other', reason: 'Python without bcc' };
  // `open("x.c").read()` passed as text= is the file, not inline C.
  if (inline && sources.length > 0 && !lines.some((l) => /"""|'''/.test(l))) inline = false;
  const loads: BccLoads = { inline, sourceFiles: sources, ...(firstCall ? { line: firstCall } : {}) };
  return { kind: 'bcc-python', reason: 'imports bcc', loads };
}

/** A path named in a script, resolved next to it; paths that climb out of the repo are dropped. */
function addSource(into: string[], scriptPath: string, named: string): void {
  if (named.startsWith('/')) return;
  const resolved = posix.normalize(posix.join(posix.dirname(scriptPath), named));
  if (resolved.startsWith('../') || resolved === '..') return;
  if (!into.includes(resolved)) into.push(resolved);
}

// ---- Go --------------------------------------------------------------------------------

const GO_GENERATE = /^\s*\/\/go:generate\s(.*)$/;

function classifyGo(path: string, lines: string[]): Omit<ProjectFileClass, 'path'> {
  const embeds: NonNullable<ProjectFileClass['embeds']> = [];
  for (let i = 0; i < lines.length; i++) {
    const gen = GO_GENERATE.exec(lines[i]);
    if (!gen || !gen[1].includes('bpf2go')) continue;
    const words = gen[1].split(/\s+/).filter(Boolean);
    const dash = words.indexOf('--');
    const before = dash < 0 ? words : words.slice(0, dash);
    const cflags = dash < 0 ? [] : words.slice(dash + 1);
    const sources: string[] = [];
    for (const word of before.slice(before.findIndex((w) => w.includes('bpf2go')) + 1)) {
      if (word.endsWith('.c')) addSource(sources, path, stripQuotes(word));
    }
    embeds.push({ sources, cflags, line: i + 1 });
  }
  if (embeds.length === 0) return { kind: 'other', reason: 'Go without bpf2go' };
  return { kind: 'go-bpf2go', reason: '//go:generate bpf2go', embeds };
}

function stripQuotes(word: string): string {
  return word.replace(/^["']/, '').replace(/["']$/, '');
}
