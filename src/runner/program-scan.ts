/**
 * Just enough of bpftrace's grammar for the safety policy: comments removed, the attach
 * points written outside `{ ... }` bodies, and the calls made inside them. This is not a
 * bpftrace parser; where it is unsure it errs towards finding more, never fewer.
 */
export interface ScannedProgram {
  /** The program with comments blanked, string literals kept. */
  code: string;
  /** Attach points such as `tracepoint:syscalls:sys_enter_openat`, `interval:s:1`, `BEGIN`. */
  attachPoints: string[];
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

export function probeType(attachPoint: string): string | null {
  const head = attachPoint.split(':', 1)[0]!;
  return Object.hasOwn(PROBE_TYPES, head) ? PROBE_TYPES[head]! : null;
}

export function scanProgram(program: string): ScannedProgram {
  const code = blankComments(program);
  return { code, attachPoints: topLevelAttachPoints(code) };
}

/** Replaces `//` and `/* *\/` comments with spaces, leaving strings alone. */
function blankComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const end = endOfString(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      const end = nl === -1 ? text.length : nl;
      out += ' '.repeat(end - i);
      i = end;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const end = close === -1 ? text.length : close + 2;
      out += text.slice(i, end).replace(/[^\n]/g, ' ');
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return Math.min(i + 1, text.length);
}

/** Words outside braces, strings and predicates that look like `type:...` or BEGIN/END. */
function topLevelAttachPoints(code: string): string[] {
  let depth = 0;
  let outside = '';
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (c === '"') {
      const end = endOfString(code, i);
      if (depth === 0) outside += ' ';
      i = end - 1;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      depth = Math.max(0, depth - 1);
      if (depth === 0) outside += '\n';
    } else if (depth === 0) outside += c;
  }
  const points: string[] = [];
  for (const token of outside.split(/[\s,]+/)) {
    if (!token) continue;
    if (token === 'BEGIN' || token === 'END') points.push(token);
    else if (token.includes(':') && probeType(token) !== null) points.push(token);
  }
  return points;
}

/** Period in milliseconds of an `interval:`/`profile:` attach point, or null. */
export function periodMs(attachPoint: string): number | null {
  const parts = attachPoint.split(':');
  const type = probeType(attachPoint);
  if ((type !== 'interval' && type !== 'profile') || parts.length < 2) return null;
  const [unit, rawValue] = parts.length >= 3 ? [parts[1]!, parts[2]!] : ['s', parts[1]!];
  const value = Number(rawValue);
  if (!Number.isFinite(value) || value <= 0) return null;
  switch (unit) {
    case 's': return value * 1000;
    case 'ms': return value;
    case 'us': return value / 1000;
    case 'ns': return value / 1_000_000;
    case 'hz': return 1000 / value;
    default: return null;
  }
}

/** Wildcards in the function/event part of an attach point (`kprobe:tcp_*`, `t:syscalls:*`). */
export function hasWildcard(attachPoint: string): boolean {
  return /[*?[]/.test(attachPoint);
}
