import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The week templates, `templates/week{N}.md`: the form a member's notes start from, which
 * `study-bot new <week>` fills and writes to `study/week{N}/{name}.md`.
 *
 * Placeholders, written literally in the templates:
 * - `{이름}`   the member's `{name}` (the roster name; also used in links like
 *              `../../project/{이름}/`), every week;
 * - `{OS}`     the OS, e.g. `Ubuntu 24.04.1 LTS` (`PRETTY_NAME` of /etc/os-release), week 1;
 * - `{Kernel}` the kernel release, e.g. `6.8.0-45-generic` (`uname -r`), week 1;
 * - `{도구}`   the installed tools, e.g. `bpftrace v0.20.2, bcc 0.29.1`, week 1.
 * `fillTemplate` replaces the ones it is given and leaves the others, so a partly filled
 * template still shows the member what is left, and the `placeholders` rule flags them.
 *
 * What a filled template still lacks is the assignment itself, which only the member can
 * write: the one-liners and their results (week 1), and the prompts written as
 * `(여기에 작성)` / `[실행 결과 스크린샷]`. A filled template therefore passes `title`,
 * `sections`, `env-fields`, `links` and `empty-section` with no error, and fails only the
 * content rules (`oneliner-count`, `evidence`, `placeholders`, `hook-points`,
 * `terminal-output`, `bcc-code`, `project-link`, `presentation-link`, `topic-coverage`) — see
 * `CONTENT_RULES` and test/rubric/templates.test.ts.
 */
export const PLACEHOLDERS = {
  name: '{이름}',
  os: '{OS}',
  kernel: '{Kernel}',
  tools: '{도구}',
} as const;

export type TemplateValues = Partial<Record<keyof typeof PLACEHOLDERS, string>>;

/** Rules whose findings on a filled template are the member's assignment, not a template bug. */
export const CONTENT_RULES: ReadonlySet<string> = new Set([
  'oneliner-count', 'evidence', 'placeholders', 'hook-points', 'terminal-output', 'bcc-code', 'project-link',
  'presentation-link', 'topic-coverage',
]);

function templatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'templates', 'week1.md'))) return join(dir, 'templates');
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`study-bot: templates/ not found above ${fileURLToPath(import.meta.url)}`);
}

/** Absolute path of `templates/week{N}.md` in this package. */
export function templatePath(week: number): string {
  if (!Number.isInteger(week) || week < 1) throw new RangeError(`week must be a positive integer, got ${week}`);
  return join(templatesDir(), `week${week}.md`);
}

/**
 * Replaces the given placeholders. Values are inserted literally (a `$` or a `{이름}` inside
 * a value is not interpreted again) and trimmed to one line, since each sits on a list line.
 */
export function fillTemplate(text: string, values: TemplateValues): string {
  const byToken = new Map<string, string>();
  for (const [key, token] of Object.entries(PLACEHOLDERS) as [keyof typeof PLACEHOLDERS, string][]) {
    const value = values[key];
    if (value !== undefined) byToken.set(token, value.replace(/(?<!\s)\s*\n\s*/gu, ' ').trim());
  }
  if (!byToken.size) return text;
  // One pass over the text: an inserted value is never scanned again for placeholders.
  const pattern = new RegExp([...byToken.keys()].map((t) => t.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')).join('|'), 'gu');
  return text.replace(pattern, (token) => byToken.get(token)!);
}
