import type { Language, StudyConfig } from '../config/schema.js';
import { pick, type Bilingual } from '../i18n/pick.js';
import { memberByLogin, memberByName } from '../paths/study-paths.js';
import { attendanceStateOf, type AttendanceMark } from './ledger.js';

/**
 * The attendance file of `study-bot report --attendance FILE`: weeks → member → state. A
 * member is named by GitHub login or roster name; states in English or Korean.
 *
 *   { "weeks": { "1": { "hong-gildong": "present", "kim-cs": "excused" },
 *                "2": { "hgd": "online", "이영희": "결석" } } }
 */
export type AttendanceFileResult = { ok: true; marks: AttendanceMark[] } | { ok: false; problems: string[] };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The file's marks, or every problem in it as `weeks.3.nobody: what is wrong` in `lang`. */
export function parseAttendanceFile(text: string, config: StudyConfig, lang: Language = 'ko'): AttendanceFileResult {
  const say = (text: Bilingual) => pick(lang, text);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [say({ ko: `JSON이 아닙니다: ${(error as Error).message}`, en: `not JSON: ${(error as Error).message}` })] };
  }
  const shape = say({ ko: '{"weeks":{"1":{"아이디":"출석"}}} 모양이어야 합니다', en: 'expected {"weeks":{"1":{"login":"present"}}}' });
  if (!isObject(json) || !isObject(json.weeks)) return { ok: false, problems: [`(root): ${shape}`] };
  const problems: string[] = Object.keys(json)
    .filter((key) => key !== 'weeks')
    .map((key) => `${key}: ${say({ ko: '알 수 없는 키입니다 (weeks만 씁니다)', en: 'unknown key (only weeks)' })}`);
  const marks: AttendanceMark[] = [];
  for (const [weekText, entries] of Object.entries(json.weeks)) {
    const week = /^\d+$/.test(weekText) ? Number(weekText) : NaN;
    if (!(week >= 1 && week <= config.weeks)) {
      problems.push(`weeks.${weekText}: ${say({ ko: `${config.weeks}주차까지만 있습니다 (1–${config.weeks})`, en: `there is no week ${weekText} (1–${config.weeks})` })}`);
    }
    if (!isObject(entries)) {
      problems.push(`weeks.${weekText}: ${say({ ko: '{"아이디": "출석"} 모양이어야 합니다', en: 'expected {"login": "present"}' })}`);
      continue;
    }
    for (const [who, stateWord] of Object.entries(entries)) {
      const member = memberByLogin(who.replace(/^@/, ''), config) ?? memberByName(who, config);
      const state = typeof stateWord === 'string' ? attendanceStateOf(stateWord) : undefined;
      if (!member) {
        problems.push(`weeks.${weekText}.${who}: ${say({ ko: '명단에 없습니다 (members의 login이나 name을 쓰세요)', en: 'not on the roster (use a login or a name from members)' })}`);
      }
      if (!state) {
        const shown = JSON.stringify(stateWord);
        problems.push(`weeks.${weekText}.${who}: ${say({
          ko: `${shown}은(는) 출석, 온라인, 결석, 공결 (present, online, absent, excused) 중 하나가 아닙니다`,
          en: `${shown} is not one of present, online, absent, excused (출석, 온라인, 결석, 공결)`,
        })}`);
      }
      // The file is the organizer's word, all of it at once. Online on an in-person week is
      // kept as written: the report counts it as an absence and says why (compute-report).
      if (member && state && week >= 1 && week <= config.weeks) {
        marks.push({ week, login: member.login.toLowerCase(), state, by: 'attendance-file', at: 0, source: 'organizer' });
      }
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, marks };
}
