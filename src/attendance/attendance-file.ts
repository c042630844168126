import { z } from 'zod';
import type { StudyConfig } from '../config/schema.js';
import { memberByLogin, memberByName } from '../paths/roster.js';
import type { AttendanceMark, AttendanceState } from './ledger.js';

/**
 * The attendance file of `study-bot report --attendance FILE`: weeks → member → state. A
 * member is named by GitHub login or roster name; states in English or Korean.
 *
 *   { "weeks": { "1": { "hong-gildong": "present", "kim-cs": "excused" },
 *                "2": { "hgd": "online", "이영희": "결석" } } }
 */
const STATE_WORDS: Record<string, AttendanceState> = {
  present: 'present',
  출석: 'present',
  online: 'online',
  온라인: 'online',
  absent: 'absent',
  결석: 'absent',
  excused: 'excused',
  공결: 'excused',
};

const fileSchema = z.strictObject({
  weeks: z.record(z.string().regex(/^\d+$/, 'a week number'), z.record(z.string().min(1), z.string())),
});

export type AttendanceFileResult = { ok: true; marks: AttendanceMark[] } | { ok: false; problems: string[] };

export function parseAttendanceFile(text: string, config: StudyConfig): AttendanceFileResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`not JSON: ${(error as Error).message}`] };
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`) };
  }
  const problems: string[] = [];
  const marks: AttendanceMark[] = [];
  for (const [weekText, entries] of Object.entries(parsed.data.weeks)) {
    const week = Number(weekText);
    if (week < 1 || week > config.weeks) problems.push(`weeks.${weekText}: there is no week ${week} (1–${config.weeks})`);
    for (const [who, stateWord] of Object.entries(entries)) {
      const member = memberByLogin(who.replace(/^@/, ''), config) ?? memberByName(who, config);
      const state = STATE_WORDS[stateWord.toLowerCase()];
      if (!member) problems.push(`weeks.${weekText}.${who}: not on the roster (use a login or a name from members)`);
      if (!state) problems.push(`weeks.${weekText}.${who}: "${stateWord}" is not one of present, online, absent, excused (출석, 온라인, 결석, 공결)`);
      // The file is the organizer's word, all of it at once.
      if (member && state) marks.push({ week, login: member.login.toLowerCase(), state, by: 'attendance-file', at: 0, source: 'organizer' });
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, marks };
}
