import type { SubmissionRule } from '../config/schema.js';
import type { AttendanceReport, MemberReport } from '../attendance/compute-report.js';
import type { Finding, FileStatus } from '../check/types.js';
import type { StudyConfig } from '../config/schema.js';
import { pathKey, studyPaths, type StudyPaths } from '../paths/study-paths.js';
import type { ProjectWork } from './week-work.js';

/** What checking a member's note on the default branch found (the same rubric as the push check). */
export interface NoteCheck {
  path: string;
  status: FileStatus;
  findings: Finding[];
}

export type OwedItem =
  | { kind: 'no-note'; expectedPath: string }
  /** the note is there and fails these rubric items (errors only: warnings never block) */
  | { kind: 'failing'; path: string; findings: Pick<Finding, 'rule' | 'message' | 'line'>[] }
  | { kind: 'no-project' };

export interface Owing {
  login: string;
  name: string;
  items: OwedItem[];
  /** the command that checks it on the member's machine */
  checkCommand: string;
}

export interface OwedInput {
  config: StudyConfig;
  report: AttendanceReport;
  week: number;
  /** lower-cased logins that turned reminders off (`/nudge off`) */
  optedOut: ReadonlySet<string>;
  /** the check of each member's note this week, by the name its path reads as (pathKey) */
  notes: ReadonlyMap<string, NoteCheck>;
  /** project work this week, by lower-cased login; missing: unknown */
  project?: ReadonlyMap<string, ProjectWork>;
}

/** Rubric items named per note at most: the reminder points at the note, the check says the rest. */
export const MAX_FINDINGS_NAMED = 5;

/**
 * Who still owes week `week`'s work, and exactly what. Pure: the report (the same numbers the
 * report comment shows), the note checks and the opt-outs. Only roster members with a login
 * can be reminded (a name seen in a path is nobody to mention); someone who is done is never
 * in the list.
 */
export function whoOwes({ config, report, week, optedOut, notes, project }: OwedInput): Owing[] {
  const paths = studyPaths(config);
  const owing: Owing[] = [];
  for (const member of report.members) {
    if (!member.login || optedOut.has(member.login.toLowerCase())) continue;
    const accepts = report.weeks.find((w) => w.week === week)?.accepts ?? 'note';
    const items = owedBy(member, week, accepts, notes, project, paths);
    if (items.length === 0) continue;
    const path = member.weeks[String(week)]?.submission?.path ?? paths.notePath(week, member.name);
    owing.push({ login: member.login, name: member.name, items, checkCommand: `study-bot check ${quotePath(path)}` });
  }
  return owing;
}

function owedBy(
  member: MemberReport,
  week: number,
  accepts: SubmissionRule,
  notes: ReadonlyMap<string, NoteCheck>,
  project: ReadonlyMap<string, ProjectWork> | undefined,
  paths: StudyPaths,
): OwedItem[] {
  const items: OwedItem[] = [];
  // Project work in the report (commits under the member's project folder this week) settles
  // a week that accepts it; a week of project work alone never asks for the note.
  const committed = member.weeks[String(week)]?.project !== undefined || project?.get(member.login!.toLowerCase()) === 'committed';
  if (accepts !== 'note' && committed) return items;
  if (accepts === 'project') return [{ kind: 'no-project' }];
  const submission = member.weeks[String(week)]?.submission ?? null;
  if (!submission) {
    items.push({ kind: 'no-note', expectedPath: paths.notePath(week, member.name) });
  } else {
    const check = notes.get(pathKey(submission.path));
    // Without a fresh check, the report's last verdict decides (a ❌ there is still owed).
    const failing = check ? check.findings.filter((f) => f.severity === 'error') : [];
    if (failing.length > 0 || (!check && submission.status === 'fail')) {
      items.push({ kind: 'failing', path: submission.path, findings: failing.slice(0, MAX_FINDINGS_NAMED).map(({ rule, message, line }) => ({ rule, message, line })) });
    }
  }
  if (accepts === 'either' && !submission) items.push({ kind: 'no-project' });
  return items;
}

/** A path as one shell word (a Korean name or a space must not split it). */
const quotePath = (path: string): string => (/^[\w./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`);
