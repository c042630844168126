import type { StudyConfig } from '../config/schema.js';
import type { Schedule } from '../attendance/schedule.js';

/**
 * When each week's reminder and digest happen, from the schedule alone. Pure: the scheduler
 * asks what is due now and when to wake next; nothing here knows about GitHub.
 *
 * Week N's notes are due at week N+1's session (plus the grace, or the organizer's exact
 * deadline): that is "the session" a reminder comes before. Week N's digest opens when
 * week N's check-in window closes (attendance is known) and is kept up to date until week
 * N's notes are due or week N+1's session starts, whichever is later (on time or late is
 * decided then).
 */
export interface WeekTimes {
  week: number;
  /** the reminder goes out from here… */
  nudgeAt: number;
  /** …until here (the deadline): a reminder missed while the app was down is sent late only before it */
  dueAt: number;
  digestFrom: number;
  digestUntil: number;
  /** the organizer skipped this week's reminder (`nudges.skipWeeks`) */
  skipped: boolean;
}

export type NudgeConfig = Pick<StudyConfig, 'nudges'>;

const HOUR = 3_600_000;

export function weekTimes(schedule: Schedule, config: NudgeConfig): WeekTimes[] {
  const skip = new Set(config.nudges.skipWeeks);
  return schedule.weeks.map((w, i) => {
    const dueAt = w.deadline.getTime();
    const next = schedule.weeks[i + 1];
    return {
      week: w.week,
      nudgeAt: dueAt - config.nudges.hoursBefore * HOUR,
      dueAt,
      digestFrom: w.closes.getTime(),
      digestUntil: Math.max(dueAt, next ? next.session.getTime() : dueAt),
      skipped: skip.has(w.week),
    };
  });
}

/** The weeks whose reminder is due at `now` (normally none or one), oldest first. */
export function dueNudges(times: readonly WeekTimes[], config: Pick<StudyConfig, 'nudges'>, now: number): number[] {
  if (!config.nudges.enabled) return [];
  return times.filter((t) => !t.skipped && t.nudgeAt <= now && now < t.dueAt).map((t) => t.week);
}

/**
 * The digests to write at `now`: weeks whose digest is open, and weeks whose digest closed
 * since `lastPass` (their final edit). A week that closed before the app ever ran gets none.
 */
export function dueDigests(times: readonly WeekTimes[], config: Pick<StudyConfig, 'nudges'>, now: number): { week: number; final: boolean }[] {
  if (!config.nudges.enabled || !config.nudges.digest) return [];
  return times.filter((t) => t.digestFrom <= now).map((t) => ({ week: t.week, final: now >= t.digestUntil }));
}

/** The next instant after `now` at which something of this schedule changes, or null once the study is over. */
export function nextChange(times: readonly WeekTimes[], now: number): number | null {
  let next: number | null = null;
  for (const t of times) {
    for (const at of [t.nudgeAt, t.dueAt, t.digestFrom, t.digestUntil]) if (at > now && (next === null || at < next)) next = at;
  }
  return next;
}
