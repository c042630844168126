import { styleText } from 'node:util';
import type { Language } from '../config/schema.js';
import { pick } from '../i18n/pick.js';
import { programLines } from '../project/review-project-file.js';
import type { FileReport, Finding, PathKind } from './types.js';
import { shownName, shownText, TEXT_CAPS } from '../text/shown-text.js';
import { LOOKALIKE_RULE } from './check-files.js';

export interface RenderOptions {
  lang: Language;
  /** colours only for a terminal that wants them (not piped, no NO_COLOR) */
  color: boolean;
}

type Style = Parameters<typeof styleText>[0];

/**
 * A path as anyone pushed it, on a terminal line: what reads as nothing (an escape sequence, a
 * BOM) escaped; an NFD name (a Mac user's own notes) kept readable unless a look-alike twin is
 * reported beside it, where the two headings must differ (shownName).
 */
const pathText = (file: FileReport) => shownName(file.path, { span: false, forms: file.findings.some((f) => f.rule === LOOKALIKE_RULE) });
const plainName = (name: string) => shownName(name, { span: false, forms: false });

/**
 * The report for people: one line per submission (✅ pass, ⚠️ warnings, ❌ fail) with its
 * findings below as `  12행  [rule] message`, then the files in the wrong place, then a
 * project code's eBPF programs and what a reviewer sees in it, then a summary that says what to
 * do next. Images and organizer files are only counted.
 */
export function renderText(files: FileReport[], options: RenderOptions): string {
  const { lang } = options;
  const paint = (style: Style, text: string) => (options.color ? styleText(style, text) : text);
  const out: string[] = [];

  const submissions = files.filter((f) => f.kind === 'submission').sort(byWeekThenPath);
  for (const file of submissions) {
    const icon = file.status === 'fail' ? '❌' : file.status === 'warn' ? '⚠️ ' : '✅';
    const details = [
      pick(lang, { ko: `${file.week}주차`, en: `week ${file.week}` }),
      file.member,
      file.oneliners !== null ? pick(lang, { ko: `one-liner ${file.oneliners}개`, en: `${file.oneliners} one-liner${file.oneliners === 1 ? '' : 's'}` }) : null,
    ].filter(Boolean);
    const pathStyle: Style = file.status === 'fail' ? 'red' : file.status === 'warn' ? 'yellow' : 'green';
    out.push(`${icon} ${paint(['bold', pathStyle], pathText(file))}  ${paint('dim', `(${details.join(' · ')})`)}`);
    for (const finding of file.findings) out.push(renderFinding(finding, lang, paint));
  }

  const astray = files.filter((f) => f.kind === 'misplaced' || f.kind === 'unknown').sort((a, b) => a.path.localeCompare(b.path));
  if (astray.length > 0) {
    if (out.length > 0) out.push('');
    out.push(paint('bold', pick(lang, { ko: '위치를 확인할 파일 (검사하지 않음, 세지 않음)', en: 'Files to move or rename (not checked, not counted)' })));
    for (const file of astray) {
      const label = file.kind === 'misplaced'
        ? pick(lang, { ko: '잘못된 위치', en: 'misplaced' })
        : pick(lang, { ko: '명단에 없음', en: 'not on the roster' });
      // Notes the bot cannot count fail (the severity policy); a stranger's file only warns.
      const uncounted = file.findings.some((f) => f.severity === 'error');
      out.push(`${uncounted ? '❌' : '⚠️ '} ${paint(['bold', uncounted ? 'red' : 'yellow'], pathText(file))}  ${paint('dim', `(${label})`)}`);
      for (const finding of file.findings) out.push(`    ${shownText(finding.message, TEXT_CAPS.message)}`);
    }
  }

  const projects = files.filter((f) => f.kind === 'project').sort((a, b) => a.path.localeCompare(b.path));
  const programs = projects.flatMap((f) => (f.project ? programLines(f.path, f.project, lang, plainName) : []));
  const flagged = projects.filter((f) => f.findings.length > 0);
  if (programs.length > 0 || flagged.length > 0) {
    if (out.length > 0) out.push('');
    out.push(paint('bold', pick(lang, { ko: '📦 프로젝트 코드 (eBPF 프로그램)', en: '📦 Project code (eBPF programs)' })));
    for (const line of programs) out.push(`  ${line}`);
    for (const file of flagged) {
      const worst = file.findings.some((f) => f.severity === 'warning' || f.severity === 'error');
      out.push(`${worst ? '⚠️ ' : 'ℹ️ '} ${paint(['bold', worst ? 'yellow' : 'cyan'], pathText(file))}`);
      for (const finding of file.findings) out.push(renderFinding(finding, lang, paint));
    }
  }

  if (out.length > 0) out.push('');
  out.push(summary(files, submissions, astray.length, lang, paint));
  return `${out.join('\n')}\n`;
}

/** `  12행  오류  [rule] message`: the severity in words, because a new member reads the colour last. */
function renderFinding(finding: Finding, lang: Language, paint: (s: Style, t: string) => string): string {
  const where = finding.line === null
    ? pick(lang, { ko: '파일', en: 'file' })
    : pick(lang, { ko: `${finding.line}행`, en: `line ${finding.line}` });
  const style: Style = finding.severity === 'error' ? 'red' : finding.severity === 'warning' ? 'yellow' : 'cyan';
  const word = pick(lang, SEVERITY_WORDS[finding.severity]);
  return `  ${paint('dim', where.padStart(lang === 'ko' ? 5 : 9))}  ${paint(['bold', style], word)}  ${paint(style, `[${finding.rule}]`)} ${shownText(finding.message, TEXT_CAPS.message)}`;
}

const SEVERITY_WORDS = {
  error: { ko: '오류', en: 'error  ' },
  warning: { ko: '경고', en: 'warning' },
  info: { ko: '참고', en: 'note   ' },
} as const;

function summary(
  files: FileReport[],
  submissions: FileReport[],
  astray: number,
  lang: Language,
  paint: (s: Style, t: string) => string,
): string {
  const count = (status: string) => submissions.filter((f) => f.status === status).length;
  const kinds = (kind: PathKind) => files.filter((f) => f.kind === kind).length;
  const failed = count('fail');
  const uncounted = files.filter((f) => f.status === null && f.findings.some((x) => x.severity === 'error')).length;
  const lines: string[] = [];
  if (submissions.length === 0) {
    lines.push(pick(lang, {
      ko: '검사할 주차 노트가 없습니다. `study-bot new 1 --name <이름>`으로 1주차 노트를 만들어 시작하세요.',
      en: 'No week notes to check. Start with `study-bot new 1 --name <name>` to write week 1’s notes.',
    }));
  } else {
    lines.push(pick(lang, {
      ko: `주차 노트 ${submissions.length}개: 통과 ${count('pass')} · 경고 ${count('warn')} · 실패 ${failed}`,
      en: `${submissions.length} week notes: ${count('pass')} passed · ${count('warn')} with warnings · ${failed} failed`,
    }));
  }
  const others = [
    astray ? pick(lang, { ko: `위치 확인 ${astray}${uncounted ? ` (세지 못함 ${uncounted})` : ''}`, en: `${astray} to move${uncounted ? ` (${uncounted} not counted)` : ''}` }) : null,
    kinds('asset') ? pick(lang, { ko: `이미지·첨부 ${kinds('asset')}`, en: `${kinds('asset')} images/attachments` }) : null,
    kinds('project') ? pick(lang, { ko: `프로젝트 파일 ${kinds('project')}`, en: `${kinds('project')} project files` }) : null,
    kinds('ignored') ? pick(lang, { ko: `운영진 자료 ${kinds('ignored')}`, en: `${kinds('ignored')} organizer files` }) : null,
  ].filter(Boolean);
  if (others.length > 0) lines.push(paint('dim', pick(lang, { ko: `그 밖의 파일: ${others.join(' · ')}`, en: `Other files: ${others.join(' · ')}` })));
  if (failed > 0 || uncounted > 0) {
    lines.push(paint('red', pick(lang, {
      ko: '❌ 표시된 파일의 빨간 항목을 고친 뒤 다시 실행하세요. 경고(노란색)는 통과에 영향이 없습니다.',
      en: 'Fix the items of the files marked ❌ and run again. Warnings (yellow) do not fail a file.',
    })));
  } else if (submissions.length > 0) {
    lines.push(paint('green', pick(lang, { ko: '모든 주차 노트가 형식을 지켰습니다.', en: 'Every week’s notes follow the form.' })));
  }
  return lines.join('\n');
}

const byWeekThenPath = (a: FileReport, b: FileReport) => (a.week ?? 0) - (b.week ?? 0) || a.path.localeCompare(b.path);
