import type { StudyConfig } from '../config/schema.js';
import { addDays, instantOf, localDate, parseLocal, type LocalDateTime } from './zoned-time.js';

/** `offline`: in person only (weeks 1 and 8); `hybrid`: online or offline, the member's choice. */
export type WeekMode = 'offline' | 'hybrid';

export interface SessionWeek {
  week: number;
  /** the session's start */
  session: Date;
  /** when week N's notes are due: week N+1's session plus the grace, unless overridden */
  deadline: Date;
  mode: WeekMode;
  /** the check-in window */
  opens: Date;
  closes: Date;
}

export interface Schedule {
  timeZone: string;
  weeks: SessionWeek[];
}

type ScheduleConfig = Pick<StudyConfig, 'weeks' | 'schedule' | 'attendance'>;

/**
 * Week N's session: the first session's wall-clock time, one week after another, with
 * `schedule.skip` dates passed over (a holiday moves every later week by a week). Dates are
 * counted on the local calendar, so a session stays at 20:00 local time across a DST change.
 */
export function buildSchedule(config: ScheduleConfig): Schedule {
  const timeZone = config.schedule.timezone;
  const skip = new Set(config.schedule.skip);
  const first = parseLocal(config.schedule.firstSession);
  // One slot more than the weeks: the last week's deadline is the slot after it.
  const slots: LocalDateTime[] = [];
  for (let k = 0; slots.length < config.weeks + 1 && k < config.weeks + 1 + skip.size + 60; k++) {
    const candidate = addDays(first, 7 * k);
    if (!skip.has(localDate(candidate))) slots.push(candidate);
  }
  const grace = config.attendance.graceMinutes * 60_000;
  const offline = new Set(config.schedule.offlineWeeks);
  const weeks: SessionWeek[] = [];
  for (let i = 0; i < config.weeks; i++) {
    const week = i + 1;
    const session = instantOf(slots[i], timeZone);
    const override = config.attendance.deadlines[String(week)];
    // An explicit deadline is the organizer's exact time: no grace on top of it.
    const deadline = override
      ? instantOf(parseLocal(override), timeZone)
      : new Date(instantOf(slots[i + 1], timeZone).getTime() + grace);
    weeks.push({
      week,
      session,
      deadline,
      mode: offline.has(week) ? 'offline' : 'hybrid',
      opens: new Date(session.getTime() - config.attendance.opensBefore * 60_000),
      closes: new Date(session.getTime() + config.attendance.closesAfter * 60_000),
    });
  }
  return { timeZone, weeks };
}

/** The week whose check-in window contains `instant` (inclusive at both ends), if any. */
export function openWindowAt(schedule: Schedule, instant: Date): SessionWeek | null {
  const t = instant.getTime();
  return schedule.weeks.find((w) => w.opens.getTime() <= t && t <= w.closes.getTime()) ?? null;
}

/** The first session whose check-in window has not closed yet at `instant`. */
export function nextSession(schedule: Schedule, instant: Date): SessionWeek | null {
  return schedule.weeks.find((w) => w.closes.getTime() > instant.getTime()) ?? null;
}

/** A session is past, for counting absences, once its check-in window has closed. */
export const isPast = (week: SessionWeek, now: Date): boolean => week.closes.getTime() < now.getTime();

/** The week whose submissions a study path belongs to, when that week exists. */
export const weekByNumber = (schedule: Schedule, week: number): SessionWeek | null =>
  schedule.weeks.find((w) => w.week === week) ?? null;
