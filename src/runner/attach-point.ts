/**
 * Attach points as bpftrace's parser builds them: the provider and its `:`-separated parts,
 * with quoted parts unquoted (`tracepoint:syscalls:"sys_enter_*"` is still a wildcard).
 */
export interface AttachPoint {
  /** The text bpftrace's parser builds from the tokens (strings re-quoted, spaces gone). */
  text: string;
  /** `:`-separated parts, quotes removed; parts[0] is the provider as written. */
  parts: string[];
  /** The canonical provider (`k` is `kprobe`), or null when bpftrace has no such provider. */
  type: string | null;
}

const PROBE_TYPES: Record<string, string> = {
  kprobe: 'kprobe', k: 'kprobe', kretprobe: 'kretprobe', kr: 'kretprobe',
  uprobe: 'uprobe', u: 'uprobe', uretprobe: 'uretprobe', ur: 'uretprobe', usdt: 'usdt', U: 'usdt',
  tracepoint: 'tracepoint', t: 'tracepoint', rawtracepoint: 'rawtracepoint', rt: 'rawtracepoint',
  kfunc: 'kfunc', f: 'kfunc', fentry: 'kfunc', kretfunc: 'kretfunc', fr: 'kretfunc', fexit: 'kretfunc',
  profile: 'profile', p: 'profile', interval: 'interval', i: 'interval',
  software: 'software', s: 'software', hardware: 'hardware', h: 'hardware',
  watchpoint: 'watchpoint', w: 'watchpoint', asyncwatchpoint: 'asyncwatchpoint', aw: 'asyncwatchpoint',
  iter: 'iter', it: 'iter', BEGIN: 'BEGIN', END: 'END', self: 'self',
};

export function probeType(provider: string): string | null {
  return Object.hasOwn(PROBE_TYPES, provider) ? PROBE_TYPES[provider]! : null;
}

/**
 * Splits an attach point as bpftrace's AttachPointParser::lex_attachpoint does: `:` outside
 * quotes separates parts, `"` toggles quoting, a backslash escapes only inside quotes, and
 * `$N` outside quotes becomes the N-th positional parameter (inside the current part, even if
 * it holds a `:`).
 */
export function parseAttachPoint(text: string, positionals: readonly string[] = []): AttachPoint {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === ':' && !quoted) {
      parts.push(current);
      current = '';
    } else if (c === '"') quoted = !quoted;
    else if (quoted && c === '\\' && i + 1 < text.length) current += text[++i];
    else if (!quoted && c === '$') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"' && text[end] !== ':') end++;
      const index = Number(text.slice(i + 1, end));
      current += Number.isInteger(index) && index >= 1 ? (positionals[index - 1] ?? '') : text.slice(i, end);
      i = end - 1;
    } else current += c;
  }
  parts.push(current);
  return { text, parts, type: probeType(parts[0]!) };
}

/**
 * Period in milliseconds of an `interval:`/`profile:` attach point; null for other probes;
 * NaN when the rate is written in a way we do not read the same as bpftrace (then the
 * policy refuses rather than guess).
 */
export function periodMs(point: AttachPoint): number | null {
  const { parts, type } = point;
  if (type !== 'interval' && type !== 'profile') return null;
  if (parts.length !== 3) return Number.NaN;
  const value = parseBpftraceUint(parts[2]!);
  if (value === null || value <= 0) return Number.NaN;
  switch (parts[1]) {
    case 's': return value * 1000;
    case 'ms': return value;
    case 'us': return value / 1000;
    case 'hz': return 1000 / value;
    default: return Number.NaN;
  }
}

/**
 * bpftrace's int_parser::to_uint(str, 0) for the forms a member writes: `1_000`, `0x10`,
 * `1e3`, `010` (octal, as C's base 0), `10u`. Anything else is null.
 */
export function parseBpftraceUint(raw: string): number | null {
  const text = raw.replace(/_/g, '');
  const suffix = '(?:[uU][lL]?[lL]?|[lL][lL]?)?';
  let m: RegExpExecArray | null;
  if ((m = new RegExp(`^0[xX]([0-9a-fA-F]+)${suffix}$`).exec(text))) return parseInt(m[1]!, 16);
  if ((m = new RegExp(`^([0-9])${suffix}[eE]([0-9]+)${suffix}$`).exec(text))) {
    const exp = Number(m[2]);
    return exp > 16 ? null : Number(m[1]) * 10 ** exp;
  }
  if (/[eE]/.test(text)) return null;
  if ((m = new RegExp(`^0([0-7]*)${suffix}$`).exec(text))) return m[1] ? parseInt(m[1], 8) : 0;
  if ((m = new RegExp(`^([1-9][0-9]*)${suffix}$`).exec(text))) return Number(m[1]);
  return null;
}

/** Wildcards in any part, quoted or not (`kprobe:tcp_*`, `t:syscalls:"*"`, `k*:f`). */
export function hasWildcard(point: AttachPoint): boolean {
  return point.parts.some((part) => /[*?[\]]/.test(part));
}

/** The pattern `bpftrace -l` understands: quotes removed. */
export function listPattern(point: AttachPoint): string {
  return point.parts.join(':');
}
