import type { Language, StudyConfig } from '../config/schema.js';
import { markerFor } from '../github/marker-comment.js';
import { COMMENT_BODY_LIMIT, fitText, textLength } from '../github/text-limits.js';
import type { TrimmedKind } from './fit-ledger.js';
import { pick } from '../i18n/pick.js';
import { submissionCount, weekSubmitted, type AttendanceReport, type Completion, type MemberReport, type ProjectCell, type WeekCell } from './compute-report.js';
import type { SubmissionRule } from '../config/schema.js';
import type { AttendanceState } from './ledger.js';
import type { Schedule } from './schedule.js';
import { formatShort, wallClock } from './zoned-time.js';
import { withoutInvisible, withoutLinks } from '../text/shown-text.js';

/** The hidden marker that finds the report comment among any number of comments. */
export const REPORT_MARKER = markerFor('attendance-report');

export interface RenderOptions {
  lang: Language;
  timeZone: string;
  now: Date;
  maxAbsences: number;
  /** the check-in window, in minutes around each session's start */
  opensBefore: number;
  closesAfter: number;
  /** minutes after the next session's start that notes are still on time (`attendance.graceMinutes`) */
  graceMinutes?: number;
  /** weeks whose deadline the config sets exactly (`attendance.deadlines`); their deadline is shown */
  deadlineOverrides?: number[];
  /** each week's digest comment (src/nudges), linked under the table */
  digests?: Record<string, number>;
  /** what gave way so that the ledger fits in the comment (fit-ledger.ts), said above the table */
  trimmed?: readonly TrimmedKind[];
  /** how many names nobody on the roster has were left out of the ledger, counted (flooded-strangers.ts) */
  strangersLeft?: number;
  /**
   * The study's folder, when its listing at the newest push could not be read in full (too many
   * entries: push-git.ts completeTree's budgets): this refresh went by the pushes' own file lists.
   */
  listingCut?: string;
}

const TRIMMED_LABELS: Record<TrimmedKind, { ko: string; en: string }> = {
  'stale-checks': { ko: '지금 `main`에 없는 파일의 검사 결과', en: 'check results of files no longer on `main`' },
  strangers: { ko: '명단에 없는 이름의 노트·프로젝트 기록', en: 'records of names nobody on the roster has' },
  'work-files': { ko: '프로젝트 작업의 파일 목록 (커밋·줄 수·eBPF 소스는 유지)', en: 'the file lists of project work (commits, lines and eBPF sources kept)' },
  'removed-notes': { ko: '`main`에서 지워진 노트의 처음 본 시각', en: 'first-seen times of notes removed from `main`' },
};

/** One line for organizers when the ledger had to give something up to fit in one comment. */
const trimmedNotice = (trimmed: readonly TrimmedKind[], lang: Language, strangersLeft = 0): string => {
  // the count, when it is known: names left out before the ledger was built
  const label = (k: TrimmedKind, l: 'ko' | 'en') =>
    k === 'strangers' && strangersLeft > 0
      ? l === 'ko'
        ? `${TRIMMED_LABELS[k].ko} (이름 ${strangersLeft.toLocaleString('en-US')}개)`
        : `${TRIMMED_LABELS[k].en} (${strangersLeft.toLocaleString('en-US')} names)`
      : TRIMMED_LABELS[k][l];
  return pick(lang, {
    ko: `> ⚠️ 기록이 댓글 하나(65,536자)에 다 들어가지 않아 덜 중요한 것부터 줄였습니다: ${trimmed.map((k) => label(k, 'ko')).join(', ')}. 출석과 \`main\`에 있는 노트의 기록은 그대로입니다.`,
    en: `> ⚠️ The record no longer fits in one comment (65,536 characters), so the least needed parts gave way: ${trimmed.map((k) => label(k, 'en')).join('; ')}. Attendance and the notes on \`main\` are kept.`,
  });
};

/** One line for organizers when the study's folder was too big to list: what this refresh did not read. */
const listingCutNotice = (folder: string, lang: Language): string => {
  const shown = `\`${(folder || '.').replace(/`/g, "'")}/\``;
  return pick(lang, {
    ko: `> ⚠️ ${shown} 폴더의 항목이 너무 많아 (같은 폴더를 여러 번 가리키는 폴더들 등) 파일 목록을 끝까지 읽지 못했습니다. 이번 갱신은 push에 담긴 파일만 반영했고, \`main\`에 지금 있는 노트 전체와 push 없이 사라진 노트는 확인하지 못했습니다.`,
    en: `> ⚠️ ${shown} has too many entries (many folders naming the same content, say) to list in full, so this refresh went by the files the pushes named; the notes on \`main\` as a whole, and notes gone without a push saying so, were not read.`,
  });
};

/** The options the comment and the CLI render with, from the config in use. */
export function renderOptionsFor(
  config: Pick<StudyConfig, 'language' | 'attendance'>,
  schedule: Pick<Schedule, 'timeZone'>,
  now: Date,
): RenderOptions {
  return {
    lang: config.language,
    timeZone: schedule.timeZone,
    now,
    maxAbsences: config.attendance.maxAbsences,
    opensBefore: config.attendance.opensBefore,
    closesAfter: config.attendance.closesAfter,
    graceMinutes: config.attendance.graceMinutes,
    deadlineOverrides: Object.keys(config.attendance.deadlines).map(Number).sort((a, b) => a - b),
  };
}

const minutesText = (minutes: number, lang: Language): string => {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (lang === 'ko') return [h ? `${h}시간` : '', m ? `${m}분` : ''].filter(Boolean).join(' ');
  return [h ? `${h} hour${h === 1 ? '' : 's'}` : '', m ? `${m} minute${m === 1 ? '' : 's'}` : ''].filter(Boolean).join(' ');
};

/**
 * The deadline as the schedule computes it: the next session's start, plus the grace when
 * there is one, and the weeks whose deadline the config sets exactly.
 */
export function deadlineRule(report: AttendanceReport, opts: RenderOptions): string {
  const { lang } = opts;
  const grace = opts.graceMinutes ?? 0;
  const overridden = (opts.deadlineOverrides ?? []).flatMap((n) => report.weeks.filter((w) => w.week === n));
  const general =
    grace > 0
      ? pick(lang, { ko: `다음 세션 시작 ${minutesText(grace, 'ko')} 뒤`, en: `${minutesText(grace, 'en')} after the next session starts` })
      : pick(lang, { ko: '다음 세션 시작 시각', en: 'the start of the next session' });
  if (overridden.length === 0) return general;
  const exact = overridden.map((w) => pick(lang, { ko: `${w.week}주차 ${formatShort(new Date(w.deadline), opts.timeZone)}`, en: `week ${w.week}: ${formatShort(new Date(w.deadline), opts.timeZone)}` }));
  if (overridden.length === report.weeks.length) return exact.join(', ');
  return pick(lang, { ko: `${general} (단, ${exact.join(', ')})`, en: `${general} (except ${exact.join(', ')})` });
}

const ATTENDANCE: Record<AttendanceState, { ko: string; en: string }> = {
  present: { ko: '출석', en: 'present' },
  online: { ko: '온라인', en: 'online' },
  absent: { ko: '**결석**', en: '**absent**' },
  excused: { ko: '공결', en: 'excused' },
};

/** Online on an in-person week: an absence, said so (compute-report's `refused`). */
export const ONLINE_REFUSED = { ko: '**온라인 (불인정)**', en: '**online (not accepted)**' };

const STATUS_ICON = { pass: '✅', warn: '⚠️', fail: '❌' } as const;

const COMPLETION: Record<Completion, { ko: string; en: string }> = {
  'on-track': { ko: '진행 중', en: 'on track' },
  'at-risk': { ko: '⚠️ 경고', en: '⚠️ at risk' },
  failed: { ko: '❌ 수료 불가', en: '❌ cannot complete' },
  completed: { ko: '🎓 수료', en: '🎓 completed' },
  unknown: { ko: '❔ 미정 (출석 기록 부족)', en: '❔ unknown (attendance missing)' },
};

/**
 * A name or file name in a table cell: a `|` would end the cell, a newline the row. With an empty roster the names come from file names
 * anyone can push (`@kim-cs.md`, `[안내](https:evil.example).md`): nothing in a cell may
 * mention, link or hide (text/shown-text.ts), and a bracket is only a bracket.
 */
const cellText = (text: string): string =>
  withoutLinks(withoutInvisible(text))
    .replace(/[\r\n]+/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/[|[\]]/g, (c) => `\\${c}`)
    .replace(/</g, '&lt;');

function cell(week: WeekCell, accepts: SubmissionRule, deadlinePassed: boolean, lang: Language): string {
  const parts: string[] = [];
  if (week.refused === 'online-on-offline-week') parts.push(pick(lang, ONLINE_REFUSED));
  else if (week.attendance !== 'unknown') parts.push(pick(lang, ATTENDANCE[week.attendance]));
  const s = week.submission;
  if (s) {
    const label = s.onTime ? pick(lang, { ko: '제출', en: 'submitted' }) : pick(lang, { ko: '지각 제출', en: 'late' });
    parts.push(`${label} ${s.status ? STATUS_ICON[s.status] : '⏳'}`);
  }
  if (week.project) parts.push(projectLine(week.project, lang));
  if (!weekSubmitted(week, accepts) && deadlinePassed) {
    parts.push(pick(lang, accepts === 'project' ? { ko: '프로젝트 미제출', en: 'no project work' } : { ko: '미제출', en: 'missing' }));
  }
  return parts.length > 0 ? parts.join('<br>') : ' ';
}

/** `📦 3 commits · 5 files · +120 · xdp.bpf.c`: the week's project work in one cell line. */
function projectLine(p: ProjectCell, lang: Language): string {
  const late = p.onTime ? '' : pick(lang, { ko: ' (지각)', en: ' (late)' });
  const counts = pick(lang, {
    ko: `커밋 ${p.commits} · 파일 ${p.files}${p.lines === null ? '' : ` · ${p.lines}줄`}`,
    en: `${p.commits} commit${p.commits === 1 ? '' : 's'} · ${p.files} file${p.files === 1 ? '' : 's'}${p.lines === null ? '' : ` · ${p.lines} lines`}`,
  });
  const shown = p.ebpf.slice(0, 3).map((path) => `<code>${cellText(path.split('/').pop() ?? path)}</code>`);
  const more = p.ebpf.length > 3 ? ` +${p.ebpf.length - 3}` : '';
  return `📦 ${counts}${late}${shown.length > 0 ? `<br>${shown.join(' ')}${more}` : ''}`;
}

function memberRow(member: MemberReport, report: AttendanceReport, opts: RenderOptions): string {
  const name = member.login ? `${cellText(member.name)}<br><sub>${cellText(member.login)}</sub>` : cellText(member.name);
  const weeks = report.weeks.map((w) => cell(member.weeks[String(w.week)], w.accepts, Date.parse(w.deadline) < opts.now.getTime(), opts.lang));
  const absences = member.absences > 0 ? `${member.absences} / ${opts.maxAbsences}` : `0 / ${opts.maxAbsences}`;
  const submissions = `${submissionCount(member, report)} / ${report.weeks.length}`;
  return `| ${[name, ...weeks, absences, submissions, pick(opts.lang, COMPLETION[member.completion])].join(' | ')} |`;
}

const WEEKDAY = {
  ko: ['일', '월', '화', '수', '목', '금', '토'],
  en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
};

/** `9/18 (목) 20:00` in the study's time zone. */
export function sessionLabel(iso: string, opts: Pick<RenderOptions, 'lang' | 'timeZone'>): string {
  const instant = new Date(iso);
  const t = wallClock(instant, opts.timeZone);
  const weekday = new Date(Date.UTC(t.year, t.month - 1, t.day)).getUTCDay();
  return `${t.month}/${t.day} (${WEEKDAY[opts.lang][weekday]}) ${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
}

/**
 * What the report comment shows: the table, a short legend and the last update. The hidden
 * marker and ledger are added by `reportCommentBody`; `study-bot report --format markdown`
 * prints exactly this.
 */
export function renderReport(report: AttendanceReport, opts: RenderOptions): string {
  const { lang } = opts;
  const header = [
    pick(lang, { ko: '멤버', en: 'Member' }),
    ...report.weeks.map((w) => {
      const mode = w.mode === 'offline' ? pick(lang, { ko: ' · 오프라인', en: ' · offline' }) : '';
      return `${pick(lang, { ko: `${w.week}주차`, en: `Week ${w.week}` })}<br><sub>${formatShort(new Date(w.session), opts.timeZone, false)}${mode}</sub>`;
    }),
    pick(lang, { ko: '결석', en: 'Absences' }),
    pick(lang, { ko: '제출', en: 'Submitted' }),
    pick(lang, { ko: '상태', en: 'Status' }),
  ];
  const align = [':--', ...report.weeks.map(() => ':-:'), ':-:', ':-:', ':--'];
  const lines = [
    pick(lang, { ko: '## 📊 출석 · 제출 현황', en: '## 📊 Attendance and submissions' }),
    '',
    ...(opts.trimmed?.length ? [trimmedNotice(opts.trimmed, lang, opts.strangersLeft), ''] : []),
    ...(opts.listingCut !== undefined ? [listingCutNotice(opts.listingCut, lang), ''] : []),
    ...(report.unlisted
      ? [
          pick(lang, {
            ko: `> ⚠️ 명단(\`members\`)이 비어 있어 먼저 제출한 ${report.members.length}명만 표에 넣었습니다 (나머지 이름 ${report.unlisted}개). 운영진이 \`.github/study.yml\`에 명단을 적으면 명단대로 표시됩니다.`,
            en: `> ⚠️ The roster (\`members\`) is empty, so the table holds the first ${report.members.length} names to submit (${report.unlisted} more left out). Once organizers list the members in \`.github/study.yml\`, the table follows the roster.`,
          }),
          '',
        ]
      : []),
  ];
  const next = report.weeks.find((w) => Date.parse(w.session) + opts.closesAfter * 60_000 > opts.now.getTime());
  if (next) {
    lines.push(
      pick(lang, {
        ko: `다음 세션: **${next.week}주차** ${sessionLabel(next.session, opts)}${next.mode === 'offline' ? ' · 오프라인 필수' : ''} — \`/출석\`으로 체크인 (시작 ${opts.opensBefore}분 전부터)`,
        en: `Next session: **week ${next.week}**, ${sessionLabel(next.session, opts)}${next.mode === 'offline' ? ', in person only' : ''} — check in with \`/attend\` (from ${opts.opensBefore} minutes before)`,
      }),
      '',
    );
  }
  if (report.members.length === 0) {
    lines.push(
      pick(lang, {
        ko: '_아직 명단이 비어 있습니다. `.github/study.yml`의 `members`에 멤버를 추가하세요._',
        en: '_The roster is empty. Add members under `members` in `.github/study.yml`._',
      }),
    );
  } else {
    lines.push(`| ${header.join(' | ')} |`, `| ${align.join(' | ')} |`, ...report.members.map((m) => memberRow(m, report, opts)));
  }
  const digests = Object.entries(opts.digests ?? {}).map(([week, id]) => [Number(week), id] as const).sort((a, b) => a[0] - b[0]);
  if (digests.length > 0) {
    // An anchor: the digest sits on the same issue page as this comment.
    const links = digests.map(([week, id]) => `[${pick(lang, { ko: `${week}주차`, en: `week ${week}` })}](#issuecomment-${id})`).join(' · ');
    lines.push('', pick(lang, { ko: `**주간 요약**: ${links}`, en: `**Weekly digests**: ${links}` }));
  }
  const t = wallClock(opts.now, opts.timeZone);
  const updated = `${t.year}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')} ${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
  lines.push(
    '',
    pick(lang, {
      ko: `**범례** 출석 · 온라인 · 결석 · 공결(결석으로 세지 않음) / 제출 ✅ 통과 · ⚠️ 경고 · ❌ 실패 · ⏳ 검사 전 / 📦 그 주의 프로젝트 작업(\`project/{name}/\` 커밋) / 지각 제출: 마감 뒤에 처음 올라옴 / 미제출: 마감까지 없음${projectWeeks(report, 'ko')}`,
      en: `**Legend** present · online · absent · excused (not counted as an absence) / submitted ✅ pass · ⚠️ warnings · ❌ fails · ⏳ not checked yet / 📦 the week's project work (commits under \`project/{name}/\`) / late: first pushed after the deadline / missing: nothing by the deadline${projectWeeks(report, 'en')}`,
    }),
    '',
    pick(lang, {
      ko: `- 결석 ${opts.maxAbsences}회 이상이면 수료할 수 없습니다 (⚠️ 경고: 한 번 더 결석하면 수료 불가). 지난 세션만 셉니다. ❔ 미정: 출석 기록이 없는 세션이 남아 있어 수료 여부를 정할 수 없음.\n- ${offlineWeeks(report, 'ko')}주차는 오프라인 출석만 인정됩니다.\n- 마감: ${deadlineRule(report, opts)}. 제출 시각은 봇이 \`main\`에서 파일을 처음 본 시각입니다 (force push·이름 변경에도 유지).`,
      en: `- ${opts.maxAbsences} or more absences and a member cannot complete the study (⚠️ at risk: one more absence). Past sessions only. ❔ unknown: sessions without attendance data could still decide it.\n- Weeks ${offlineWeeks(report, 'en')} count only in-person attendance.\n- Deadline: ${deadlineRule(report, opts)}. A submission's time is when the bot first saw the file on \`main\` (kept across force pushes and renames).`,
    }),
    '',
    pick(lang, {
      ko: `<sub>마지막 갱신: ${updated} (${opts.timeZone}) · study-bot이 관리하는 댓글입니다. 출석 정정은 운영진이 \`/attendance week 3 present @아이디\`로 합니다.</sub>`,
      en: `<sub>Last updated: ${updated} (${opts.timeZone}) · kept by study-bot. Organizers correct attendance with \`/attendance week 3 present @login\`.</sub>`,
    }),
  );
  return lines.join('\n');
}

/** Which weeks project work counts for, when any does. */
const projectWeeks = (report: AttendanceReport, lang: Language): string => {
  const either = report.weeks.filter((w) => w.accepts === 'either').map((w) => w.week);
  const project = report.weeks.filter((w) => w.accepts === 'project').map((w) => w.week);
  if (either.length === 0 && project.length === 0) return '';
  const parts: string[] = [];
  if (either.length > 0) parts.push(lang === 'ko' ? `${either.join('·')}주차는 노트나 프로젝트 작업` : `weeks ${either.join(', ')}: the note or project work`);
  if (project.length > 0) parts.push(lang === 'ko' ? `${project.join('·')}주차는 프로젝트 작업` : `weeks ${project.join(', ')}: project work`);
  return lang === 'ko' ? ` / 제출로 인정: ${parts.join(', ')}` : ` / what counts: ${parts.join('; ')}`;
};

const offlineWeeks = (report: AttendanceReport, lang: Language): string => {
  const weeks = report.weeks.filter((w) => w.mode === 'offline').map((w) => w.week);
  if (weeks.length === 0) return lang === 'ko' ? '없음: 모든' : 'none: all';
  return lang === 'ko' ? weeks.join('·') : weeks.join(' and ');
};

/**
 * The whole comment: the marker, what people see, and the ledger as hidden data at the
 * end. The visible part gives way (cut cleanly with a note) before the ledger ever would:
 * losing the ledger would lose first-seen times for good.
 */
/** The ledger block's size that leaves the table 8 KiB at least (fit-ledger.ts trims to it). */
export const LEDGER_BLOCK_MAX = COMMENT_BODY_LIMIT - textLength(REPORT_MARKER) - 4 - 8_192;

export function reportCommentBody(visible: string, ledgerBlock: string): string {
  const budget = COMMENT_BODY_LIMIT - textLength(REPORT_MARKER) - textLength(ledgerBlock) - 4;
  if (budget < 1024) throw new Error(`the attendance ledger alone is ${textLength(ledgerBlock)} characters: too large for one comment`);
  return `${REPORT_MARKER}\n${fitText(visible, budget)}\n\n${ledgerBlock}`;
}
