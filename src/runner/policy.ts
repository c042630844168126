import { parseBpftraceArgs } from '../oneliners/bpftrace-options.js';
import type { OneLiner } from '../oneliners/types.js';
import { hasWildcard, periodMs, probeType, scanProgram } from './program-scan.js';

/**
 * The safety policy: the runner is root and its output becomes a public comment, so only a
 * narrow, rebuilt command line runs. Pure: it decides from the one-liner alone; the one check
 * that needs the machine (how many functions a wildcard matches) is returned as `wildcards`
 * for the caller to count and then judged by `checkWildcardCounts`.
 *
 * Every denial names its rule, so a member can see exactly what to change.
 */
export type PolicyDecision =
  | {
      ok: true;
      /** argv built by us; never the member's text, never through a shell. */
      argv: string[];
      /** Attach points with wildcards whose matches must be counted before running. */
      wildcards: string[];
      /** The longest interval/profile period in the program (run at least this long), ms. */
      longestPeriodMs: number;
    }
  | { ok: false; rule: PolicyRule; message: string };

export type PolicyRule =
  | 'shell-syntax' | 'option' | 'argument' | 'program-size' | 'unsafe-function' | 'file-read'
  | 'skboutput' | 'include' | 'config' | 'raw-address' | 'iter' | 'watchpoint' | 'wildcard'
  | 'interval-rate' | 'profile-rate' | 'bcc-argument' | 'not-a-one-liner';

export const LIMITS = {
  programBytes: 4096,
  wildcardFunctions: 200,
  minIntervalMs: 10,
  maxProfileHz: 99,
} as const;

const deny = (rule: PolicyRule, message: string): PolicyDecision => ({ ok: false, rule, message });

/** `-B` values and the harmless flags; `-f` is accepted but replaced by our `-f json`. */
const BUFFERING = new Set(['line', 'full', 'none']);
const FORMATS = new Set(['text', 'json']);
const SAFE_POSITIONAL = /^[\w.:@%+-]{0,64}$/;
const SAFE_LIST_PATTERN = /^[\w.:*?/[\]@-]{1,256}$/;

export function checkPolicy(oneLiner: OneLiner): PolicyDecision {
  if (oneLiner.shellSyntax.length > 0) {
    return deny('shell-syntax',
      `셸 문법(${oneLiner.shellSyntax.join(' ')})은 러너에서 실행하지 않습니다. 명령 하나만 적어 주세요 ` +
      `(shell syntax is never executed; write the bpftrace command alone).`);
  }
  if (oneLiner.kind === 'bcc-tool') return checkBccTool(oneLiner.argv);
  if (oneLiner.argv[0] !== 'bpftrace') return deny('not-a-one-liner', `bpftrace 명령이 아닙니다 (not a bpftrace command): ${oneLiner.argv[0]}`);

  const parsed = parseBpftraceArgs(oneLiner.argv.slice(1));
  const kept: string[] = [];
  for (const { flag, value } of parsed.options) {
    if (flag === '-e' || flag === '-l') continue;
    if (flag === '-q' || flag === '-v') kept.push(flag);
    else if (flag === '-B' && value !== undefined && BUFFERING.has(value)) kept.push('-B', value);
    else if (flag === '-f' && value !== undefined && FORMATS.has(value)) continue;
    else return deny('option', optionMessage(flag));
  }

  if (oneLiner.kind === 'bpftrace-list' || parsed.list) {
    const patterns = parsed.positionals;
    if (patterns.length > 1 || (patterns[0] !== undefined && !SAFE_LIST_PATTERN.test(patterns[0]))) {
      return deny('argument', `bpftrace -l 에는 probe 패턴 하나만 쓸 수 있습니다 (one probe pattern only).`);
    }
    return { ok: true, argv: ['bpftrace', ...kept.filter((f) => f === '-v'), '-l', ...patterns], wildcards: [], longestPeriodMs: 0 };
  }

  const program = parsed.program;
  if (program === null) return deny('not-a-one-liner', 'bpftrace -e 프로그램이 없습니다 (no -e program).');
  for (const positional of parsed.positionals) {
    if (!SAFE_POSITIONAL.test(positional)) {
      return deny('argument', `프로그램 인자 ${JSON.stringify(positional.slice(0, 40))}는 허용되지 않습니다 (positional parameters must be plain words).`);
    }
  }
  const programDecision = checkProgram(program);
  if (!programDecision.ok) return programDecision;
  return {
    ok: true,
    argv: ['bpftrace', '-f', 'json', ...kept, '-e', program, ...parsed.positionals],
    wildcards: programDecision.wildcards,
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
  return `${flag} 옵션은 허용되지 않습니다: ${why[flag] ?? '러너는 -e, -l, -q, -v, -B, -f 만 씁니다 (only -e -l -q -v -B -f are allowed)'}.`;
}

const FORBIDDEN_CALLS: { pattern: RegExp; rule: PolicyRule; message: string }[] = [
  { pattern: /\b(system|signal|override)\s*\(/, rule: 'unsafe-function',
    message: '는 러너에서 명령을 실행하거나 프로세스를 바꿉니다 (unsafe: runs commands or changes processes as root)' },
  { pattern: /\b(cat)\s*\(/, rule: 'file-read', message: '는 root 권한으로 아무 파일이나 읽습니다 (reads any file as root)' },
  { pattern: /\b(skboutput)\s*\(/, rule: 'skboutput', message: '는 패킷을 파일로 씁니다 (writes packets to a file)' },
];

type ProgramDecision = { ok: true; wildcards: string[]; longestPeriodMs: number } | Extract<PolicyDecision, { ok: false }>;

export function checkProgram(program: string): ProgramDecision {
  const size = Buffer.byteLength(program, 'utf8');
  if (size > LIMITS.programBytes) {
    return deny('program-size', `프로그램이 ${size}바이트로 ${LIMITS.programBytes}바이트 한도를 넘습니다 (program too large).`) as ProgramDecision;
  }
  const { code, attachPoints } = scanProgram(program);
  for (const forbidden of FORBIDDEN_CALLS) {
    const match = forbidden.pattern.exec(code);
    if (match) return deny(forbidden.rule, `${match[1]}()${forbidden.message}.`) as ProgramDecision;
  }
  for (const include of code.matchAll(/#\s*include\s*([<"][^>"\n]*[>"]?)/g)) {
    if (!/^<(linux|net)\/[\w./-]+>$/.test(include[1]!) || include[1]!.includes('..')) {
      return deny('include', `#include ${include[1]}: <linux/...>, <net/...> 헤더만 허용됩니다 (only kernel headers).`) as ProgramDecision;
    }
  }
  if (/\bconfig\s*=/.test(code)) {
    return deny('config', 'config = { ... } 블록은 러너의 한도를 바꿀 수 있어 허용되지 않습니다 (config blocks are not allowed).') as ProgramDecision;
  }
  const wildcards: string[] = [];
  let longestPeriodMs = 0;
  for (const point of attachPoints) {
    const type = probeType(point);
    const parts = point.split(':');
    if (type === 'watchpoint' || type === 'asyncwatchpoint') {
      return deny('watchpoint', `${point}: watchpoint는 허용되지 않습니다 (watchpoints are not allowed).`) as ProgramDecision;
    }
    if (type === 'iter') return deny('iter', `${point}: iter probe는 허용되지 않습니다 (iterators can pin files).`) as ProgramDecision;
    if ((type === 'kprobe' || type === 'kretprobe' || type === 'uprobe' || type === 'uretprobe') &&
        parts.slice(1).some((part) => /^(0x[0-9a-f]+|\d+)$/i.test(part) || /\+(0x[0-9a-f]+|\d+)$/i.test(part))) {
      return deny('raw-address', `${point}: 주소로 붙는 probe는 허용되지 않습니다 (raw-address probes are not allowed).`) as ProgramDecision;
    }
    const period = periodMs(point);
    if (type === 'interval' && period !== null && period < LIMITS.minIntervalMs) {
      return deny('interval-rate', `${point}: interval은 ${LIMITS.minIntervalMs}ms 이상이어야 합니다 (interval under 10 ms).`) as ProgramDecision;
    }
    if (type === 'profile' && period !== null && 1000 / period > LIMITS.maxProfileHz) {
      return deny('profile-rate', `${point}: profile은 ${LIMITS.maxProfileHz}Hz 이하여야 합니다 (profile over 99 Hz).`) as ProgramDecision;
    }
    if (period !== null) longestPeriodMs = Math.max(longestPeriodMs, period);
    if (hasWildcard(point)) wildcards.push(point);
  }
  return { ok: true, wildcards, longestPeriodMs };
}

/** Judges the counted matches of the wildcards `checkPolicy` returned. */
export function checkWildcardCounts(counts: ReadonlyMap<string, number>): PolicyDecision | null {
  for (const [pattern, count] of counts) {
    if (count > LIMITS.wildcardFunctions) {
      return deny('wildcard', `${pattern}: ${count}개 함수에 붙게 됩니다. ${LIMITS.wildcardFunctions}개 이하로 좁혀 주세요 (wildcard matches too many functions).`);
    }
  }
  return null;
}

/** bcc tools run with their own arguments, which must be plain words (no paths, no programs). */
const BCC_NAME = /^[\w.+-]{1,64}$/;
const BCC_ARGUMENT = /^[\w.,:=%+-]{0,64}$/;

function checkBccTool(argv: string[]): PolicyDecision {
  const [name, ...args] = argv as [string, ...string[]];
  if (!BCC_NAME.test(name)) return deny('bcc-argument', `도구 이름이 올바르지 않습니다 (bad tool name): ${name.slice(0, 64)}`);
  const bad = args.find((arg) => !BCC_ARGUMENT.test(arg));
  if (bad !== undefined) {
    return deny('bcc-argument', `bcc 도구 인자 ${JSON.stringify(bad.slice(0, 40))}는 허용되지 않습니다 (tool arguments must be plain words).`);
  }
  return { ok: true, argv: [name, ...args], wildcards: [], longestPeriodMs: 0 };
}
