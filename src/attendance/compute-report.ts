import { submissionRule, type StudyConfig, type SubmissionRule } from '../config/schema.js';
import { pathKey } from '../paths/study-paths.js';
import { markKey, submissionKey, type AttendanceState, type CheckStatus, type Ledger, type ProjectWorkRecord } from './ledger.js';
import { implicitRoster } from './implicit-roster.js';
import { isPast, type Schedule, type WeekMode } from './schedule.js';
import { formatZoned } from './zoned-time.js';

/**
 * The attendance and submissions report: the JSON contract of `study-bot report --format
 * json`, and what the report comment renders. Pure: schedule + roster + ledger + now.
 */
export interface AttendanceReport {
  /** `accepts`: what counts as the week's submission (the note, project work, or either) */
  weeks: { week: number; session: string; deadline: string; mode: WeekMode; accepts: SubmissionRule }[];
  members: MemberReport[];
  /** with an empty roster: names with work on `main` beyond the rows kept (implicit-roster.ts) */
  unlisted?: number;
}

/**
 * `unknown`: the study is over but the report lacks attendance for enough past sessions that
 * the missing ones could still decide it (no attendance data at all is always `unknown`).
 */
export type Completion = 'on-track' | 'at-risk' | 'failed' | 'completed' | 'unknown';

export interface MemberReport {
  name: string;
  /** null only for a name seen in submissions while the roster is empty */
  login: string | null;
  /** absences in past sessions; excused ones do not count */
  absences: number;
  completion: Completion;
  weeks: Record<string, WeekCell>;
}

export interface WeekCell {
  /** unknown: no data for that week, or a session still to come */
  attendance: AttendanceState | 'unknown';
  /**
   * Why `attendance` is `absent` although the ledger says otherwise: an online mark for a
   * week that accepts only in-person attendance (`mode: offline`). Check-in and
   * `/attendance` refuse those; one still arrives through an attendance file or a week made
   * offline after the fact. Absent from the JSON when not set.
   */
  refused?: 'online-on-offline-week';
  submission: SubmissionCell | null;
  /** the member's project work of the week (commits under their project folder); absent when none */
  project?: ProjectCell;
}

export interface ProjectCell {
  commits: number;
  /** files touched (at most the ledger's bound) */
  files: number;
  /** lines added + removed; null when a commit's count is not known */
  lines: number | null;
  /** the eBPF sources among the files */
  ebpf: string[];
  /** the first push of the week's work */
  firstSeen: string;
  onTime: boolean;
}

export interface SubmissionCell {
  path: string;
  /** when the bot (or, offline, git history) first saw the file on the default branch */
  firstSeen: string;
  onTime: boolean;
  /** the last check's verdict, null before the first check of that file */
  status: CheckStatus | null;
}

export interface ReportInput {
  config: Pick<StudyConfig, 'members' | 'attendance'> & Partial<Pick<StudyConfig, 'submissions' | 'weeks'>>;
  schedule: Schedule;
  ledger: Ledger;
  now: Date;
}

export function computeReport({ config, schedule, ledger, now }: ReportInput): AttendanceReport {
  const tz = schedule.timeZone;
  // With an empty roster every `{name}` is accepted: the rows are whoever submitted first.
  const implicit = config.members.length > 0 ? null : implicitRoster(ledger);
  const roster: { name: string; login: string | null }[] = implicit
    ? implicit.names.map((name) => ({ name, login: null }))
    : config.members.map((m) => ({ name: m.name.normalize('NFC'), login: m.login }));

  // A past week in which nobody has any attendance record means the bot was not taking
  // attendance then (installed mid-study, attendance taken on paper): that is "no data",
  // not eight absences. Once anyone's attendance is known for a closed session, a member
  // with no record for it was absent.
  const weeksWithData = new Set(Object.values(ledger.marks).map((m) => m.week));
  const lastWeek = schedule.weeks[schedule.weeks.length - 1];
  const studyOver = lastWeek ? isPast(lastWeek, now) : false;

  const members = roster.map<MemberReport>((member) => {
    let absences = 0;
    let unknownPast = 0;
    const weeks: Record<string, WeekCell> = {};
    for (const week of schedule.weeks) {
      const mark = member.login ? ledger.marks[markKey(week.week, member.login)] : undefined;
      const past = isPast(week, now);
      let attendance: WeekCell['attendance'] = 'unknown';
      let refused: WeekCell['refused'];
      if (mark?.state === 'online' && week.mode === 'offline') {
        attendance = 'absent';
        refused = 'online-on-offline-week';
      } else if (mark) attendance = mark.state;
      else if (past && weeksWithData.has(week.week)) attendance = 'absent';
      if (past && attendance === 'absent') absences++;
      if (past && attendance === 'unknown') unknownPast++;

      const record = ledger.submissions[submissionKey(week.week, member.name)];
      const submission: SubmissionCell | null =
        record && record.onMain
          ? {
              path: record.path,
              firstSeen: formatZoned(new Date(record.firstSeen), tz),
              onTime: record.firstSeen <= week.deadline.getTime(),
              status: ledger.checks[pathKey(record.path)]?.status ?? null,
            }
          : null;
      const work = ledger.work?.[submissionKey(week.week, member.name)];
      const project = work ? projectCell(work, week.deadline.getTime(), tz) : undefined;
      weeks[String(week.week)] = { attendance, ...(refused ? { refused } : {}), submission, ...(project ? { project } : {}) };
    }
    const max = config.attendance.maxAbsences;
    return { name: member.name, login: member.login, absences, completion: completionOf(absences, unknownPast, max, studyOver), weeks };
  });

  const rules = { submissions: config.submissions ?? {}, weeks: config.weeks ?? schedule.weeks.length };
  return {
    weeks: schedule.weeks.map((w) => ({
      week: w.week,
      session: formatZoned(w.session, tz),
      deadline: formatZoned(w.deadline, tz),
      mode: w.mode,
      accepts: submissionRule(rules, w.week),
    })),
    members,
    ...(implicit?.left ? { unlisted: implicit.left } : {}),
  };
}

/**
 * Completion is claimed only when the data decides it: known absences reach the limit
 * (failed, whatever the rest), or the study is over and even if every session without
 * attendance data had been an absence the member would stay under the limit (completed).
 * Otherwise, once the study is over, `unknown`: a report without attendance data never
 * says 🎓.
 */
export function completionOf(absences: number, unknownPast: number, max: number, studyOver: boolean): Completion {
  if (absences >= max) return 'failed';
  if (studyOver) return absences + unknownPast < max ? 'completed' : 'unknown';
  return absences === max - 1 ? 'at-risk' : 'on-track';
}

function projectCell(work: ProjectWorkRecord, deadline: number, tz: string): ProjectCell {
  const counts = Object.values(work.commits);
  return {
    commits: counts.length,
    files: work.files.length,
    lines: counts.every((n) => n !== null) ? counts.reduce<number>((sum, n) => sum + (n ?? 0), 0) : null,
    ebpf: work.ebpf,
    firstSeen: formatZoned(new Date(work.firstSeen), tz),
    onTime: work.firstSeen <= deadline,
  };
}

/** Whether the week's cell holds what the week accepts as its submission. */
export function weekSubmitted(cell: WeekCell, accepts: SubmissionRule): boolean {
  const note = cell.submission !== null;
  const project = cell.project !== undefined;
  return accepts === 'note' ? note : accepts === 'project' ? project : note || project;
}

/** Weeks submitted: the note or project work, as each week accepts, on time or late. */
export const submissionCount = (member: MemberReport, report: Pick<AttendanceReport, 'weeks'>): number =>
  report.weeks.filter((w) => {
    const cell = member.weeks[String(w.week)];
    return cell !== undefined && weekSubmitted(cell, w.accepts);
  }).length;
