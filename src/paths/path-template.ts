/**
 * The path templates of the config (`study/week{week}/{name}.md`, `project/{name}/`),
 * compiled segment by segment. Each segment is matched two ways: strictly (exactly as the
 * template says) and loosely (what members type instead: `Study`, `Week 1`, `week01`,
 * `1주차`, `projects`, `.MD`), so a near miss can be told apart from a stranger's file.
 */

export interface Captures {
  week?: number;
  name?: string;
}

export interface TemplateSegment {
  raw: string;
  hasWeek: boolean;
  hasName: boolean;
  strict: (segment: string) => Captures | null;
  loose: (segment: string) => Captures | null;
}

export interface PathTemplate {
  raw: string;
  segments: TemplateSegment[];
  /** `project/{name}/`: everything below the folder belongs to it */
  isDirectory: boolean;
  /** the leading segments without placeholders: `study`, `project` */
  root: string[];
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const PLACEHOLDER = /\{(week|name)\}/g;

/**
 * A folder or file name that stands for a week in any of the ways people write it:
 * `week1`, `Week 1`, `week_01`, `wk1`, `w1`, `1주차`, `1주`, `1week`, `주차1`.
 */
export function weekToken(segment: string): number | null {
  const s = segment.trim();
  const m =
    /^(?:week|wk|w)[\s._-]*0*(\d{1,3})$/i.exec(s) ??
    /^0*(\d{1,3})[\s._-]*(?:주차|주|week|wk)$/i.exec(s) ??
    /^주차[\s._-]*0*(\d{1,3})$/.exec(s);
  return m ? Number(m[1]) : null;
}

/**
 * A week token somewhere inside a file stem, next to other words: `week1_hgd`,
 * `hgd-week1`, `1주차 홍길동`. Returns the week and what is left (the name, perhaps).
 */
export function weekTokenInStem(stem: string): { week: number; rest: string } | null {
  const m =
    /(?:^|[\s._-])((?:week|wk)[\s._-]*0*(\d{1,3}))(?=$|[\s._-])/i.exec(stem) ??
    /(?:^|[\s._-])(0*(\d{1,3})[\s._-]*(?:주차|week))(?=$|[\s._-]|[^\d\s._-])/i.exec(stem) ??
    /(?:^|[\s._-])(0*(\d{1,3})주차)/.exec(stem);
  if (!m) return null;
  const start = m.index + m[0].length - m[1].length;
  const rest = (stem.slice(0, start) + ' ' + stem.slice(start + m[1].length)).replace(/^[\s._-]+|(?<![\s._-])[\s._-]+$/g, '').trim();
  return { week: Number(m[2]), rest: rest.replace(/^[\s._-]+|(?<![\s._-])[\s._-]+$/g, '') };
}

/** Markdown by extension, any case: `.md`, `.MD`, `.markdown`. */
export const isMarkdownName = (name: string): boolean => /\.(md|markdown|mdown|mkd)$/i.test(name);
export const stemOf = (name: string): string => name.replace(/\.[^.]*$/, '') || name;

function compileSegment(raw: string): TemplateSegment {
  const order: ('week' | 'name')[] = [];
  let strictSource = '';
  let looseSource = '';
  let last = 0;
  for (const m of raw.matchAll(PLACEHOLDER)) {
    const literal = raw.slice(last, m.index);
    strictSource += escape(literal);
    looseSource += looseLiteral(literal);
    const kind = m[1] as 'week' | 'name';
    order.push(kind);
    // A canonical week number only: `week01` is a near miss, not week 1.
    strictSource += kind === 'week' ? '([1-9]\\d{0,2})' : '(.+?)';
    looseSource += kind === 'week' ? '[\\s._-]*0*(\\d{1,3})' : '(.+?)';
    last = m.index + m[0].length;
  }
  const tail = raw.slice(last);
  strictSource += escape(tail);
  looseSource += looseLiteral(tail);
  const strictRe = new RegExp(`^${strictSource}$`, 'u');
  const looseRe = new RegExp(`^\\s*${looseSource}\\s*$`, 'iu');
  const capture = (m: RegExpExecArray | null): Captures | null => {
    if (!m) return null;
    const out: Captures = {};
    order.forEach((kind, i) => {
      const value = m[i + 1];
      if (kind === 'week') out.week = Number(value);
      else out.name = value;
    });
    return out;
  };
  const hasWeek = order.includes('week');
  const hasName = order.includes('name');
  const literalOnly = order.length === 0;
  return {
    raw,
    hasWeek,
    hasName,
    strict: (segment) => capture(strictRe.exec(segment)),
    loose: (segment) => {
      const direct = capture(looseRe.exec(segment));
      if (direct) return direct;
      // a week folder written any other way: `1주차`, `w1`, a bare `1`
      if (hasWeek && !hasName) {
        const week = weekToken(segment) ?? (/^0*(\d{1,3})$/.exec(segment.trim()) ? Number(segment.trim()) : null);
        if (week !== null) return { week };
      }
      if (literalOnly && nearLiteral(segment, raw)) return {};
      return null;
    },
  };
}

/** Literal text of a template, loosely: any case, and `.md` also as `.markdown`. */
function looseLiteral(literal: string): string {
  const mdTail = /\.md$/i.test(literal);
  const body = mdTail ? literal.slice(0, -3) : literal;
  return escape(body).replace(/\\?[\s_-]/g, '[\\s._-]?') + (mdTail ? '\\.(?:md|markdown|mdown|mkd)' : '');
}

/** `Study`, `studies`, `projects`, `proejct`: a folder name one slip away from the template's. */
function nearLiteral(segment: string, literal: string): boolean {
  const a = segment.trim().toLowerCase();
  const b = literal.toLowerCase();
  if (a === b || a === `${b}s` || (b.endsWith('y') && a === `${b.slice(0, -1)}ies`)) return true;
  if (b.length < 5 || Math.abs(a.length - b.length) > 1) return false;
  return editDistanceAtMostOne(a, b) || isTransposition(a, b);
}

function editDistanceAtMostOne(a: string, b: string): boolean {
  if (a === b) return true;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(i + 1) === b.slice(i + 1) || a.slice(i) === b.slice(i + 1) || a.slice(i + 1) === b.slice(i);
}

function isTransposition(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff = [...a].flatMap((ch, i) => (ch === b[i] ? [] : [i]));
  return diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]];
}

export function compileTemplate(raw: string): PathTemplate {
  const isDirectory = raw.endsWith('/');
  const parts = raw.replace(/^\.?\/+/, '').replace(/(?<!\/)\/+$/, '').split('/').filter(Boolean);
  const segments = parts.map(compileSegment);
  const firstPlaceholder = segments.findIndex((s) => s.hasWeek || s.hasName);
  const root = parts.slice(0, firstPlaceholder === -1 ? parts.length : firstPlaceholder);
  return { raw, segments, isDirectory, root };
}

/** Matches `segments` (a path split on `/`) against the first `count` template segments. */
export function matchPrefix(
  template: PathTemplate,
  segments: string[],
  count: number,
  mode: 'strict' | 'loose',
): Captures | null {
  if (segments.length < count) return null;
  const out: Captures = {};
  for (let i = 0; i < count; i++) {
    const got = template.segments[i][mode](segments[i]);
    if (!got) return null;
    // A week or name written twice (`study/week{week}/week{week}-{name}.md`) must agree.
    if (got.week !== undefined) {
      if (out.week !== undefined && out.week !== got.week) return null;
      out.week = got.week;
    }
    if (got.name !== undefined) {
      if (out.name !== undefined && out.name !== got.name) return null;
      out.name = got.name;
    }
  }
  return out;
}

/** The template filled in: `study/week3/hgd.md`; a directory template gets `rest` appended. */
export function fillPathTemplate(template: PathTemplate, values: { week?: number | null; name?: string | null }, rest: string[] = []): string {
  const filled = template.segments
    .map((s) => s.raw.replace(PLACEHOLDER, (_, kind: string) => (kind === 'week' ? String(values.week ?? '{week}') : (values.name ?? '{name}'))))
    .join('/');
  return template.isDirectory ? [filled, ...rest].join('/') + (rest.length === 0 ? '/' : '') : filled;
}
