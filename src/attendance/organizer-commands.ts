import type { Language, StudyConfig } from '../config/schema.js';
import { pick } from '../i18n/pick.js';
import { memberByLogin, memberByName } from '../paths/study-paths.js';
import { attendanceStateOf, type AttendanceMark, type AttendanceState } from './ledger.js';
import { weekByNumber, type Schedule } from './schedule.js';
import { shownName } from '../text/shown-text.js';

/**
 * `/attendance week 3 present @a @b` (absent, excused, online; Korean words too). Pure:
 * the words → marks to record, or a reply with usage. The caller has already checked that
 * the author is an organizer.
 */
export type OrganizerDecision = { ok: true; week: number; state: AttendanceState; marks: AttendanceMark[] } | { ok: false; message: string };

export const attendanceUsage = {
  ko: '`/attendance week 3 present @아이디 …` (present·absent·excused·online, 출석·결석·공결·온라인) — 운영진 전용',
  en: '`/attendance week 3 present @login …` (present, absent, excused or online) — organizers only',
};

export const reportUsage = { ko: '`/report` — 출석·제출 현황을 지금 갱신 (운영진 전용)', en: '`/report` — refresh the attendance report now (organizers only)' };

export interface OrganizerInput {
  config: Pick<StudyConfig, 'members'>;
  schedule: Schedule;
  lang: Language;
  organizer: string;
  at: Date;
  args: string[];
}

export function decideAttendanceCommand({ config, schedule, lang, organizer, at, args }: OrganizerInput): OrganizerDecision {
  const usage = (problem: { ko: string; en: string }): OrganizerDecision => ({
    ok: false,
    message: `${pick(lang, problem)}\n\n${pick(lang, { ko: '사용법', en: 'Usage' })}: ${pick(lang, attendanceUsage)}`,
  });
  const words = [...args];
  if (words[0]?.toLowerCase() === 'week' || words[0] === '주차') words.shift();
  // `3`, `3주차`, `week3`
  const weekMatch = /^(?:week)?(\d{1,2})(?:주차)?$/i.exec(words.shift() ?? '');
  if (!weekMatch) return usage({ ko: '몇 주차인지 알 수 없습니다.', en: 'Which week? The week number is missing.' });
  const week = Number(weekMatch[1]);
  const sessionWeek = weekByNumber(schedule, week);
  if (!sessionWeek) {
    return usage({ ko: `${week}주차는 없습니다 (1–${schedule.weeks.length}주차).`, en: `There is no week ${week} (weeks 1–${schedule.weeks.length}).` });
  }
  const state = attendanceStateOf(words.shift() ?? '');
  if (!state) return usage({ ko: '출석 상태를 알 수 없습니다.', en: 'The attendance state is missing or unknown.' });
  if (state === 'online' && sessionWeek.mode === 'offline') {
    return {
      ok: false,
      message: pick(lang, {
        ko: `${week}주차는 오프라인 필수 세션이라 온라인 출석은 인정되지 않습니다. \`present\`, \`absent\`, \`excused\` 중에서 골라 주세요.`,
        en: `Week ${week} must be attended in person, so online attendance does not count there. Use \`present\`, \`absent\` or \`excused\`.`,
      }),
    };
  }
  if (words.length === 0) return usage({ ko: '누구의 출석인지 @아이디로 적어 주세요.', en: 'Whose attendance? Name members as @login.' });
  const logins: string[] = [];
  const unknown: string[] = [];
  for (const word of words) {
    const written = word.replace(/^@/, '').replace(/[,.]$/, '');
    // @login is the norm; a roster name (hgd, 홍길동) is accepted because organizers think in names.
    const member = memberByLogin(written, config as StudyConfig) ?? memberByName(written, config as StudyConfig);
    if (member) logins.push(member.login.toLowerCase());
    else unknown.push(word);
  }
  if (unknown.length > 0) {
    // All or nothing: a typo must not leave half the list recorded.
    return {
      ok: false,
      message: pick(lang, {
        ko: `명단에 없는 사람이 있어 아무것도 바꾸지 않았습니다: ${unknown.map((u) => shownName(u, { max: 80 })).join(', ')}`,
        en: `Nothing was changed: not on the roster: ${unknown.map((u) => shownName(u, { max: 80 })).join(', ')}`,
      }),
    };
  }
  const marks = [...new Set(logins)].map<AttendanceMark>((login) => ({ week, login, state, by: organizer, at: at.getTime(), source: 'organizer' }));
  return { ok: true, week, state, marks };
}
