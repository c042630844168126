import type { Language, StudyConfig } from '../config/schema.js';
import { pick } from '../i18n/pick.js';
import { memberByLogin } from '../paths/study-paths.js';
import type { AttendanceMark } from './ledger.js';
import { sessionLabel } from './render-report.js';
import { nextSession, openWindowAt, type Schedule } from './schedule.js';
import { shownName } from '../text/shown-text.js';

/**
 * `/출석` and `/attend`: a member checks in during a session's window. Pure: who, when,
 * what they wrote → a mark to record, or a refusal that says why.
 */
export type CheckInDecision = { ok: true; mark: AttendanceMark } | { ok: false; reason: CheckInRefusal; message: string };
export type CheckInRefusal = 'not-member' | 'bad-usage' | 'online-on-offline-week' | 'outside-window';

const ONLINE = new Set(['온라인', 'online', '비대면', 'zoom']);
const IN_PERSON = new Set(['오프라인', 'offline', '현장', '대면', 'in-person']);

export const checkInUsage = { ko: '`/출석` (현장) 또는 `/출석 온라인`', en: '`/attend` (in person) or `/attend online`' };

export interface CheckInInput {
  config: Pick<StudyConfig, 'members' | 'attendance'>;
  schedule: Schedule;
  lang: Language;
  login: string;
  /** when the comment was created */
  at: Date;
  args: string[];
}

export function decideCheckIn({ config, schedule, lang, login, at, args }: CheckInInput): CheckInDecision {
  if (!memberByLogin(login, config as StudyConfig)) {
    return {
      ok: false,
      reason: 'not-member',
      message: pick(lang, {
        ko: `@${login} 님은 스터디 명단에 없어 출석을 기록할 수 없습니다. 운영진에게 \`.github/study.yml\`의 \`members\`에 \`login: ${login}\`을 추가해 달라고 요청하세요.`,
        en: `@${login} is not on the study roster, so attendance cannot be recorded. Ask an organizer to add \`login: ${login}\` under \`members\` in \`.github/study.yml\`.`,
      }),
    };
  }
  const words = args.map((a) => a.toLowerCase());
  const online = words.some((w) => ONLINE.has(w));
  if (words.some((w) => !ONLINE.has(w) && !IN_PERSON.has(w)) || (online && words.some((w) => IN_PERSON.has(w)))) {
    return {
      ok: false,
      reason: 'bad-usage',
      message: pick(lang, {
        ko: `${shownName(args.join(' '), { max: 80 })}은(는) 알 수 없는 출석 방식입니다. 사용법: ${checkInUsage.ko}`,
        en: `${shownName(args.join(' '), { max: 80 })} is not a way to attend. Usage: ${checkInUsage.en}`,
      }),
    };
  }
  const week = openWindowAt(schedule, at);
  if (!week) {
    const next = nextSession(schedule, at);
    const { opensBefore, closesAfter } = config.attendance;
    return {
      ok: false,
      reason: 'outside-window',
      message: next
        ? pick(lang, {
            ko: `지금은 출석 시간이 아닙니다. 출석은 세션 시작 ${opensBefore}분 전부터 시작 ${closesAfter}분 뒤까지 받습니다. 다음 세션: ${next.week}주차 ${sessionLabel(next.session.toISOString(), { lang, timeZone: schedule.timeZone })} (${schedule.timeZone})`,
            en: `Check-in is not open now: it runs from ${opensBefore} minutes before to ${closesAfter} minutes after a session's start. Next session: week ${next.week}, ${sessionLabel(next.session.toISOString(), { lang, timeZone: schedule.timeZone })} (${schedule.timeZone})`,
          })
        : pick(lang, {
            ko: '지금은 출석 시간이 아닙니다. 모든 세션이 끝났습니다.',
            en: 'Check-in is not open now: every session of the study is over.',
          }),
    };
  }
  if (online && week.mode === 'offline') {
    return {
      ok: false,
      reason: 'online-on-offline-week',
      message: pick(lang, {
        ko: `${week.week}주차는 오프라인 필수 세션이라 온라인 출석은 인정되지 않습니다. 현장에 계시면 \`/출석\`만 남겨 주세요.`,
        en: `Week ${week.week} must be attended in person, so online attendance does not count. If you are there, comment \`/attend\`.`,
      }),
    };
  }
  return {
    ok: true,
    mark: { week: week.week, login: login.toLowerCase(), state: online ? 'online' : 'present', by: login, at: at.getTime(), source: 'check-in' },
  };
}
