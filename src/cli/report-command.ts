import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseAttendanceFile } from '../attendance/attendance-file.js';
import { computeReport, submissionCount, type AttendanceReport } from '../attendance/compute-report.js';
import { historyChanges, readGitHistory } from '../attendance/git-history.js';
import { applyChanges, emptyLedger, type LedgerChange } from '../attendance/ledger.js';
import { renderOptionsFor, renderReport, sessionLabel } from '../attendance/render-report.js';
import { buildSchedule } from '../attendance/schedule.js';
import { parseConfig } from '../config/load-config.js';
import { CONFIG_PATH, type Language } from '../config/schema.js';
import { pick } from '../i18n/pick.js';
import { EXIT, type CliIO } from './io.js';

const USAGE = `usage: study-bot report [--repo DIR] [--config FILE] [--attendance FILE] [--format text|markdown|json] [--now ISO-TIME]

  --repo DIR         the study checkout (default: the current directory)
  --config FILE      the study config (default: DIR/${CONFIG_PATH})
  --attendance FILE  attendance as JSON: {"weeks":{"1":{"<login or name>":"present|online|absent|excused"}}}
  --format           text (default), markdown (what the report comment shows), json (the contract)
  --now ISO-TIME     report as of this time (default: now), e.g. 2025-10-17T12:00:00+09:00
`;

/** `study-bot report`: the bot's report computed offline from git history and an attendance file. */
export async function run(args: string[], io: CliIO): Promise<number> {
  let values: { repo?: string; config?: string; attendance?: string; format?: string; now?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        repo: { type: 'string' },
        config: { type: 'string' },
        attendance: { type: 'string' },
        format: { type: 'string', default: 'text' },
        now: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (values.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  const format = values.format ?? 'text';
  if (!['text', 'markdown', 'json'].includes(format)) {
    io.stderr(`--format ${format}: expected text, markdown or json\n\n${USAGE}`);
    return EXIT.usage;
  }
  const now = values.now ? new Date(values.now) : new Date();
  if (Number.isNaN(now.getTime())) {
    io.stderr(`--now ${values.now}: expected an ISO time such as 2025-10-17T12:00:00+09:00\n`);
    return EXIT.usage;
  }
  const repoDir = resolve(io.cwd, values.repo ?? '.');
  const configPath = values.config ? resolve(io.cwd, values.config) : resolve(repoDir, CONFIG_PATH);

  const configText = await readFile(configPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' && !values.config) return null; // no config: the defaults
    throw error;
  });
  const parsedConfig = parseConfig(configText, 'ko', values.config ?? CONFIG_PATH);
  if (!parsedConfig.ok) {
    io.stderr(parsedConfig.problems.map((p) => `${parsedConfig.path}:${p.line}: ${p.key ? `${p.key}: ` : ''}${p.message}`).join('\n') + '\n');
    return EXIT.usage;
  }
  const config = parsedConfig.config;
  const lang = config.language;

  const changes: LedgerChange[] = [];
  if (values.attendance) {
    let text: string;
    try {
      text = await readFile(resolve(io.cwd, values.attendance), 'utf8');
    } catch (error) {
      io.stderr(`--attendance ${values.attendance}: ${(error as Error).message}\n`);
      return EXIT.usage;
    }
    const attendance = parseAttendanceFile(text, config);
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
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    io.stderr(
      pick(lang, {
        ko: `${repoDir}: git 기록을 읽을 수 없습니다 (커밋이 있는 git 저장소여야 합니다): ${detail}\n`,
        en: `${repoDir}: cannot read the git history (expected a git repository with commits): ${detail}\n`,
      }),
    );
    return EXIT.usage;
  }
  changes.unshift(...historyChanges(history.history, history.headPaths, history.headAt, config));

  const schedule = buildSchedule(config);
  const ledger = applyChanges(emptyLedger(), changes);
  const report = computeReport({ config, schedule, ledger, now });
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
};
const ICON = { pass: '✅', warn: '⚠️', fail: '❌' };

/** For a terminal: one block per member, one line per week. */
function renderText(report: AttendanceReport, lang: Language, timeZone: string, maxAbsences: number, now: Date): string {
  const out: string[] = [];
  for (const m of report.members) {
    out.push(
      `${m.name}${m.login ? ` (${m.login})` : ''} — ${pick(lang, COMPLETION[m.completion])}, ${pick(lang, { ko: '결석', en: 'absences' })} ${m.absences}/${maxAbsences}, ${pick(lang, { ko: '제출', en: 'submitted' })} ${submissionCount(m)}/${report.weeks.length}`,
    );
    for (const w of report.weeks) {
      const cell = m.weeks[String(w.week)];
      const s = cell.submission;
      const sub = s
        ? `${s.onTime ? pick(lang, { ko: '제출', en: 'submitted' }) : pick(lang, { ko: '지각 제출', en: 'late' })} ${s.status ? ICON[s.status] : '⏳'} ${s.path} (${sessionLabel(s.firstSeen, { lang, timeZone })})`
        : Date.parse(w.deadline) < now.getTime()
          ? pick(lang, { ko: '미제출', en: 'missing' })
          : '';
      out.push(`  ${pick(lang, { ko: `${w.week}주차`, en: `week ${w.week}` })}  ${pick(lang, ATT[cell.attendance]).padEnd(4)}  ${sub}`.trimEnd());
    }
  }
  if (report.members.length === 0) out.push(pick(lang, { ko: '명단이 비어 있고 제출물도 없습니다.', en: 'The roster is empty and nothing was submitted.' }));
  return out.join('\n') + '\n';
}
