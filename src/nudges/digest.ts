import { pathKey } from '../paths/study-paths.js';
import type { AttendanceReport } from '../attendance/compute-report.js';
import type { CheckStatus } from '../attendance/ledger.js';
import type { NoteCheck } from './owed.js';

/**
 * What one week's digest says, computed from the same report the report comment renders (so
 * the two never disagree), the checks of the week's notes, and the week's `/verify` requests.
 */
export interface VerifyOutcome {
  requester: string;
  path: string;
  /** the Check Run's conclusion (`success`, `failure`, `neutral`…); `pending` while it runs */
  outcome: string;
}

export interface WeekDigest {
  week: number;
  attendance: { present: string[]; online: string[]; absent: string[]; excused: string[]; unknown: string[] };
  submissions: { onTime: string[]; late: string[]; failing: string[]; missing: string[] };
  /** the requests listed (a fair few: week-verify.ts) */
  verify: VerifyOutcome[];
  /** how many requests there were on the week's notes, listed or not */
  verifyTotal: number;
  /** the rubric item most notes of the week trip over (errors and warnings), with how many notes */
  commonFinding: { rule: string; notes: number; example: string } | null;
}

export interface DigestInput {
  report: AttendanceReport;
  week: number;
  notes: ReadonlyMap<string, NoteCheck>;
  verify: readonly VerifyOutcome[];
  /** all the week's requests, when `verify` lists only some (default: as many as listed) */
  verifyTotal?: number;
}

const FAILING: ReadonlySet<CheckStatus | null> = new Set(['fail']);

export function buildDigest({ report, week, notes, verify, verifyTotal }: DigestInput): WeekDigest {
  const attendance: WeekDigest['attendance'] = { present: [], online: [], absent: [], excused: [], unknown: [] };
  const submissions: WeekDigest['submissions'] = { onTime: [], late: [], failing: [], missing: [] };
  const ruleNotes = new Map<string, { notes: number; example: string }>();
  for (const member of report.members) {
    const cell = member.weeks[String(week)];
    if (!cell) continue;
    attendance[cell.attendance].push(member.name);
    const s = cell.submission;
    if (!s) {
      submissions.missing.push(member.name);
      continue;
    }
    const check = notes.get(pathKey(s.path));
    const status = check?.status ?? s.status;
    if (FAILING.has(status)) submissions.failing.push(member.name);
    else (s.onTime ? submissions.onTime : submissions.late).push(member.name);
    // One count per note and rule: a note with five broken links is one note with that problem.
    for (const rule of new Set(check?.findings.filter((f) => f.severity !== 'info').map((f) => f.rule) ?? [])) {
      const entry = ruleNotes.get(rule) ?? { notes: 0, example: check!.findings.find((f) => f.rule === rule)!.message };
      entry.notes++;
      ruleNotes.set(rule, entry);
    }
  }
  let commonFinding: WeekDigest['commonFinding'] = null;
  for (const [rule, { notes: count, example }] of [...ruleNotes].sort(([a], [b]) => a.localeCompare(b))) {
    if (!commonFinding || count > commonFinding.notes) commonFinding = { rule, notes: count, example };
  }
  return { week, attendance, submissions, verify: [...verify], verifyTotal: Math.max(verifyTotal ?? 0, verify.length), commonFinding };
}
