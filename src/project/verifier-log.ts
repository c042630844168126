/**
 * Explains a verifier rejection: which class of mistake it is, the log's decisive lines, and
 * the member's source line it is about. Pure: it reads the log tail the guest sent and the
 * sources the host sent, nothing else.
 *
 * The verifier annotates its instruction log with the C source line of each instruction from
 * the program's BTF line info (`-g`): `; *value += 1;` (6.1) or `; *value += 1; @ x.bpf.c:16`
 * (6.4 and later). The last annotation before the error is the line that failed; on 6.1 it is
 * found by its text in the member's file.
 */
export type VerifierClass =
  | 'null-check'
  | 'unbounded-loop'
  | 'stack-limit'
  | 'helper-not-allowed'
  | 'gpl-only'
  | 'btf-core'
  | 'context-access'
  | 'kernel-too-old'
  | 'other';

interface ClassRule {
  id: VerifierClass;
  test: RegExp;
  ko: string;
  en: string;
}

/** In the order checked: the first whose pattern is in the log's last lines wins. */
const RULES: ClassRule[] = [
  {
    id: 'null-check',
    test: /invalid mem access '\w*or_null'|R\d+ type=\w*or_null expected/,
    ko: 'NULL 확인 없이 포인터를 썼습니다: bpf_map_lookup_elem() 같은 함수는 NULL을 돌려줄 수 있으니 `if (!value) return 0;`로 먼저 확인하세요.',
    en: 'a pointer used without a NULL check: bpf_map_lookup_elem() and friends may return NULL, so check it first (`if (!value) return 0;`).',
  },
  {
    id: 'unbounded-loop',
    test: /back-edge from insn|infinite loop detected|BPF program is too large|loop is not bounded|The sequence of \d+ jumps is too complex/,
    ko: '끝이 보장되지 않는 반복문(또는 너무 복잡한 프로그램): 검증기가 모든 경로를 끝까지 볼 수 없습니다. 반복 횟수에 상수 상한을 두거나 bpf_loop()를 쓰세요.',
    en: 'a loop the verifier cannot prove ends (or a program too complex): give the loop a constant bound, or use bpf_loop().',
  },
  {
    id: 'stack-limit',
    test: /stack limit|combined stack size|invalid (?:write|read) to stack R10 off=-\d{3,}|invalid indirect access to stack R\d+ off=-\d{3,}/,
    ko: 'BPF 스택(512바이트)을 넘었습니다: 큰 배열이나 구조체는 per-CPU 배열 맵에 두세요.',
    en: 'the BPF stack (512 bytes) is exceeded: keep large arrays or structs in a per-CPU array map.',
  },
  {
    id: 'gpl-only',
    test: /cannot call GPL-restricted function/,
    ko: 'GPL 전용 헬퍼를 썼습니다: `char LICENSE[] SEC("license") = "GPL";`(또는 "Dual BSD/GPL")을 넣으세요.',
    en: 'a GPL-only helper: declare a GPL-compatible license (`char LICENSE[] SEC("license") = "GPL";`).',
  },
  {
    id: 'kernel-too-old',
    test: /not found in kernel(?: or module)? BTFs?|unknown program type|prog type \d+ not supported|failed to guess program type/,
    ko: '이 커널에 없는 기능입니다 (kfunc, 프로그램 타입, 붙는 곳): 더 새 커널이 필요하거나 SEC() 이름이 틀렸습니다.',
    en: 'a feature this kernel does not have (a kfunc, program type or attach point): it needs a newer kernel, or the SEC() name is wrong.',
  },
  {
    id: 'btf-core',
    test: /invalid func unknown#195896080|CO-RE relocat|failed to resolve CO-RE|BTF is required|missing BTF|failed to find kernel BTF type|invalid btf|BTF [^\n]{0,80}not found/i,
    ko: 'BTF/CO-RE 문제: 커널의 BTF에 없는 타입·필드를 읽거나 BTF 정보가 없습니다. vmlinux.h가 이 커널 것인지, 필드 이름이 맞는지, `-g`로 컴파일했는지 확인하세요.',
    en: 'a BTF/CO-RE problem: a type or field this kernel\'s BTF does not have, or BTF missing. Check the field names, that vmlinux.h matches, and that it was compiled with -g.',
  },
  {
    id: 'helper-not-allowed',
    test: /unknown func \w+#\d+|program of this type cannot use helper|helper call is not allowed|cannot call \w+ from|not allowed in \w+ program/,
    ko: '이 프로그램 타입에서 쓸 수 없는 헬퍼입니다: SEC() 이름(프로그램 타입)과 헬퍼가 맞는지 확인하세요 (`bpftool feature probe`가 목록을 보여 줍니다).',
    en: 'a helper this program type may not call: check that the SEC() name (the program type) fits the helper (`bpftool feature probe` lists them).',
  },
  {
    id: 'context-access',
    test: /invalid bpf_context access|invalid mem access 'scalar'|R\d+ invalid mem access '\w+'/,
    ko: '허용되지 않는 메모리 접근: 커널 메모리는 bpf_probe_read_kernel()이나 BPF_CORE_READ()로 읽고, 컨텍스트(ctx)는 허용된 필드만 읽으세요.',
    en: 'a memory access the verifier does not allow: read kernel memory through bpf_probe_read_kernel() or BPF_CORE_READ(), and only the allowed fields of ctx.',
  },
];

const KERNEL_TOO_OLD = {
  ko: '이 커널이 이 프로그램 타입이나 붙는 곳을 지원하지 않는 것 같습니다 (검증기 로그 없이 거부): 커널 버전과 SEC() 이름을 확인하세요.',
  en: 'this kernel does not seem to support the program type or its attach point (rejected without a verifier log): check the kernel version and the SEC() name.',
};

export interface Explanation {
  class: VerifierClass;
  /** Korean, then English in parentheses. */
  message: string;
  /** The log's decisive lines (the error, the instruction before it). */
  log: string[];
  /** The member's source line the verifier stopped at, when found. */
  at?: { file: string; line: number; text: string };
}

/**
 * `files` are the sources sent, by repo-relative path; `source` is the program's file (the
 * first searched for the annotated line).
 */
/**
 * `index`: the sources sent, indexed once per report (SourceIndex); `locate: false` explains
 * the class without looking for the source line (a report past its quota of located ones).
 */
export function explainRejection(input: { log: string; log4?: string; err: number; source: string; files: Map<string, string>; libbpf?: string; index?: SourceIndex; locate?: boolean }): Explanation {
  // The level-1 log ends with the error unless it overflowed its buffer (ENOSPC): then the
  // level-4 log, which always holds the error lines, decides the class.
  const lines = input.log.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');
  const errorLines = (input.log4 ?? '').split('\n').map((l) => l.trimEnd()).filter((l) => l !== '' && !/^processed \d+ insns|^verification time|^stack depth/.test(l));
  const body = lines.filter((l) => !/^processed \d+ insns|^verification time|^stack depth/.test(l));
  const tail = [...body.slice(-12), ...errorLines.slice(-6)].join('\n') + (input.libbpf ? `\n${input.libbpf}` : '');
  const rule = RULES.find((r) => r.test.test(tail));
  // libbpf writes what it could not relocate into the verifier log too (after the poisoned call).
  const named = namedByLibbpf([input.libbpf ?? '', ...errorLines.slice(-6), ...body.slice(-6)].join('\n'));
  const decisive = errorLines.length && !errorLines.some((l) => body.slice(-6).includes(l)) ? errorLines.slice(-4) : decisiveLines(body);
  // libbpf names what it could not resolve (a CO-RE field, a kfunc): the line that uses it is
  // the member's mistake, not the last instruction the verifier annotated.
  const index = input.index ?? new SourceIndex(input.files);
  const at = input.locate === false ? undefined : ((named ? useOf(named, input.source, index) : undefined) ?? sourceLine(body, input.source, index));
  if (rule) return { class: rule.id, message: `${rule.ko} (${rule.en})`, log: decisive, ...(at ? { at } : {}) };
  if (body.length === 0 && errorLines.length === 0 && (input.err === 22 || input.err === 95 || input.err === 524)) {
    return { class: 'kernel-too-old', message: `${KERNEL_TOO_OLD.ko} (${KERNEL_TOO_OLD.en})`, log: decisive };
  }
  return {
    class: 'other',
    message: `검증기가 거부했습니다: 아래 로그의 마지막 줄이 이유입니다 (the verifier rejected it: the last log line below says why).`,
    log: decisive,
    ...(at ? { at } : {}),
  };
}

/**
 * What libbpf could not resolve: `struct task_struct___x.field (0:0 @ offset 0)` names the
 * field, `extern (func ksym) 'bpf_cpumask_create': not found` the kfunc.
 */
function namedByLibbpf(libbpf: string | undefined): RegExp | undefined {
  if (!libbpf) return undefined;
  const field = /failed to resolve CO-RE relocation[^\n]*? (?:struct|union) \w+\.(\w+)/.exec(libbpf);
  if (field) return new RegExp(`(?:->|CORE_READ\\(.*,\\s*)${field[1]}\\b`);
  const extern = /extern \([^)]*\) '(\w+)': not found/.exec(libbpf);
  if (extern) return new RegExp(`^(?!\\s*extern\\b).*\\b${extern[1]}\\s*\\(`);
  return undefined;
}

function useOf(pattern: RegExp, source: string, index: SourceIndex): Explanation['at'] | undefined {
  for (const file of index.order(source)) {
    const lines = index.lines(file);
    // A report searches at most SCAN_BUDGET lines this way, whatever the guest names.
    const found = lines.findIndex((l) => index.spend() && l.length > 0 && l.length < 1000 && pattern.test(l));
    if (found !== -1) return { file, line: found + 1, text: lines[found]!.trim() };
  }
  return undefined;
}

/** The error (last line) and up to three instruction or annotation lines before it. */
function decisiveLines(body: string[]): string[] {
  if (body.length === 0) return [];
  const last = body.length - 1;
  const picked = [body[last]!];
  for (let i = last - 1; i >= 0 && picked.length < 4; i--) {
    const l = body[i]!;
    if (/^\d+: \(/.test(l) || l.startsWith('; ')) picked.unshift(l);
  }
  return picked.map((l) => (l.length > 300 ? `${l.slice(0, 299)}…` : l));
}

const ANNOTATED = /^; (.*?)(?: @ ([^:@]+):(\d+))?$/;

function sourceLine(body: string[], source: string, index: SourceIndex): Explanation['at'] | undefined {
  for (let i = body.length - 1; i >= 0; i--) {
    const m = ANNOTATED.exec(body[i]!);
    if (!m) continue;
    const text = m[1]!.trim();
    if (m[3] && Number(m[3]) > 0) {
      const named = index.files().find((p) => p === m[2] || p.endsWith(`/${m[2]}`)) ?? source;
      return { file: named, line: Number(m[3]), text };
    }
    if (text === '') continue;
    for (const file of index.order(source)) {
      const line = index.lineOf(file, text);
      if (line) return { file, line, text };
    }
    return undefined;
  }
  return undefined;
}

/**
 * The sources sent, each split into lines once, with the first line of each trimmed text: a
 * report explains many rejected programs against the same files, and a compromised guest's
 * answer may hold a thousand of them over 2 MiB of headers (splitting every file again for
 * each program held the event loop for minutes, attack review four).
 */
export class SourceIndex {
  private readonly split = new Map<string, string[]>();
  /** lines a report may test against the names libbpf gives (useOf): a few times 2 MiB of one-character lines */
  private budget = 4_000_000;
  private readonly firstLine = new Map<string, Map<string, number>>();

  constructor(private readonly sources: Map<string, string>) {}

  files(): string[] {
    return [...this.sources.keys()];
  }

  /** One line's test out of the report's budget; false once it is spent. */
  spend(): boolean {
    return this.budget-- > 0;
  }

  /** `source` first, then the other files in the order they were sent. */
  order(source: string): string[] {
    return [source, ...this.files().filter((f) => f !== source)];
  }

  lines(file: string): string[] {
    let lines = this.split.get(file);
    if (!lines) this.split.set(file, (lines = (this.sources.get(file) ?? '').split('\n')));
    return lines;
  }

  /** The 1-based line whose trimmed text is `text` (the kernel prints it left-trimmed). */
  lineOf(file: string, text: string): number | undefined {
    let first = this.firstLine.get(file);
    if (!first) {
      first = new Map();
      this.lines(file).forEach((l, i) => {
        const key = l.trim();
        if (!first!.has(key)) first!.set(key, i + 1);
      });
      this.firstLine.set(file, first);
    }
    return first.get(text);
  }
}

/** `processed 85 insns (limit 1000000) max_states_per_insn 0 total_states 7 peak_states 7 mark_read 0` */
export function parseStats(stats: string): { insns: number; total: number; peak: number } | undefined {
  const m = /processed (\d+) insns.*?total_states (\d+) peak_states (\d+)/.exec(stats);
  return m ? { insns: Number(m[1]), total: Number(m[2]), peak: Number(m[3]) } : undefined;
}

/**
 * clang's first error (`x.bpf.c:12:5: error: ...`) as a file and line; the BPF stack limit is
 * a clang error too (`Looks like the BPF stack limit of 512 bytes is exceeded`).
 */
export function firstCompileError(stderr: string): { file: string; line: number; message: string; class?: VerifierClass } | undefined {
  for (const l of stderr.split('\n')) {
    const m = /^(.+?):(\d+):\d+: (?:fatal )?error: (.*)$/.exec(l);
    if (m) {
      const stack = /stack limit/.test(m[3]!);
      return { file: m[1]!, line: Number(m[2]), message: m[3]!, ...(stack ? { class: 'stack-limit' as const } : {}) };
    }
    const s = /^(?:error: )?(.+?):(\d+):\d+: in function .*Looks like the BPF stack limit/.exec(l);
    if (s) return { file: s[1]!, line: Number(s[2]), message: l, class: 'stack-limit' };
  }
  return undefined;
}

export function explainClass(id: VerifierClass): string | undefined {
  const rule = RULES.find((r) => r.id === id);
  return rule ? `${rule.ko} (${rule.en})` : undefined;
}

/** A class's explanation in both languages, for a reply that speaks one (the `/verify` comment). */
export function classExplanation(id: string): { ko: string; en: string } | undefined {
  if (id === 'kernel-too-old') return RULES.find((r) => r.id === id) ?? KERNEL_TOO_OLD;
  return RULES.find((r) => r.id === id);
}
