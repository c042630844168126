/**
 * A realistic study for the attendance tests: eight members (initials, romanized and
 * Korean names), sessions on Thursdays 20:00 Asia/Seoul from 2025-09-04, and a ledger with
 * mixed states as of the day after week 6's session.
 */
import { parseConfig } from '../../src/config/load-config.js';
import type { StudyConfig } from '../../src/config/schema.js';
import { applyChanges, emptyLedger, type AttendanceState, type CheckStatus, type Ledger, type LedgerChange } from '../../src/attendance/ledger.js';

export const STUDY_YML = `language: ko
schedule:
  timezone: Asia/Seoul
  firstSession: 2025-09-04T20:00
  skip: []
paths:
  study: study/week{week}/{name}.md
  project: project/{name}/
ignore: [study/week1/OT.md]
members:
  - login: hong-gildong
    name: hgd
    aliases: [홍길동]
  - login: jiwoo-kim
    name: jiwoo
    aliases: [jw]
  - login: lee-younghee
    name: 이영희
  - login: park-minsu
    name: minsu
  - login: choi-sora
    name: sora
  - login: jung-hana
    name: hana
  - login: kang-dohyun
    name: dohyun
  - login: yoon-seojin
    name: seojin
`;

export function studyConfig(overrides: string = '', lang: 'ko' | 'en' = 'ko'): StudyConfig {
  const text = (lang === 'en' ? STUDY_YML.replace('language: ko', 'language: en') : STUDY_YML) + overrides;
  const result = parseConfig(text);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

/** `2025-09-11T21:00` in Seoul → ms */
export const seoul = (local: string): number => Date.parse(`${local}:00+09:00`);

/** After week 6's session closed (2025-10-09 21:00), before week 7's. */
export const REPORT_NOW = new Date(seoul('2025-10-10T09:30'));

const LOGINS = ['hong-gildong', 'jiwoo-kim', 'lee-younghee', 'park-minsu', 'choi-sora', 'jung-hana', 'kang-dohyun', 'yoon-seojin'];

/** Mixed states: check-ins, organizer overrides, late and missing notes, failing checks. */
export function realisticLedger(): Ledger {
  const changes: LedgerChange[] = [];
  const mark = (week: number, login: string, state: AttendanceState, source: 'check-in' | 'organizer' = 'check-in', by = login, minutesLater = 0) =>
    changes.push({ kind: 'mark', mark: { week, login, state, by, at: seoul(`2025-09-04T20:05`) + (week - 1) * 7 * 86_400_000 + minutesLater * 60_000, source } });
  const sessions = [1, 2, 3, 4, 5, 6];
  for (const week of sessions) {
    for (const login of LOGINS) {
      // who missed what
      if (login === 'kang-dohyun' && [2, 4, 5].includes(week)) continue; // 3 absences: cannot complete
      if (login === 'yoon-seojin' && [3, 6].includes(week)) continue; // 2 absences: at risk
      if (login === 'park-minsu' && week === 4) continue; // 1 absence
      if (login === 'choi-sora' && week === 5) {
        mark(week, login, 'excused', 'organizer', 'organizer-kim');
        continue;
      }
      mark(week, login, week === 1 || week === 8 || login === 'jiwoo-kim' || login === 'jung-hana' ? (week === 1 ? 'present' : 'online') : 'present');
    }
  }
  // an organizer corrected a check-in: minsu was there in person in week 2 but the note said absent
  mark(2, 'park-minsu', 'absent', 'organizer', 'organizer-kim', 120);
  mark(2, 'park-minsu', 'present', 'organizer', 'organizer-kim', 600);
  const owners = ['hgd', 'jiwoo', '이영희', 'minsu', 'sora', 'hana', 'dohyun', 'seojin'];
  const files: { week: number; owner: string; file: string; at: string; status: CheckStatus | null }[] = [];
  for (const [i, owner] of owners.entries()) {
    for (const week of [1, 2, 3, 4, 5, 6]) {
      if (owner === 'dohyun' && week >= 3) continue; // stopped submitting
      if (owner === 'seojin' && week === 4) continue;
      const late = (owner === 'minsu' && week === 2) || (owner === 'hana' && week === 5);
      const day = late ? 8 : 3 + (i % 3);
      const at = new Date(seoul('2025-09-04T22:00') + ((week - 1) * 7 + day) * 86_400_000 + i * 3_600_000);
      const status: CheckStatus | null = owner === 'sora' && week === 3 ? 'fail' : owner === 'hana' && week === 2 ? 'warn' : week === 6 && owner === 'minsu' ? null : 'pass';
      const name = owner === '이영희' ? '이영희' : owner === 'jiwoo' && week === 1 ? 'jw' : owner;
      files.push({ week, owner, file: `study/week${week}/${name}.md`, at: at.toISOString(), status });
    }
  }
  for (const f of files) {
    changes.push({ kind: 'tree', files: [{ path: f.file, week: f.week, owner: f.owner }], renames: [], seenAt: Date.parse(f.at), complete: false });
    if (f.status) changes.push({ kind: 'check', files: [{ path: f.file, status: f.status }], at: Date.parse(f.at) + 60_000 });
  }
  return applyChanges(emptyLedger(), changes);
}
