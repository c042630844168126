import { checkResultBlock } from '../check/check-result-block.js';
import { reportTrailLine } from '../github/report-trail.js';
import { shownText, TEXT_CAPS } from '../text/shown-text.js';
import { statusOf, type FileReport, type FileStatus, type Finding, type Severity } from '../check/types.js';
import type { ConfigProblem } from '../config/load-config.js';
import type { Language, StudyConfig } from '../config/schema.js';
import type { AnnotationLevel, CheckAnnotation, CheckConclusion, CheckOutput } from '../github/check-runs.js';
import { CHECK_TEXT_LIMIT, fitText, textLength } from '../github/text-limits.js';
import { pick, type Bilingual } from '../i18n/pick.js';
import { describeChange } from '../config/approval.js';
import type { ConfigVerdict } from './config-trust.js';
import { restoreCommand, type WipedRecord } from './record-guard.js';
import { projectSection, projectTitle } from './render-project-section.js';

/** The check's name in each language; both are recognised on re-runs and in the dedupe lookup. */
export const CHECK_NAMES = { ko: 'study-bot / 제출물 검사', en: 'study-bot / submission check' } as const;
export const checkName = (lang: Language): string => pick(lang, CHECK_NAMES);

/**
 * A hostile or enormous file (10,000 headings) could ask for thousands of annotations, that
 * is, hundreds of requests. Past this many the rest stay in the summary only.
 */
export const MAX_ANNOTATIONS = 500;

export interface RenderInput {
  lang: Language;
  repoHtmlUrl: string;
  before: string;
  after: string;
  pusherLogin: string;
  configPath: string;
  /** the study files the push touched, as the checker saw them */
  reports: FileReport[];
  /** records of other members the push removed or rewrote (organizers already excused) */
  wiped: WipedRecord[];
  config: ConfigVerdict;
  /** organizers who can approve a pending config change (asked of GitHub) */
  approvers?: string[];
  /** whether the config file exists at `after` (annotations need a file to point at) */
  configExists: boolean;
  /** things the reader should know about how the check was done */
  notes: Bilingual[];
  checks: StudyConfig['checks'];
  /**
   * The study's report issue, recorded (hidden) in the check run: only this app can write its
   * check runs, so the record outlives the issue being transferred away (report-trail.ts).
   */
  reportIssue?: number | null;
}

export interface RenderedCheck {
  conclusion: CheckConclusion;
  output: CheckOutput;
  annotations: CheckAnnotation[];
}

const ICON: Record<FileStatus, string> = { pass: '✅', warn: '⚠️', fail: '❌' };
const SEVERITY_ICON: Record<Severity, string> = { error: '❌', warning: '⚠️', info: 'ℹ️' };
const LEVEL: Record<Severity, AnnotationLevel> = { error: 'failure', warning: 'warning', info: 'notice' };

/** A file's verdict; paths the checker does not grade (misplaced, unknown) are judged by their findings. */
export const verdictOf = (report: FileReport): FileStatus => report.status ?? statusOf(report.findings);

/** `study/week1/홍길동.md` → a link to the file at that commit, every segment encoded. */
export const blobUrl = (repoHtmlUrl: string, sha: string, path: string): string =>
  `${repoHtmlUrl.replace(/(?<!\/)\/+$/, '')}/blob/${sha}/${path.split('/').map(encodeURIComponent).join('/')}`;

// A table cell or link text must not break the table or the link.
const cell = (text: string): string => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').trim();
const linkText = (text: string): string => cell(text).replace(/([[\]])/g, '\\$1');
const code = (text: string): string => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);

const clip = (text: string, max: number): string => {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : chars.join('');
};

const lineLabel = (lang: Language, line: number): string => pick(lang, { ko: `${line}행`, en: `line ${line}` });

/** What to fix first: the first error, else the first warning, with its line. */
function firstToFix(report: FileReport, lang: Language): string {
  const first = report.findings.find((f) => f.severity === 'error') ?? report.findings.find((f) => f.severity === 'warning');
  if (!first) return '—';
  const message = shownText(first.message, TEXT_CAPS.message);
  const text = clip(first.line ? `${lineLabel(lang, first.line)}: ${message}` : message, 90);
  // A cut inside a code span would leave it open and swallow the rest of the row.
  return (text.match(/`/g) ?? []).length % 2 === 1 ? text.replace(/…$/, '`…') : text;
}

/** Week notes and the files around them, apart from project files (which have their own section). */
const notesOf = (reports: readonly FileReport[]): FileReport[] => reports.filter((r) => r.kind !== 'project');
const projectsOf = (reports: readonly FileReport[]): FileReport[] => reports.filter((r) => r.kind === 'project');

export function titleOf(input: RenderInput): string {
  const { lang, wiped, config } = input;
  const reports = notesOf(input.reports);
  const projects = projectsOf(input.reports);
  const parts: string[] = [];
  if (wiped.length > 0) {
    parts.push(
      pick(lang, {
        ko: `다른 멤버의 기록 ${wiped.length}개 삭제·덮어씀 — 복구 필요`,
        en: `${wiped.length} of another member's record${wiped.length === 1 ? '' : 's'} removed or rewritten — restore needed`,
      }),
    );
  }
  if (config.problems.length > 0) {
    parts.push(pick(lang, { ko: `설정 파일 오류 ${config.problems.length}개`, en: `${config.problems.length} config error${config.problems.length === 1 ? '' : 's'}` }));
  }
  const n = reports.length;
  const fails = reports.filter((r) => verdictOf(r) === 'fail').length;
  const warns = reports.filter((r) => verdictOf(r) === 'warn').length;
  if (n === 0 && projects.length === 0) {
    parts.push(pick(lang, { ko: '검사할 제출물이 없습니다', en: 'No study files in this push' }));
  } else if (n === 0) {
    // only project code: the project part below says it
  } else if (fails > 0) {
    parts.push(pick(lang, { ko: `${n}개 파일 중 ${fails}개 수정 필요`, en: `${fails} of ${n} file${n === 1 ? '' : 's'} need${fails === 1 ? 's' : ''} fixes` }));
  } else if (warns > 0) {
    parts.push(pick(lang, { ko: `${n}개 파일 통과 (경고 ${warns}개)`, en: `${n} file${n === 1 ? '' : 's'} pass${n === 1 ? 'es' : ''} (${warns} with warnings)` }));
  } else {
    parts.push(n === 1 ? pick(lang, { ko: '1개 파일 통과', en: '1 file passes' }) : pick(lang, { ko: `${n}개 파일 모두 통과`, en: `All ${n} files pass` }));
  }
  if (projects.length > 0) parts.push(projectTitle(projects, lang));
  if (config.untrustedChange && config.problems.length === 0) {
    parts.push(pick(lang, { ko: '설정 변경 승인 대기', en: 'config change awaits approval' }));
  }
  return parts.join(' · ');
}

export function conclusionOf(input: RenderInput): CheckConclusion {
  // Wiping out someone's records fails whatever the study chose for content problems.
  if (input.wiped.length > 0) return 'failure';
  if (input.config.problems.length > 0 || input.reports.some((r) => verdictOf(r) === 'fail')) return input.checks.failureConclusion;
  if (input.reports.length === 0 || input.config.untrustedChange || input.reports.some((r) => verdictOf(r) === 'warn')) return 'neutral';
  return 'success';
}

function guardSection(input: RenderInput): string[] {
  const { lang, wiped } = input;
  if (wiped.length === 0) return [];
  const rows = wiped.map(
    (w) =>
      `| ${code(w.path)} | ${cell(w.owner)} | ${w.change === 'removed' ? pick(lang, { ko: '삭제', en: 'removed' }) : pick(lang, { ko: '덮어씀', en: 'rewritten' })} |`,
  );
  return [
    pick(lang, { ko: '### ⛔ 다른 멤버의 기록을 지웠습니다', en: "### ⛔ Another member's records were wiped out" }),
    '',
    pick(lang, {
      ko: `@${input.pusherLogin} 님의 이 push가 다른 멤버의 파일을 지우거나 덮어썼습니다. 다른 멤버의 기록은 지울 수 없습니다.`,
      en: `This push by @${input.pusherLogin} removed or rewrote other members' files. Nobody may wipe out another member's records.`,
    }),
    '',
    pick(lang, { ko: '| 파일 | 주인 | 변경 |', en: '| file | owner | change |' }),
    '|---|---|---|',
    ...rows,
    '',
    pick(lang, {
      ko: `push 직전(\`${input.before.slice(0, 7)}\`)의 내용으로 되돌리려면 저장소에서 실행한 뒤 커밋하고 push하세요:`,
      en: `To bring them back as they were before this push (\`${input.before.slice(0, 7)}\`), run this in the repository, then commit and push:`,
    }),
    '',
    '```sh',
    restoreCommand(input.before, wiped.map((w) => w.path)),
    '```',
    '',
  ];
}

function configSection(input: RenderInput): string[] {
  const { lang, config, configPath } = input;
  const pending = config.trust.state === 'pending' ? config.trust : null;
  const pendingShown = pending !== null && (pending.changes.length > 0 || pending.approvedInvalid);
  if (config.problems.length === 0 && !config.untrustedChange && !pendingShown) return [];
  const out = [pick(lang, { ko: `### ⚠️ 설정 파일 \`${configPath}\``, en: `### ⚠️ Config file \`${configPath}\`` }), ''];
  for (const p of config.problems) {
    out.push(`- ${lineLabel(lang, p.line)}${p.key ? ` ${code(p.key)}` : ''}: ${shownText(p.message, TEXT_CAPS.message)}`);
  }
  if (config.problems.length > 0 && config.source !== 'approved') {
    out.push(
      '',
      config.source === 'before'
        ? pick(lang, { ko: '이 push의 설정이 잘못되어 직전 커밋의 설정으로 검사했습니다.', en: "This push's config is invalid, so the check used the previous commit's config." })
        : pick(lang, { ko: '설정이 잘못되어 기본 설정으로 검사했습니다.', en: 'The config is invalid, so the check used the default config.' }),
    );
  }
  if (pending) out.push('', ...pendingLines(input));
  else if (config.untrustedChange) {
    out.push(
      '',
      pick(lang, {
        ko: `운영진(admin·maintain 권한)이 아닌 @${input.pusherLogin} 님이 설정을 바꿨습니다. 운영진이 변경 내용을 확인해 주세요. 운영진 권한은 이 파일이 아니라 저장소 권한으로 정해집니다.`,
        en: `@${input.pusherLogin}, who is not an organizer (admin or maintain permission), changed the config. An organizer should review the change. Organizer rights come from repository permissions, never from this file.`,
      }),
    );
  }
  out.push('');
  return out;
}

/** The config in effect is the approved one: say so, what the file would change, and who can approve it. */
function pendingLines(input: RenderInput): string[] {
  const { lang, config } = input;
  const trust = config.trust;
  if (trust.state !== 'pending') return [];
  const by = trust.approval.by.startsWith('(')
    ? pick(lang, { ko: '처음 설치·사용할 때', en: 'at first use' })
    : `@${trust.approval.by}`;
  const since = trust.approval.commit ? ` (\`${trust.approval.commit.slice(0, 7)}\`)` : '';
  const out: string[] = [];
  if (trust.approvedInvalid) {
    out.push(
      pick(lang, {
        ko: `승인된 설정${since}이 현재 규칙에 맞지 않아 기본 설정으로 검사했습니다. 운영진이 올바른 설정을 승인해야 합니다.`,
        en: `The approved config${since} no longer passes the schema, so the defaults were used. An organizer must approve a valid config.`,
      }),
    );
  } else {
    out.push(
      pick(lang, {
        ko: `이 검사는 운영진이 마지막으로 승인한 설정(${by}${since})으로 했습니다. 저장소의 \`${input.configPath}\`는 그와 달라 아직 적용되지 않았습니다.`,
        en: `This check used the config an organizer approved last (${by}${since}). \`${input.configPath}\` in the repository differs from it and is not in effect yet.`,
      }),
    );
  }
  if (trust.changes.length > 0) {
    out.push('', pick(lang, { ko: '승인되지 않은 변경:', en: 'Changes not approved:' }), '');
    const shown = trust.changes.slice(0, 30);
    out.push(...shown.map((c) => `- ${describeChange(c, lang)}`));
    if (trust.changes.length > shown.length) out.push(`- … ${trust.changes.length - shown.length}`);
  }
  const approvers = (input.approvers ?? []).map((l) => `@${l}`).join(', ');
  out.push(
    '',
    pick(lang, {
      ko: `운영진(admin·maintain 권한${approvers ? `: ${approvers}` : ''})이 이 커밋에 \`/config approve\` 댓글을 남기거나 (이슈에서는 sha 40자리 전체로 \`/config approve ${input.after}\`) 직접 설정을 push하면 적용됩니다. 운영진 권한은 이 파일이 아니라 저장소 권한으로 정해집니다.`,
      en: `It takes effect when an organizer (admin or maintain permission${approvers ? `: ${approvers}` : ''}) comments \`/config approve\` on this commit (on an issue, with the full sha: \`/config approve ${input.after}\`) or pushes the config themselves. Organizer rights come from repository permissions, never from this file.`,
    }),
  );
  return out;
}

function tableSection(input: RenderInput): string[] {
  const { lang } = input;
  const reports = notesOf(input.reports);
  if (reports.length === 0 && projectsOf(input.reports).length > 0) return [];
  if (reports.length === 0) {
    return [
      pick(lang, {
        ko: '이 push에는 주차 노트(`' + input.config.config.paths.study + '`)가 없어 검사할 것이 없습니다.',
        en: 'This push touches no week notes (`' + input.config.config.paths.study + '`), so there is nothing to check.',
      }),
      '',
    ];
  }
  const header = pick(lang, {
    ko: '| 멤버 | 주차 | 결과 | one-liner | 먼저 고칠 것 | 파일 |',
    en: '| member | week | result | one-liners | fix first | file |',
  });
  // Rows only up to twice what GitHub shows, like the details: a push of thousands of files
  // rendered a row for each on the event loop (attack review six), past GitHub's cut.
  const budget = 2 * CHECK_TEXT_LIMIT;
  let used = 0;
  const shown = reports.filter((r) => (used += r.path.length + 120) <= budget);
  const rows = shown.map((r) =>
    [
      '',
      cell(r.member ?? '—'),
      r.week ?? '—',
      ICON[verdictOf(r)],
      r.oneliners ?? '—',
      cell(firstToFix(r, lang)),
      `[${linkText(r.path)}](${blobUrl(input.repoHtmlUrl, input.after, r.path)})`,
      '',
    ].join(' | ').trim(),
  );
  const left = reports.length - shown.length;
  const more = left > 0 ? [pick(lang, { ko: `…그 밖의 파일 ${left}개는 줄였습니다 (주석과 보고서 댓글에 있습니다).`, en: `…${left} more file(s) left out here (see the annotations and the report comment).` }), ''] : [];
  return [header, '|---|---|---|---|---|---|', ...rows, '', ...more];
}

function findingLine(f: Finding, lang: Language): string {
  const where = f.line ? `**${lineLabel(lang, f.line)}** ` : '';
  return `- ${SEVERITY_ICON[f.severity]} ${where}${code(String(f.rule))} ${shownText(f.message, TEXT_CAPS.message).replace(/\r?\n/g, ' ')}`;
}

/**
 * The details per file. Rendered only up to twice what GitHub shows (past it `fitText` cuts
 * anyway): a push of hundreds of notes with findings at the message cap held the event loop
 * for seconds rendering text nobody could see.
 */
function detailsSection(input: RenderInput): string[] {
  const out: string[] = [];
  const budget = 2 * CHECK_TEXT_LIMIT;
  let used = 0;
  let skipped = 0;
  for (const r of notesOf(input.reports)) {
    if (used > budget) {
      skipped += Math.max(1, r.findings.length);
      continue;
    }
    out.push(`#### ${ICON[verdictOf(r)]} ${code(r.path)}`, '');
    if (r.findings.length === 0) out.push(pick(input.lang, { ko: '고칠 것이 없습니다.', en: 'Nothing to fix.' }));
    for (const f of r.findings) {
      if (used > budget) {
        skipped++;
        continue;
      }
      const line = findingLine(f, input.lang);
      used += line.length;
      out.push(line);
    }
    out.push('');
  }
  if (skipped > 0) out.push(pick(input.lang, { ko: `…(나머지 ${skipped}건은 생략했습니다)`, en: `…(${skipped} more left out)` }), '');
  return out;
}

function notesSection(input: RenderInput): string[] {
  return input.notes.length === 0 ? [] : [...input.notes.map((n) => `> ℹ️ ${pick(input.lang, n)}`), ''];
}

/** The annotations, at most MAX_ANNOTATIONS of them (only those are rendered), and how many there were. */
function annotationsOf(input: RenderInput): { annotations: CheckAnnotation[]; total: number } {
  const { lang } = input;
  const out: CheckAnnotation[] = [];
  for (const w of input.wiped) {
    // A removed file has no line to point at; a rewritten one gets its first line.
    if (w.change !== 'modified') continue;
    out.push({
      path: w.path,
      start_line: 1,
      end_line: 1,
      annotation_level: 'failure',
      title: 'record-guard',
      message: pick(lang, {
        ko: `${w.owner} 님의 기록을 덮어썼습니다. 복구: ${restoreCommand(input.before, [w.path])}`,
        en: `This rewrote ${w.owner}'s record. Restore it: ${restoreCommand(input.before, [w.path])}`,
      }),
    });
  }
  if (input.configExists) {
    out.push(...input.config.problems.map((p: ConfigProblem) => configAnnotation(input.configPath, p.line, 'failure', p.message)));
    if (input.config.untrustedChange) {
      out.push(
        configAnnotation(
          input.configPath,
          1,
          'warning',
          input.config.trust.state === 'pending'
            ? pick(lang, {
                ko: `운영진이 아닌 @${input.pusherLogin} 님이 설정을 바꿨습니다 — 운영진이 \`/config approve\` 하기 전에는 적용되지 않습니다`,
                en: `@${input.pusherLogin}, not an organizer, changed the config — not in effect until an organizer comments \`/config approve\``,
              })
            : pick(lang, {
                ko: `운영진이 아닌 @${input.pusherLogin} 님이 설정을 바꿨습니다 — 운영진 확인 필요`,
                en: `@${input.pusherLogin}, not an organizer, changed the config — an organizer should review it`,
              }),
        ),
      );
    }
  }
  let total = out.length;
  for (const r of input.reports) {
    for (const f of r.findings) {
      if (!f.line || f.line < 1) continue;
      total++;
      if (out.length >= MAX_ANNOTATIONS) continue;
      out.push({
        path: r.path,
        start_line: f.line,
        end_line: f.endLine && f.endLine >= f.line ? f.endLine : f.line,
        annotation_level: LEVEL[f.severity],
        title: String(f.rule),
        message: shownText(f.message, TEXT_CAPS.message),
      });
    }
  }
  return { annotations: out.slice(0, MAX_ANNOTATIONS), total };
}

const configAnnotation = (path: string, line: number, level: AnnotationLevel, message: string): CheckAnnotation => ({
  path,
  start_line: Math.max(1, line),
  end_line: Math.max(1, line),
  annotation_level: level,
  title: 'config',
  message,
});

/**
 * The Check Run for a push: title (one line), summary (guard, config, the table, then the
 * details per file), annotations. When everything does not fit GitHub's 65,535 characters, the
 * summary keeps the table and the details move to `text`, each cut cleanly with a note.
 * Returns null when the study chose to show no check for pushes without study files.
 */
export function renderCheckRun(input: RenderInput): RenderedCheck | null {
  const nothingToSay = input.reports.length === 0 && input.wiped.length === 0 && input.config.problems.length === 0 && !input.config.untrustedChange;
  if (nothingToSay && input.checks.noStudyFiles === 'skip') return null;

  // The verdict per file, hidden from readers, for the attendance report (check_run.completed).
  const verdicts = checkResultBlock(
    input.reports.flatMap((r) => (r.kind === 'submission' && r.status ? [{ path: r.path, status: r.status }] : [])),
  );
  // The trail line sits right above the verdicts' line, both always written: a position a
  // member's text (quoted paths and headings, above) never takes (report-trail.ts).
  const block = `${reportTrailLine(input.reportIssue ?? null)}\n${verdicts}`;
  const limit = CHECK_TEXT_LIMIT - textLength(block) - 1;
  const head = [...guardSection(input), ...configSection(input), ...tableSection(input), ...projectSection(input)];
  const details = detailsSection(input);
  const notes = notesSection(input);
  const whole = [...head, ...details, ...notes].join('\n').trimEnd() + '\n';
  let output: CheckOutput;
  if (textLength(whole) <= limit) {
    output = { title: titleOf(input), summary: whole };
  } else {
    const pointer = pick(input.lang, { ko: '파일별 자세한 내용은 아래에 있습니다.', en: 'The details per file are below.' });
    output = {
      title: titleOf(input),
      summary: fitText([...head, ...notes, pointer].join('\n'), limit),
      text: fitText(details.join('\n'), CHECK_TEXT_LIMIT),
    };
  }

  const { annotations, total } = annotationsOf(input);
  if (total > MAX_ANNOTATIONS) {
    const extra = pick(input.lang, {
      ko: `\n> ℹ️ 주석은 처음 ${MAX_ANNOTATIONS}개만 달았습니다 (${total}개 중). 나머지는 위 목록에 있습니다.\n`,
      en: `\n> ℹ️ Only the first ${MAX_ANNOTATIONS} of ${total} annotations were added; the rest are listed above.\n`,
    });
    output = { ...output, summary: fitText(output.summary + extra, limit) };
  }
  output = { ...output, summary: `${output.summary}\n${block}` };
  return { conclusion: conclusionOf(input), output, annotations };
}

/** When the bot itself failed: a completed check that says so, never one stuck in progress. */
export function renderBotFailure(lang: Language, error: unknown, conclusion: CheckConclusion): { conclusion: CheckConclusion; output: CheckOutput } {
  // Never echo a credential into a check run anyone can read, and keep it short.
  const reason = clip((error instanceof Error ? error.message : String(error)).replace(/\b(token|bearer)\s+[\w.-]+/gi, '$1 [REDACTED]'), 600);
  const status = (error as { status?: number }).status;
  // Octokit's errors say which request failed; the cause of a half-published run too.
  const failed = (error as { request?: { method?: string; url?: string } }).request ?? (error as { cause?: { request?: { method?: string; url?: string } } }).cause?.request;
  const where = failed?.method && failed.url ? `${failed.method} ${failed.url.replace(/^https?:\/\/[^/]+/, '').split('?', 1)[0]}\n` : '';
  return {
    conclusion,
    output: {
      title: pick(lang, { ko: 'study-bot 오류: 검사를 마치지 못했습니다', en: 'study-bot error: the check could not finish' }),
      summary: [
        pick(lang, {
          ko: '제출물 문제가 아니라 봇의 문제로 검사를 끝내지 못했습니다. 잠시 뒤 **Re-run**을 눌러 다시 시도해 주세요. 계속되면 운영진에게 알려 주세요.',
          en: 'The check could not finish because of a problem in the bot, not in the submissions. Press **Re-run** in a moment to try again; tell the organizers if it keeps happening.',
        }),
        '',
        pick(lang, { ko: '원인:', en: 'Why:' }),
        '',
        '```',
        `${where}${status ? `HTTP ${status}: ` : ''}${reason}`,
        '```',
      ].join('\n'),
    },
  };
}
