import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseAttendanceFile } from '../attendance/attendance-file.js';
import { offlineProjectWork } from '../project/project-history.js';
import { computeReport, submissionCount, weekSubmitted, type AttendanceReport } from '../attendance/compute-report.js';
import { historyChanges, readGitHistory, readHeadFiles } from '../attendance/git-history.js';
import { isSubmission } from '../attendance/study-files.js';
import { checkFiles } from '../check/check-files.js';
import { treeOf } from '../check/disk-repo.js';
import { applyChanges, emptyLedger, type LedgerChange } from '../attendance/ledger.js';
import { renderOptionsFor, renderReport, sessionLabel } from '../attendance/render-report.js';
import { buildSchedule, type Schedule } from '../attendance/schedule.js';
import { whoOwes, type NoteCheck } from '../nudges/owed.js';
import { renderNudge } from '../nudges/render.js';
import { parseConfig } from '../config/load-config.js';
import { CONFIG_PATH, type Language, type StudyConfig } from '../config/schema.js';
import { pick, type Bilingual } from '../i18n/pick.js';
import { repoRoot } from './check-command.js';
import { EXIT, type CliIO } from './io.js';
import { parseCliArgs } from './parse-cli-args.js';

const usage = (lang: Language) =>
  pick(lang, {
    ko: `사용법: study-bot report [--repo 폴더] [--config 파일] [--attendance 파일] [--format text|markdown|json] [--now 시각] [--lang ko|en]
       study-bot report --week N --nudge [--repo 폴더] [--now 시각]

봇의 출석·제출 현황을 git 기록과 출석 파일로 오프라인에서 계산합니다.

  --repo 폴더         스터디 저장소 (기본: 현재 git 저장소의 최상위 폴더)
  --config 파일       스터디 설정 (기본: <폴더>/${CONFIG_PATH})
  --attendance 파일   출석 JSON: {"weeks":{"1":{"<아이디 또는 이름>":"출석|온라인|결석|공결"}}}
                      (present|online|absent|excused도 됩니다; 현장 주차의 온라인은 결석으로 셉니다)
  --format 형식       text(기본), markdown(현황 댓글과 같은 표), json(도구용 형식)
  --now 시각          이 시각 기준으로 계산 (기본: 지금), 예: 2025-10-17T12:00:00+09:00
  --lang 언어         메시지 언어 ko|en (기본: 설정의 language)
  --week N --nudge    N주차 마감 전 알림 댓글을 미리 보기 (봇이 보낼 내용과 같음, 아무것도 보내지 않음)
`,
    en: `usage: study-bot report [--repo DIR] [--config FILE] [--attendance FILE] [--format text|markdown|json] [--now ISO-TIME] [--lang ko|en]
       study-bot report --week N --nudge [--repo DIR] [--now ISO-TIME]

The bot's attendance and submissions report, computed offline from git history and an attendance file.

  --repo DIR         the study checkout (default: the top of the current git checkout)
  --config FILE      the study config (default: DIR/${CONFIG_PATH})
  --attendance FILE  attendance as JSON: {"weeks":{"1":{"<login or name>":"present|online|absent|excused"}}}
                     (Korean words too; online on an in-person week counts as an absence)
  --format FORMAT    text (default), markdown (what the report comment shows), json (the contract)
  --now ISO-TIME     report as of this time (default: now), e.g. 2025-10-17T12:00:00+09:00
  --lang LANG        message language ko|en (default: the config's language)
  --week N --nudge   preview week N's reminder comment, as the bot would post it (nothing is sent)
`,
  });

/** `study-bot report`: the bot's report computed offline from git history and an attendance file. */
export async function run(args: string[], io: CliIO): Promise<number> {
  const parsed = parseCliArgs(args, io, {
    command: 'report',
    options: {
      repo: { type: 'string' },
      config: { type: 'string' },
      attendance: { type: 'string' },
      format: { type: 'string', default: 'text' },
      now: { type: 'string' },
      week: { type: 'string' },
      nudge: { type: 'boolean' },
    },
    choices: { format: ['text', 'markdown', 'json'] },
    usage,
  });
  if (!parsed.ok) return parsed.exit;
  const { values } = parsed;
  const format = values.format ?? 'text';
  // Until the config is read, only `--lang` says which language to speak.
  let lang: Language = parsed.lang ?? 'ko';
  const fail = (message: Bilingual, withUsage = false) => {
    io.stderr(`study-bot report: ${pick(lang, message)}\n${withUsage ? `\n${usage(lang)}` : ''}`);
    return EXIT.usage;
  };

  const nudgeWeek = values.week === undefined ? null : /^\d{1,2}$/.test(values.week) ? Number(values.week) : NaN;
  if (values.nudge && nudgeWeek === null) return fail({ ko: '--nudge에는 --week N이 필요합니다', en: '--nudge needs --week N' }, true);
  if (Number.isNaN(nudgeWeek) || (nudgeWeek !== null && !values.nudge)) {
    return fail({ ko: `--week ${values.week}: 주차 번호와 --nudge를 함께 주세요 (예: --week 3 --nudge)`, en: `--week ${values.week}: give a week number together with --nudge (e.g. --week 3 --nudge)` }, true);
  }
  const now = values.now ? new Date(values.now) : new Date();
  if (Number.isNaN(now.getTime())) {
    return fail({
      ko: `--now ${values.now}: 2025-10-17T12:00:00+09:00 같은 ISO 시각이어야 합니다`,
      en: `--now ${values.now}: expected an ISO time such as 2025-10-17T12:00:00+09:00`,
    }, true);
  }
  // As `check` and `new`: from study/week1/ the study is the top of the git checkout, not the
  // folder the member stands in (whose missing .github/study.yml read as an empty roster).
  const repoDir = values.repo !== undefined ? resolve(io.cwd, values.repo) : await repoRoot(undefined, io);
  const folder = await stat(repoDir).catch(() => null);
  if (!folder?.isDirectory()) {
    return fail({ ko: `--repo ${values.repo ?? '.'}: 폴더가 없습니다`, en: `--repo ${values.repo ?? '.'}: no such folder` });
  }
  const configPath = values.config ? resolve(io.cwd, values.config) : resolve(repoDir, CONFIG_PATH);
  const shownConfig = values.config ?? CONFIG_PATH;

  let configText: string | null = null;
  try {
    configText = await readFile(configPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // no config file: the defaults; a `--config` that cannot be read is a mistake
    if (values.config || (code !== 'ENOENT' && code !== 'ENOTDIR')) {
      return fail({ ko: `${shownConfig}: 설정 파일을 읽을 수 없습니다 (${code ?? (error as Error).message})`, en: `${shownConfig}: cannot read the config file (${code ?? (error as Error).message})` });
    }
  }
  const parsedConfig = parseConfig(configText, parsed.lang ?? 'ko', shownConfig);
  if (!parsedConfig.ok) {
    io.stderr(parsedConfig.problems.map((p) => `${parsedConfig.path}:${p.line}: ${p.key ? `${p.key}: ` : ''}${p.message}`).join('\n') + '\n');
    return EXIT.usage;
  }
  const config = parsedConfig.config;
  lang = parsed.lang ?? config.language;

  const changes: LedgerChange[] = [];
  if (values.attendance) {
    let text: string;
    try {
      text = await readFile(resolve(io.cwd, values.attendance), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      return fail({ ko: `--attendance ${values.attendance}: 파일을 읽을 수 없습니다 (${code})`, en: `--attendance ${values.attendance}: cannot read the file (${code})` });
    }
    const attendance = parseAttendanceFile(text, config, lang);
    if (!attendance.ok) {
      io.stderr(attendance.problems.map((p) => `${values.attendance}: ${p}`).join('\n') + '\n');
      return EXIT.usage;
    }
    changes.push(...attendance.marks.map<LedgerChange>((mark) => ({ kind: 'mark', mark })));
  }

  let history;
  try {
    history = await readGitHistory(repoDir);
  } catch (error) {
    return fail(gitProblem(repoDir, error));
  }
  changes.unshift(...historyChanges(history.history, history.headPaths, history.headAt, config));
  const checked = await checkHeadSubmissions(repoDir, history.headPaths, history.headAt, config, lang);
  changes.push(checked.change);

  const schedule = buildSchedule(config);
  // From week 3 on, the weekly work is often commits under the project folder.
  changes.push(...(await offlineProjectWork(repoDir, config, schedule)));
  const ledger = applyChanges(emptyLedger(), changes);
  const report = computeReport({ config, schedule, ledger, now });
  if (nudgeWeek !== null) {
    const week = schedule.weeks.find((w) => w.week === nudgeWeek);
    if (!week) return fail({ ko: `--week ${nudgeWeek}: ${nudgeWeek}주차는 없습니다 (1–${schedule.weeks.length}주차)`, en: `--week ${nudgeWeek}: there is no week ${nudgeWeek} (weeks 1–${schedule.weeks.length})` });
    io.stdout(previewNudge({ ...config, language: lang }, schedule, report, nudgeWeek, checked.notes) + '\n');
    return EXIT.ok;
  }
  if (format === 'json') {
    io.stdout(JSON.stringify(report, null, 2) + '\n');
  } else if (format === 'markdown') {
    // Exactly what the report comment shows; the hidden marker and ledger are left out
    // (invisible on GitHub, and offline there is no ledger to keep).
    io.stdout(
      renderReport(report, { ...renderOptionsFor(config, schedule, now), lang }) + '\n',
    );
  } else {
    io.stdout(renderText(report, lang, schedule.timeZone, config.attendance.maxAbsences, now));
  }
  return EXIT.ok;
}

/**
 * The verdicts the bot's push check would give the submissions at HEAD: the same rubric run
 * on the committed bytes (not on uncommitted edits), so the offline report shows ✅/⚠️/❌
 * instead of "not checked yet" for every file.
 */
async function checkHeadSubmissions(repoDir: string, headPaths: string[], headAt: number, config: StudyConfig, lang: Language): Promise<{ change: LedgerChange; notes: Map<string, NoteCheck> }> {
  const submissions = headPaths.filter((p) => isSubmission(p, config));
  const blobs = await readHeadFiles(repoDir, submissions);
  const reports = await checkFiles({
    files: [...blobs].map(([path, content]) => ({ path, content })),
    tree: treeOf(headPaths),
    config,
    lang,
    mayInline: true,
  });
  const files = reports.flatMap((r) => (r.status ? [{ path: r.path.normalize('NFC'), status: r.status }] : []));
  const notes = new Map(reports.flatMap((r) => (r.status ? [[r.path.normalize('NFC'), { path: r.path, status: r.status, findings: r.findings }] as const] : [])));
  return { change: { kind: 'check', files, at: headAt }, notes };
}

/**
 * The reminder the bot would post for `week`, from the checkout (offline there is no ledger:
 * nobody has turned reminders off, and project work is not known).
 */
function previewNudge(config: StudyConfig, schedule: Schedule, report: AttendanceReport, week: number, notes: Map<string, NoteCheck>): string {
  const lang = config.language;
  const owing = whoOwes({ config, report, week, optedOut: new Set(), notes });
  const due = schedule.weeks.find((w) => w.week === week)!.deadline;
  if (owing.length === 0) {
    return pick(lang, { ko: `${week}주차: 남은 것이 있는 멤버가 없어 알림을 보내지 않습니다.`, en: `Week ${week}: nobody owes anything, so no reminder would be posted.` });
  }
  return renderNudge(owing, {
    lang,
    timeZone: schedule.timeZone,
    week,
    dueAt: due.toISOString(),
    hoursBefore: config.nudges.hoursBefore,
    nextOffline: schedule.weeks.find((w) => w.week === week + 1)?.mode === 'offline',
  });
}

/** Why the history could not be read, without execa's raw `spawn git ENOENT` and command lines. */
function gitProblem(repoDir: string, error: unknown): Bilingual {
  const e = error as { code?: string; stderr?: string; message?: string };
  if (e.code === 'ENOENT') {
    return { ko: 'git을 찾을 수 없습니다 — git을 설치하고 PATH에 있는지 확인하세요', en: 'git was not found — install git and make sure it is on the PATH' };
  }
  const stderr = e.stderr?.trim() ?? '';
  if (/not a git repository/i.test(stderr)) {
    return {
      ko: `${repoDir}: git 저장소가 아닙니다 — 스터디 저장소를 clone한 폴더를 --repo로 주세요`,
      en: `${repoDir}: not a git repository — point --repo at a clone of the study repository`,
    };
  }
  if (/does not have any commits|bad default revision|unknown revision/i.test(stderr)) {
    return { ko: `${repoDir}: 커밋이 아직 없는 git 저장소입니다`, en: `${repoDir}: the git repository has no commits yet` };
  }
  const detail = stderr.split('\n')[0] || e.message || String(error);
  return {
    ko: `${repoDir}: git 기록을 읽을 수 없습니다 (커밋이 있는 git 저장소여야 합니다): ${detail}`,
    en: `${repoDir}: cannot read the git history (expected a git repository with commits): ${detail}`,
  };
}

const ATT = {
  present: { ko: '출석', en: 'present' },
  online: { ko: '온라인', en: 'online' },
  absent: { ko: '결석', en: 'absent' },
  excused: { ko: '공결', en: 'excused' },
  unknown: { ko: '-', en: '-' },
};
const COMPLETION = {
  'on-track': { ko: '진행 중', en: 'on track' },
  'at-risk': { ko: '경고', en: 'at risk' },
  failed: { ko: '수료 불가', en: 'cannot complete' },
  completed: { ko: '수료', en: 'completed' },
  unknown: { ko: '미정 (출석 기록 부족)', en: 'unknown (attendance missing)' },
};
const ICON = { pass: '✅', warn: '⚠️', fail: '❌' };

/** For a terminal: one block per member, one line per week. */
function renderText(report: AttendanceReport, lang: Language, timeZone: string, maxAbsences: number, now: Date): string {
  const out: string[] = [];
  for (const m of report.members) {
    out.push(
      `${m.name}${m.login ? ` (${m.login})` : ''} — ${pick(lang, COMPLETION[m.completion])}, ${pick(lang, { ko: '결석', en: 'absences' })} ${m.absences}/${maxAbsences}, ${pick(lang, { ko: '제출', en: 'submitted' })} ${submissionCount(m, report)}/${report.weeks.length}`,
    );
    for (const w of report.weeks) {
      const cell = m.weeks[String(w.week)];
      const s = cell.submission;
      const parts: string[] = [];
      if (s) {
        parts.push(`${s.onTime ? pick(lang, { ko: '제출', en: 'submitted' }) : pick(lang, { ko: '지각 제출', en: 'late' })} ${s.status ? ICON[s.status] : '⏳'} ${s.path} (${sessionLabel(s.firstSeen, { lang, timeZone })})`);
      }
      const p = cell.project;
      if (p) {
        const counts = pick(lang, {
          ko: `커밋 ${p.commits}, 파일 ${p.files}${p.lines === null ? '' : `, ${p.lines}줄`}`,
          en: `${p.commits} commit(s), ${p.files} file(s)${p.lines === null ? '' : `, ${p.lines} lines`}`,
        });
        const late = p.onTime ? '' : pick(lang, { ko: ' 지각', en: ' late' });
        parts.push(`📦 ${counts}${late}${p.ebpf.length > 0 ? ` — ${p.ebpf.join(', ')}` : ''}`);
      }
      if (!weekSubmitted(cell, w.accepts) && Date.parse(w.deadline) < now.getTime()) {
        parts.push(pick(lang, w.accepts === 'project' ? { ko: '프로젝트 미제출', en: 'no project work' } : { ko: '미제출', en: 'missing' }));
      }
      const sub = parts.join(' · ');
      const attendance = cell.refused ? pick(lang, { ko: '온라인 (불인정)', en: 'online (not accepted)' }) : pick(lang, ATT[cell.attendance]);
      out.push(`  ${pick(lang, { ko: `${w.week}주차`, en: `week ${w.week}` })}  ${attendance.padEnd(4)}  ${sub}`.trimEnd());
    }
  }
  if (report.members.length === 0) out.push(pick(lang, { ko: '명단이 비어 있고 제출물도 없습니다.', en: 'The roster is empty and nothing was submitted.' }));
  return out.join('\n') + '\n';
}
