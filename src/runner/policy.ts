import { isLookalikeToken, lookalikeMessage } from '../oneliners/lookalikes.js';
import { parseBpftraceArgs } from '../oneliners/bpftrace-options.js';
import type { OneLiner } from '../oneliners/types.js';
import { hasWildcard, listPattern, periodMs, type AttachPoint } from './attach-point.js';
import { HOST_DENIED_BCC_TOOLS, bccToolName } from './bcc-tools.js';
import { lexBpftrace, significantTokens } from './bpftrace-lexer.js';
import { macroDefinition } from './macro-definition.js';
import { readProgram, type Directive, type ProgramFacts } from './program-facts.js';

/**
 * The safety policy, which depends on where the program runs.
 *
 * - `host`: bpftrace runs as root on a kernel shared with something else (`study-bot verify`
 *   on a member's machine, a runner behind STUDY_BOT_UNSAFE_HOST_RUNNER=1). Strict: nothing
 *   that reads files, writes files, runs commands, rewrites the program through macros or
 *   attaches to raw addresses.
 * - `vm`: bpftrace runs in a throwaway VM with no secrets, which is the boundary. Only the
 *   limits that keep the VM alive and the reply readable stay: program size, probe count,
 *   interval/profile rates, the options that would hand control of bpftrace to the member
 *   (`--unsafe`, `-c`, `-o`, `-p`, words after `--`), and bpftrace's own safe mode. `system()`,
 *   `signal()` and `override()` stay refused: bpftrace refuses them without `--unsafe` anyway, and
 *   a command run as root in the guest could rewrite the verdicts the guest reports.
 *
 * Neither is a boundary (a root tracing program reads any memory of its kernel); the policy
 * explains refusals early. Pure: the one check that needs the machine (how many functions a
 * wildcard matches) is returned as `wildcards` for the caller to count and then judged by
 * `checkWildcardCounts`. Every denial names its rule.
 */
export type Isolation = 'host' | 'vm';

export interface PolicyOptions {
  /** Where the program will run; 'host' (strict) when not given. */
  isolation?: Isolation;
}

export type PolicyDecision =
  | {
      ok: true;
      /** argv built by us; never the member's text, never through a shell. */
      argv: string[];
      /** Wildcard attach points, as `bpftrace -l` patterns, whose matches must be counted. */
      wildcards: string[];
      /** Attach points without a wildcard: each is one probe. */
      fixedProbes: number;
      /** The longest interval/profile period in the program (run at least this long), ms. */
      longestPeriodMs: number;
    }
  | { ok: false; rule: PolicyRule; message: string };

export type PolicyRule =
  | 'shell-syntax' | 'option' | 'argument' | 'program-size' | 'unsafe-function' | 'file-read'
  | 'skboutput' | 'include' | 'preprocessor' | 'macro' | 'struct' | 'config' | 'raw-address' | 'iter'
  | 'watchpoint' | 'wildcard' | 'interval-rate' | 'profile-rate' | 'bcc-tool' | 'bcc-argument'
  | 'not-a-one-liner';

interface Limits {
  programBytes: number;
  /** Probes of the whole program: wildcard matches summed, plus one per other attach point. */
  probes: number;
  minIntervalMs: number;
  maxProfileHz: number;
}

export const LIMITS: Record<Isolation, Limits> = {
  host: { programBytes: 4096, probes: 200, minIntervalMs: 10, maxProfileHz: 99 },
  // bpftrace's own suite runs once with `interval:ms:1 { …; exit(); }` and samples at 599 Hz;
  // faster than 1 kHz starves a 2-vCPU guest under emulation.
  vm: { programBytes: 4096, probes: 200, minIntervalMs: 1, maxProfileHz: 1000 },
};

type Denial = Extract<PolicyDecision, { ok: false }>;
const deny = (rule: PolicyRule, message: string): Denial => ({ ok: false, rule, message });

/** `-B` values and the harmless flags; `-f` is accepted but replaced by our `-f json`. */
const BUFFERING = new Set(['line', 'full', 'none']);
const FORMATS = new Set(['text', 'json']);
/** A positional parameter: a plain word that getopt can never read as an option. */
const SAFE_POSITIONAL = /^(?:[\w.:@%+][\w.:@%+-]{0,63})?$/;
const SAFE_LIST_PATTERN = /^[\w.:*?/[\]@-]{1,256}$/;

export function checkPolicy(oneLiner: OneLiner, options: PolicyOptions = {}): PolicyDecision {
  const isolation = options.isolation ?? 'host';
  const lookalikes = oneLiner.shellSyntax.filter(isLookalikeToken);
  if (lookalikes.length > 0) {
    // not "shell syntax": the member wrote one command, through a chat app that curled its quotes
    const message = lookalikeMessage(lookalikes);
    return deny('shell-syntax', `${message.ko} (${message.en})`);
  }
  if (oneLiner.shellSyntax.length > 0) {
    return deny('shell-syntax',
      `셸 문법(${oneLiner.shellSyntax.join(' ')})은 러너에서 실행하지 않습니다. 명령 하나만 적어 주세요 ` +
      `(shell syntax is never executed; write the bpftrace command alone).`);
  }
  if (oneLiner.kind === 'bcc-tool') return checkBccTool(oneLiner.argv, isolation);
  if (oneLiner.argv[0] !== 'bpftrace') return deny('not-a-one-liner', `bpftrace 명령이 아닙니다 (not a bpftrace command): ${oneLiner.argv[0]}`);

  const parsed = parseBpftraceArgs(oneLiner.argv.slice(1));
  if (parsed.afterEndOfOptions.length > 0) {
    return deny('argument',
      `-- 뒤의 단어(${JSON.stringify(parsed.afterEndOfOptions.join(' ').slice(0, 40))})는 bpftrace에 넘기지 않습니다 ` +
      `(words after -- are never passed to bpftrace; write positional parameters without --).`);
  }
  const kept: string[] = [];
  for (const { flag, value } of parsed.options) {
    if (flag === '-e' || flag === '-l') continue;
    if (flag === '-q' || flag === '-v' || flag === '-k') kept.push(flag);
    else if (flag === '-B' && value !== undefined && BUFFERING.has(value)) kept.push('-B', value);
    else if (flag === '-f' && value !== undefined && FORMATS.has(value)) continue;
    else return deny('option', optionMessage(flag));
  }

  if (oneLiner.kind === 'bpftrace-list' || parsed.list) {
    const patterns = parsed.positionals;
    if (patterns.length > 1 || (patterns[0] !== undefined && !SAFE_LIST_PATTERN.test(patterns[0]))) {
      return deny('argument', `bpftrace -l 에는 probe 패턴 하나만 쓸 수 있습니다 (one probe pattern only).`);
    }
    return { ok: true, argv: ['bpftrace', ...kept.filter((f) => f === '-v'), '-l', ...patterns], wildcards: [], fixedProbes: 0, longestPeriodMs: 0 };
  }

  const program = parsed.program;
  if (program === null) return deny('not-a-one-liner', 'bpftrace -e 프로그램이 없습니다 (no -e program).');
  for (const positional of parsed.positionals) {
    if (!SAFE_POSITIONAL.test(positional)) {
      return deny('argument', `프로그램 인자 ${JSON.stringify(positional.slice(0, 40))}는 허용되지 않습니다 ` +
        `(positional parameters must be plain words that do not start with '-').`);
    }
  }
  const programDecision = checkProgram(program, { isolation, positionals: parsed.positionals });
  if (!programDecision.ok) return programDecision;
  return {
    ok: true,
    argv: ['bpftrace', '-f', 'json', ...kept, '-e', program, ...parsed.positionals],
    wildcards: programDecision.wildcards,
    fixedProbes: programDecision.fixedProbes,
    longestPeriodMs: programDecision.longestPeriodMs,
  };
}

function optionMessage(flag: string): string {
  const why: Record<string, string> = {
    '--unsafe': '--unsafe는 system() 같은 위험한 함수를 켭니다 (enables system() and friends)',
    '-c': '-c 의 명령은 root로 실행됩니다 (its command runs as root)',
    '-p': '-p 는 러너의 다른 프로세스에 붙습니다 (attaches to a runner process)',
    '-o': '-o 는 러너에 파일을 씁니다 (writes a file on the runner)',
    '-I': '-I 는 러너의 헤더를 읽습니다 (reads headers from the runner)',
    '--include': '--include 는 러너의 파일을 읽습니다 (reads files from the runner)',
  };
  return `${flag} 옵션은 허용되지 않습니다: ${why[flag] ?? '러너는 -e, -l, -q, -v, -k, -B, -f 만 씁니다 (only -e -l -q -v -k -B -f are allowed)'}.`;
}

export interface ProgramOptions {
  isolation?: Isolation;
  /** The command's positional parameters: `$1` in an attach point becomes the first. */
  positionals?: readonly string[];
}

type ProgramDecision = { ok: true; wildcards: string[]; fixedProbes: number; longestPeriodMs: number } | Denial;

const UNSAFE_FUNCTIONS = new Set(['system', 'signal', 'override']);
/** Refused on the host only: in a VM they read or write the VM's own files. */
const HOST_ONLY_FUNCTIONS: Record<string, { rule: PolicyRule; why: string }> = {
  cat: { rule: 'file-read', why: '는 root 권한으로 아무 파일이나 읽습니다 (reads any file as root)' },
  skboutput: { rule: 'skboutput', why: '는 패킷을 파일로 씁니다 (writes packets to a file)' },
};

export function checkProgram(program: string, options: ProgramOptions = {}): ProgramDecision {
  const isolation = options.isolation ?? 'host';
  const limits = LIMITS[isolation];
  const size = Buffer.byteLength(program, 'utf8');
  if (size > limits.programBytes) {
    return deny('program-size', `프로그램이 ${size}바이트로 ${limits.programBytes}바이트 한도를 넘습니다 (program too large).`);
  }
  const facts = readProgram(program, options.positionals ?? []);
  const strict = isolation === 'host';

  for (const identifier of facts.codeIdentifiers) {
    const denial = checkFunctionName(identifier.text, strict);
    if (denial) return denial;
  }
  if (strict) {
    const denial = checkCDefinitions(facts);
    if (denial) return denial;
    if (facts.hasConfigBlock) {
      return deny('config', 'config = { ... } 블록은 러너의 한도를 바꿀 수 있어 허용되지 않습니다 (config blocks are not allowed).');
    }
  }

  const points = strict ? [...facts.attachPoints, ...facts.nestedAttachPoints] : facts.attachPoints;
  const wildcards: string[] = [];
  let fixedProbes = 0;
  let longestPeriodMs = 0;
  for (const point of points) {
    const denial = checkAttachPoint(point, limits, strict);
    if (denial) return denial;
    const period = periodMs(point);
    if (period !== null) longestPeriodMs = Math.max(longestPeriodMs, period);
    if (hasWildcard(point)) wildcards.push(listPattern(point));
    else fixedProbes++;
  }
  if (fixedProbes > limits.probes) return tooManyProbes(`${fixedProbes} attach points`, fixedProbes, limits);
  return { ok: true, wildcards: [...new Set(wildcards)], fixedProbes, longestPeriodMs };
}

function checkFunctionName(name: string, strict: boolean): Denial | null {
  if (UNSAFE_FUNCTIONS.has(name)) {
    return deny('unsafe-function', `${name}()는 러너에서 명령을 실행하거나 프로세스를 바꿉니다 (unsafe: runs commands or changes processes as root).`);
  }
  const hostOnly = Object.hasOwn(HOST_ONLY_FUNCTIONS, name) ? HOST_ONLY_FUNCTIONS[name]! : undefined;
  if (strict && hostOnly) return deny(hostOnly.rule, `${name}()${hostOnly.why}.`);
  return null;
}

function checkAttachPoint(point: AttachPoint, limits: Limits, strict: boolean): Denial | null {
  const { text, parts, type } = point;
  if (/[*?[\]]/.test(parts[0]!)) {
    return deny('wildcard', `${text}: probe 종류에는 와일드카드를 쓸 수 없습니다 (no wildcards in the probe type).`);
  }
  if (strict && (type === 'watchpoint' || type === 'asyncwatchpoint')) {
    return deny('watchpoint', `${text}: watchpoint는 허용되지 않습니다 (watchpoints are not allowed).`);
  }
  if (strict && type === 'iter') return deny('iter', `${text}: iter probe는 허용되지 않습니다 (iterators can pin files).`);
  if (strict && (type === 'kprobe' || type === 'kretprobe' || type === 'uprobe' || type === 'uretprobe') &&
      parts.slice(1).some((part) => /^(0x[0-9a-f]+|\d+)$/i.test(part) || /\+(0x[0-9a-f]+|\d+)$/i.test(part))) {
    return deny('raw-address', `${text}: 주소나 오프셋으로 붙는 probe는 허용되지 않습니다 (raw-address and offset probes are not allowed).`);
  }
  const period = periodMs(point);
  if (period !== null && Number.isNaN(period)) {
    const rule = type === 'profile' ? 'profile-rate' : 'interval-rate';
    return deny(rule, `${text}: 주기를 읽을 수 없습니다. interval:ms:100 처럼 써 주세요 (write the rate as unit:number, e.g. interval:ms:100).`);
  }
  if (type === 'interval' && period !== null && period < limits.minIntervalMs) {
    return deny('interval-rate', `${text}: interval은 ${limits.minIntervalMs}ms 이상이어야 합니다 (interval under ${limits.minIntervalMs} ms).`);
  }
  if (type === 'profile' && period !== null && 1000 / period > limits.maxProfileHz) {
    return deny('profile-rate', `${text}: profile은 ${limits.maxProfileHz}Hz 이하여야 합니다 (profile over ${limits.maxProfileHz} Hz).`);
  }
  return null;
}

/**
 * The host's rules for what goes to clang: includes only of system headers (`#include <linux/…>`,
 * `<net/…>`, `<sys/…>`…), macros that cannot rename a function or move a string's or comment's edges,
 * struct definitions without directives.
 */
const HOST_DIRECTIVES = new Set(['include', 'define', 'undef', 'ifdef', 'ifndef', 'else', 'endif']);
/** Kernel and libc headers as bpftrace's own tools include them (tcpconnect.bt: `<sys/socket.h>`). */
const KERNEL_HEADER = /^[ \t]*<(?:linux|net|sys|netinet|asm|asm-generic|uapi)\/[\w./-]+>[ \t]*(?:\/\/.*)?$/;
/** What a macro's joined value may hold: names, numbers, operators; no quote, comment, `#`, brace or `;`. */
const SAFE_MACRO_VALUE = /^[\w()+\-*<>|&~^!%.,?:=[\] \t]*$/;

function checkCDefinitions(facts: ProgramFacts): Denial | null {
  const macroNames = new Set<string>();
  for (const directive of facts.directives) {
    const denial = checkDirective(directive, macroNames);
    if (denial) return denial;
  }
  for (const identifier of facts.attachIdentifiers) {
    if (macroNames.has(identifier.text)) {
      return deny('macro', `${identifier.text}: probe 이름에 매크로를 쓸 수 없습니다 (macros cannot be used in attach points).`);
    }
  }
  for (const definition of facts.structDefinitions) {
    if (/[#\\]|\?\?|_Pragma|__has_include|__FILE__/.test(definition.text)) {
      return deny('struct', 'struct 정의 안에는 전처리 지시문을 쓸 수 없습니다 (no preprocessor directives inside struct definitions).');
    }
  }
  return null;
}

function checkDirective(directive: Directive, macroNames: Set<string>): Denial | null {
  const { name, rest, token } = directive;
  const shown = token.text.split('\n', 1)[0]!.slice(0, 60);
  if (/[\\\n]|\?\?/.test(token.text) || !HOST_DIRECTIVES.has(name)) {
    return deny(name.startsWith('include') || name === 'import' ? 'include' : 'preprocessor',
      `${shown}: #include <linux/...>, #define 등 정해진 전처리 지시문만 허용됩니다 ` +
      `(only #include <linux/...>/<net/...>/<sys/...>, #define, #undef, #ifdef, #ifndef, #else, #endif).`);
  }
  if (name === 'include' && (!KERNEL_HEADER.test(rest) || rest.includes('..'))) {
    return deny('include', `${shown}: <linux/...>, <net/...>, <sys/...> 같은 시스템 헤더만 허용됩니다 (only kernel and system headers: linux, net, sys, netinet, asm, uapi).`);
  }
  if (name === 'define') {
    const macro = macroDefinition(rest);
    if (!macro) return null;
    macroNames.add(macro.name);
    if (!SAFE_MACRO_VALUE.test(macro.value)) {
      return deny('macro', `${shown}: 매크로 값에는 이름, 숫자, 연산자만 쓸 수 있습니다 (macro values may hold names, numbers and operators only).`);
    }
    for (const token of significantTokens(lexBpftrace(macro.value))) {
      if (token.kind === 'struct-type' || token.kind === 'struct-def') {
        return deny('macro', `${shown}: 매크로 값에 struct/union/enum을 쓸 수 없습니다 (no struct/union/enum in macro values).`);
      }
      if (token.kind === 'ident') {
        const denial = checkFunctionName(token.text, true);
        if (denial) return { ...denial, message: `#define ${macro.name}: ${denial.message}` };
      }
    }
  }
  return null;
}

function tooManyProbes(what: string, count: number, limits: Limits): Denial {
  return deny('wildcard', `${what}: probe ${count}개에 붙게 됩니다. 프로그램 전체에서 ${limits.probes}개 이하로 좁혀 주세요 ` +
    `(the program would attach ${count} probes; at most ${limits.probes} in total).`);
}

/**
 * Judges the counted matches of the wildcards `checkPolicy` returned, summed over the whole
 * program with its other attach points. A wildcard that could not be counted (null) is
 * refused: an uncounted `kfunc:*` may be tens of thousands of probes.
 */
export function checkWildcardCounts(
  counts: ReadonlyMap<string, number | null>,
  fixedProbes = 0,
  options: PolicyOptions = {},
): Denial | null {
  const limits = LIMITS[options.isolation ?? 'host'];
  let total = fixedProbes;
  for (const [pattern, count] of counts) {
    if (count === null) {
      return deny('wildcard', `${pattern}: 일치하는 함수 수를 셀 수 없어 실행하지 않습니다 (cannot count the wildcard's matches on this runner).`);
    }
    total += count;
  }
  if (total > limits.probes) {
    return tooManyProbes([...counts.keys()].join(', '), total, limits);
  }
  return null;
}

/** The bcc tool's own arguments must be plain words (no paths, no programs). */
const BCC_ARGUMENT = /^[\w.,:=%+-]{0,64}$/;

function checkBccTool(argv: string[], isolation: Isolation): PolicyDecision {
  const [written, ...args] = argv as [string, ...string[]];
  const name = bccToolName(written);
  if (name === null) {
    return deny('bcc-tool', `${written.slice(0, 64)}: 알려진 bcc 도구 이름이 아닙니다 (not a known bcc tool; write e.g. execsnoop-bpfcc).`);
  }
  if (isolation === 'host' && HOST_DENIED_BCC_TOOLS.has(name)) {
    return deny('bcc-tool', `${written}: 러너의 커널을 바꾸거나 다른 프로세스의 비밀을 읽는 도구입니다 (changes the runner's kernel or reads other processes' secrets).`);
  }
  // memleak's -c/--command runs a program (argparse also takes `-ac x`, `-cx`, `--comma x`).
  if (name.startsWith('memleak') && args.some((arg) => /^-[^-]*c/.test(arg) || /^--comma/.test(arg))) {
    return deny('bcc-argument', `${written}: -c/--command는 명령을 root로 실행합니다 (runs a command as root); PID를 주세요 (-p PID).`);
  }
  const bad = args.find((arg) => !BCC_ARGUMENT.test(arg));
  if (bad !== undefined) {
    return deny('bcc-argument', `bcc 도구 인자 ${JSON.stringify(bad.slice(0, 40))}는 허용되지 않습니다 (tool arguments must be plain words).`);
  }
  return { ok: true, argv: [written, ...args], wildcards: [], fixedProbes: 0, longestPeriodMs: 0 };
}
