import type { Schedule } from '../attendance/schedule.js';

/**
 * Which week a commit of project work belongs to. A commit message that names a week is the
 * member's own word (`week3 for yhc`, `add: 4week assignment`, `6주차`, `week 5`,
 * `add: week7 kyj`, all seen in a real study repository of this course) and wins; otherwise
 * the schedule's windows decide: week N runs up to week N's deadline (week N+1's session plus
 * the grace), after week N-1's.
 */

/** Only the subject line is read, cut to this many characters, before any pattern sees it. */
const SUBJECT_LIMIT = 200;

// Each pattern is linear: literal words around one bounded run of digits or blanks.
const WEEK_PATTERNS: readonly RegExp[] = [
  /\bweek[ _-]?(\d{1,2})(?!\d)/gi, // week6, week 5, week_3, WEEK-2
  /(?<!\d)(\d{1,2}) ?주차/g, // 6주차, 6 주차
  /(?<![\d.])(\d{1,2})(?:st|nd|rd|th)? ?weeks?\b/gi, // 4week, 4th week, 3 weeks
  /\bw(\d{1,2})\b/gi, // w5
];

/** The week a commit message names, when it names exactly one that the study has. */
export function weekNamedIn(message: string, weeks: number): number | null {
  const subject = message.split('\n', 1)[0].slice(0, SUBJECT_LIMIT);
  const named = new Set<number>();
  for (const pattern of WEEK_PATTERNS) for (const match of subject.matchAll(pattern)) named.add(Number(match[1]));
  const inRange = [...named].filter((w) => w >= 1 && w <= weeks);
  // `week 3 → week 4 notes` names two: the schedule decides rather than a guess.
  return inRange.length === 1 ? inRange[0] : null;
}

/**
 * The week whose window holds `at`: the first week whose deadline is at or after it. Work
 * before week 1's deadline is week 1's; work after the last deadline is the last week's (late).
 */
export function weekByWindow(schedule: Schedule, at: number): number | null {
  if (schedule.weeks.length === 0) return null;
  for (const week of schedule.weeks) if (at <= week.deadline.getTime()) return week.week;
  return schedule.weeks[schedule.weeks.length - 1].week;
}

export interface WeekChoice {
  week: number;
  /** `message`: the commit message named it; `window`: the schedule decided */
  by: 'message' | 'window';
}

export function weekOfCommit(message: string, at: number, schedule: Schedule): WeekChoice | null {
  const named = weekNamedIn(message, schedule.weeks.length);
  if (named !== null) return { week: named, by: 'message' };
  const byWindow = weekByWindow(schedule, at);
  return byWindow === null ? null : { week: byWindow, by: 'window' };
}
