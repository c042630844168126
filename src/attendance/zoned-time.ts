/**
 * Wall-clock time in a named time zone, computed with Intl only: the offset of a zone at
 * an instant comes from the platform's tz database, never from a hand-written table, so
 * daylight-saving zones (a study in Europe/Berlin) get the right hour on both sides of a
 * change.
 */

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    });
    formatters.set(timeZone, f);
  }
  return f;
};

/** The wall clock in `timeZone` at `instant`, and the zone's offset from UTC in minutes. */
export function wallClock(instant: Date, timeZone: string): LocalDateTime & { offsetMinutes: number } {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  // "GMT+09:00", "GMT-03:30", or plain "GMT" for UTC itself
  const offset = /GMT(?:([+-])(\d{2}):(\d{2}))?/.exec(get('timeZoneName'));
  const offsetMinutes = offset?.[1] ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0;
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    second: Number(get('second')),
    offsetMinutes,
  };
}

const asUtcMillis = (t: LocalDateTime): number => Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);

/**
 * The instant at which the wall clock in `timeZone` shows `local`. Two rounds find the
 * offset that applies at that instant; in a spring-forward gap the later offset wins
 * (02:30 that does not exist becomes 03:30), which is what a calendar would do.
 */
export function instantOf(local: LocalDateTime, timeZone: string): Date {
  const target = asUtcMillis(local);
  let guess = target;
  for (let round = 0; round < 3; round++) {
    const offset = wallClock(new Date(guess), timeZone).offsetMinutes;
    const next = target - offset * 60_000;
    if (next === guess) break;
    guess = next;
  }
  return new Date(guess);
}

/** `2025-09-04T20:00` or `2025-09-04T20:00:30` or `2025-09-04` (midnight). */
export function parseLocal(text: string): LocalDateTime {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (!m) throw new Error(`not a local date-time: ${text}`);
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
  };
}

/** Calendar arithmetic on the local date (a week later is the same wall-clock time). */
export function addDays(local: LocalDateTime, days: number): LocalDateTime {
  const d = new Date(Date.UTC(local.year, local.month - 1, local.day + days));
  return { ...local, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

export const localDate = (t: Pick<LocalDateTime, 'year' | 'month' | 'day'>): string => `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`;

/** ISO 8601 with the zone's offset at that instant: `2025-09-04T20:00:00+09:00`. */
export function formatZoned(instant: Date, timeZone: string): string {
  const t = wallClock(instant, timeZone);
  const sign = t.offsetMinutes < 0 ? '-' : '+';
  const off = Math.abs(t.offsetMinutes);
  return `${localDate(t)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}${sign}${pad(Math.floor(off / 60))}:${pad(off % 60)}`;
}

/** A short human form for tables: `9/4 20:00`. */
export function formatShort(instant: Date, timeZone: string, withTime = true): string {
  const t = wallClock(instant, timeZone);
  return withTime ? `${t.month}/${t.day} ${pad(t.hour)}:${pad(t.minute)}` : `${t.month}/${t.day}`;
}
