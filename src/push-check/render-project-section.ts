import type { FileReport, Severity } from '../check/types.js';
import type { Language } from '../config/schema.js';
import { pick } from '../i18n/pick.js';
import { programLines } from '../project/review-project-file.js';

/**
 * The Check Run's part about project code: one line per eBPF program (path, kind, section and
 * function for libbpf C, the C a BCC script loads, the C a bpf2go file embeds), then what a
 * reviewer would point out per file. A push of a whole project (thousands of files) stays
 * readable: program lines and files with findings are capped, the rest only counted.
 */
export const MAX_PROGRAM_LINES = 200;
export const MAX_PROJECT_FILES_SHOWN = 100;

const ICON: Record<Severity, string> = { error: '❌', warning: '⚠️', info: 'ℹ️' };
const code = (text: string): string => (text.includes('`') ? `\`\` ${text.replace(/\r?\n/g, ' ')} \`\`` : `\`${text.replace(/\r?\n/g, ' ')}\``);

interface ProjectInput {
  lang: Language;
  reports: FileReport[];
}

export function projectSection(input: ProjectInput): string[] {
  const { lang } = input;
  const projects = input.reports.filter((r) => r.kind === 'project');
  if (projects.length === 0) return [];
  const out = [pick(lang, { ko: '### 📦 프로젝트 코드', en: '### 📦 Project code' }), ''];

  const perFile = projects.map((r) => (r.project ? programLines(r.path, r.project, lang, code) : []));
  const lines = perFile.flat();
  if (lines.length === 0) {
    out.push(pick(lang, { ko: '이 push의 프로젝트 파일에서 eBPF 프로그램을 찾지 못했습니다.', en: 'No eBPF program was found in the project files of this push.' }));
  } else {
    out.push(pick(lang, { ko: 'eBPF 프로그램:', en: 'eBPF programs:' }), '');
    out.push(...lines.slice(0, MAX_PROGRAM_LINES).map((l) => `- ${l}`));
    if (lines.length > MAX_PROGRAM_LINES) {
      out.push(pick(lang, { ko: `- … 그 밖에 ${lines.length - MAX_PROGRAM_LINES}개`, en: `- … and ${lines.length - MAX_PROGRAM_LINES} more` }));
    }
  }
  out.push('');

  const noted = projects.filter((r) => r.findings.length > 0);
  for (const r of noted.slice(0, MAX_PROJECT_FILES_SHOWN)) {
    const worst = r.findings.some((f) => f.severity === 'error') ? 'error' : r.findings.some((f) => f.severity === 'warning') ? 'warning' : 'info';
    out.push(`#### ${ICON[worst]} ${code(r.path)}`, '');
    for (const f of r.findings) {
      const where = f.line ? `**${pick(lang, { ko: `${f.line}행`, en: `line ${f.line}` })}** ` : '';
      out.push(`- ${ICON[f.severity]} ${where}${code(String(f.rule))} ${f.message.replace(/\r?\n/g, ' ')}`);
    }
    out.push('');
  }
  if (noted.length > MAX_PROJECT_FILES_SHOWN) {
    out.push(pick(lang, {
      ko: `그 밖에 지적할 것이 있는 파일 ${noted.length - MAX_PROJECT_FILES_SHOWN}개는 주석(annotation)에 있습니다.`,
      en: `${noted.length - MAX_PROJECT_FILES_SHOWN} more files with findings are in the annotations.`,
    }), '');
  }
  const quiet = projects.filter((r, i) => r.findings.length === 0 && perFile[i]!.length === 0).length;
  if (quiet > 0) {
    out.push(pick(lang, { ko: `그 밖의 프로젝트 파일 ${quiet}개: 지적할 것 없음.`, en: `${quiet} other project file${quiet === 1 ? '' : 's'}: nothing to point out.` }), '');
  }
  return out;
}

/** `📦 프로젝트 파일 3개 · eBPF 프로그램 2개`, with the files a reviewer flagged. */
export function projectTitle(projects: readonly FileReport[], lang: Language): string {
  const programs = projects.reduce((n, r) => n + (r.project ? programLines(r.path, r.project, lang, code).length : 0), 0);
  const flagged = projects.filter((r) => r.findings.some((f) => f.severity !== 'info')).length;
  const n = projects.length;
  return pick(lang, {
    ko: `📦 프로젝트 파일 ${n}개 · eBPF 프로그램 ${programs}개${flagged ? ` · 확인할 파일 ${flagged}개` : ''}`,
    en: `📦 ${n} project file${n === 1 ? '' : 's'} · ${programs} eBPF program${programs === 1 ? '' : 's'}${flagged ? ` · ${flagged} to look at` : ''}`,
  });
}
