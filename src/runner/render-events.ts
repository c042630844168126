/**
 * bpftrace `-f json` records turned into what a person would have seen in the terminal, and
 * counted: a printf record is one event, a map is one event per key (a `@[comm] = count()`
 * map with 12 commands is 12 events). `attached_probes` is not an event.
 */
export interface RenderedRecord {
  events: number;
  lines: string[];
}

const SCALAR_EVENTS = new Set(['printf', 'value', 'time', 'join', 'syscall', 'cat']);

export function renderRecord(record: unknown): RenderedRecord {
  if (!record || typeof record !== 'object') return { events: 0, lines: [] };
  const { type, data } = record as { type?: unknown; data?: unknown };
  if (type === 'attached_probes') return { events: 0, lines: [] };
  if (typeof type === 'string' && SCALAR_EVENTS.has(type)) {
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    const lines = text.split('\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    return { events: 1, lines };
  }
  if ((type === 'map' || type === 'hist' || type === 'lhist' || type === 'stats') && data && typeof data === 'object') {
    return renderMaps(data as Record<string, unknown>, type);
  }
  return { events: 0, lines: [`${String(type)}: ${JSON.stringify(data)}`] };
}

function renderMaps(maps: Record<string, unknown>, type: string): RenderedRecord {
  const lines: string[] = [];
  let events = 0;
  for (const [name, value] of Object.entries(maps)) {
    if (value && typeof value === 'object' && !Array.isArray(value) && type === 'map') {
      const entries = Object.entries(value as Record<string, unknown>).sort(([, a], [, b]) => numeric(b) - numeric(a));
      events += entries.length;
      for (const [key, v] of entries) lines.push(`${name}[${key}]: ${format(v)}`);
    } else if (Array.isArray(value)) {
      if (value.length === 0) continue;
      events += 1;
      for (const bucket of value) lines.push(`${name}: ${formatBucket(bucket)}`);
    } else if (value !== null && value !== undefined) {
      if (typeof value === 'object' && Object.keys(value).length === 0) continue;
      // bpftrace 0.17 prints a scalar map it never updated as 0 at exit (`@ = count()` behind a
      // filter that never matched): shown, but not an event.
      if (value !== 0) events += 1;
      lines.push(`${name}: ${format(value)}`);
    }
  }
  return { events, lines };
}

function numeric(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

function format(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function formatBucket(bucket: unknown): string {
  if (!bucket || typeof bucket !== 'object') return format(bucket);
  const { min, max, count } = bucket as { min?: unknown; max?: unknown; count?: unknown };
  if (count === undefined) return JSON.stringify(bucket);
  return `[${min ?? '...'}, ${max ?? '...'}) ${String(count)}`;
}

/**
 * bpftrace 0.17 escapes every non-ASCII byte of a string as a sign-extended `\uffffffXX`, so
 * `"스터디"` arrives as nine bogus escapes. Rebuild the bytes and decode them as UTF-8.
 */
export function repairBpftraceJson(line: string): string {
  if (!line.includes('\\uffffff')) return line;
  return line.replace(/(?:\\uffffff[0-9a-fA-F]{2})+/g, (run) => {
    const bytes = Buffer.from(run.match(/[0-9a-fA-F]{2}(?=(?:\\|$))/g)!.map((hex) => parseInt(hex, 16)));
    return JSON.stringify(bytes.toString('utf8')).slice(1, -1);
  });
}
