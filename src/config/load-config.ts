import { distance } from 'fastest-levenshtein';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { pick } from '../i18n/pick.js';
import { CONFIG_PATH, defaultConfig, studyConfigSchema, type Language, type StudyConfig } from './schema.js';

/** The largest config text read at all; it is also kept whole in the ledger once approved. */
export const MAX_CONFIG_CHARS = 32 * 1024;

export interface ConfigProblem {
  /** dotted key path, e.g. `schedule.timezone` or `members[2].login` */
  key: string;
  line: number;
  message: string;
}

export type ConfigResult =
  | { ok: true; config: StudyConfig }
  | { ok: false; problems: ConfigProblem[]; path: string };

const keyPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)),
    '',
  );

/** Line of the node at `path`, or of its nearest ancestor that exists in the file. */
function lineOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[], keyOnly = false): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const sub = path.slice(0, depth) as (string | number)[];
    if (keyOnly && depth === path.length && depth > 0) {
      // an unknown key: point at the key itself, found in its parent map
      const parent = doc.getIn(sub.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === sub[sub.length - 1]);
        const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
        if (range) return lines.linePos(range[0]).line;
      }
      continue;
    }
    const node = depth === 0 ? doc.contents : doc.getIn(sub, true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lines.linePos(range[0]).line;
  }
  return 1;
}

// `ko` is the name, `be` the name with its Korean copula ("…이어야"/"…여야" depends on the last syllable).
const TYPE_NAMES: Record<string, { ko: string; be: string; en: string }> = {
  string: { ko: '문자열', be: '문자열이어야', en: 'a string' },
  number: { ko: '숫자', be: '숫자여야', en: 'a number' },
  int: { ko: '정수', be: '정수여야', en: 'an integer' },
  boolean: { ko: 'true/false', be: 'true 또는 false여야', en: 'true or false' },
  array: { ko: '목록', be: '목록(- 항목 또는 [a, b])이어야', en: 'a list (- item or [a, b])' },
  object: { ko: '맵', be: '맵(키: 값)이어야', en: 'a mapping (key: value)' },
  record: { ko: '맵', be: '맵(키: 값)이어야', en: 'a mapping (key: value)' },
};

// The YAML errors organizers meet most, in Korean; the rest keep the parser's English.
const YAML_ERRORS_KO: Partial<Record<string, string>> = {
  DUPLICATE_KEY: '같은 키가 두 번 있습니다',
  BAD_INDENT: '들여쓰기가 맞지 않습니다',
  TAB_AS_INDENT: '들여쓰기에 탭을 쓸 수 없습니다 — 공백을 쓰세요',
  MULTILINE_IMPLICIT_KEY: '키 뒤에 `:`가 없거나 따옴표가 닫히지 않았습니다',
  BLOCK_AS_IMPLICIT_KEY: '값 안에 `: `가 있습니다 — 값을 따옴표로 감싸세요 (예: issueTitle: "출석: 현황")',
};

// The same errors said with their fix in English (the parser's words name no fix).
const YAML_ERRORS_EN: Partial<Record<string, string>> = {
  BLOCK_AS_IMPLICIT_KEY: 'a value contains `: ` — put the value in quotes (e.g. issueTitle: "Attendance: status")',
};

// The schema's format messages are English; these are the ones it uses, in Korean.
const FORMAT_KO: Record<string, string> = {
  'a local date and time like 2025-09-04T20:00': '2025-09-04T20:00 같은 날짜와 시각',
  'a date like 2025-10-09': '2025-10-09 같은 날짜',
  'a GitHub login': 'GitHub 로그인(영문, 숫자, -)',
  'owner/repo': 'owner/repo 형식',
};

/**
 * What the organizer most likely meant, for the mistakes seen in real configs: a space where
 * ISO 8601 wants a `T` (`2026-09-03 20:00`), a login written as a mention (`@park`) or copied
 * as a profile URL (`https://github.com/park`).
 */
function formatFix(format: string, input: unknown): string | null {
  if (typeof input !== 'string') return null;
  if (format === 'a local date and time like 2025-09-04T20:00') {
    const m = /^(\d{4}-\d{2}-\d{2})\s+(\d{2}:\d{2}(?::\d{2})?)$/.exec(input.trim());
    return m ? `${m[1]}T${m[2]}` : null;
  }
  if (format === 'a GitHub login') {
    const m = /^@([A-Za-z0-9-]+)$/.exec(input.trim()) ?? /^(?:https?:\/\/)?(?:www\.)?github\.com\/([a-z0-9-]+)\/?$/i.exec(input.trim());
    return m ? m[1]! : null;
  }
  return null;
}

const shown = (value: unknown): string => {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
};

/** The keys an object of the schema allows at `path`, for "did you mean" on an unknown key. */
function knownKeys(path: readonly PropertyKey[]): string[] {
  let node: unknown = studyConfigSchema;
  const unwrap = (n: unknown): unknown => {
    let cur = n as { _zod?: { def?: { type?: string; innerType?: unknown } } } | undefined;
    while (cur?._zod?.def && ['default', 'prefault', 'optional', 'nullable'].includes(cur._zod.def.type ?? '')) {
      cur = cur._zod.def.innerType as typeof cur;
    }
    return cur;
  };
  for (const part of path) {
    const cur = unwrap(node) as { shape?: Record<string, unknown>; _zod?: { def?: { type?: string; element?: unknown } } } | undefined;
    if (typeof part === 'number') node = cur?._zod?.def?.type === 'array' ? cur._zod.def.element : undefined;
    else node = cur?.shape?.[String(part)];
  }
  const shape = (unwrap(node) as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

function nearestKey(key: string, known: string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : null;
}

function describeIssue(issue: z.core.$ZodIssue, lang: Language, key?: string): string {
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(issue.path);
      const near = key ? nearestKey(key, known) : null;
      return pick(lang, {
        ko: `알 수 없는 키입니다${near ? ` — \`${near}\`을(를) 말씀하신 건가요?` : ''} (쓸 수 있는 키: ${known.join(', ')})`,
        en: `unknown key${near ? ` — did you mean \`${near}\`?` : ''} (allowed here: ${known.join(', ')})`,
      });
    }
    case 'invalid_type': {
      const type = TYPE_NAMES[issue.expected] ?? { ko: issue.expected, be: `${issue.expected} 값이어야`, en: issue.expected };
      if (!('input' in issue) || issue.input === undefined) {
        return pick(lang, { ko: `필수 키가 없습니다 (${type.ko} 필요)`, en: `required key is missing (expected ${type.en})` });
      }
      return pick(lang, {
        ko: `${type.be} 합니다 (받은 값: ${shown(issue.input)})`,
        en: `expected ${type.en}, got ${shown(issue.input)}`,
      });
    }
    case 'invalid_value':
      return pick(lang, {
        ko: `다음 중 하나여야 합니다: ${issue.values.map(String).join(', ')}${'input' in issue ? ` (받은 값: ${shown(issue.input)})` : ''}`,
        en: `expected one of: ${issue.values.map(String).join(', ')}${'input' in issue ? `, got ${shown(issue.input)}` : ''}`,
      });
    case 'invalid_format': {
      const fix = 'input' in issue ? formatFix(issue.message, issue.input) : null;
      return pick(lang, {
        ko: `형식이 맞지 않습니다 — ${FORMAT_KO[issue.message] ?? issue.message}${'input' in issue ? ` (받은 값: ${shown(issue.input)})` : ''}${fix ? ` — \`${fix}\`(으)로 쓰세요` : ''}`,
        en: `expected ${issue.message}${'input' in issue ? `, got ${shown(issue.input)}` : ''}${fix ? ` — write \`${fix}\`` : ''}`,
      });
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = String(small ? issue.minimum : issue.maximum);
      if (issue.origin === 'string' || issue.origin === 'array') {
        return pick(lang, {
          ko: small ? `비어 있으면 안 됩니다` : `너무 깁니다 (최대 ${bound})`,
          en: small ? `must not be empty` : `too long (at most ${bound})`,
        });
      }
      return pick(lang, {
        ko: `${bound} ${small ? '이상' : '이하'}이어야 합니다${'input' in issue ? ` (받은 값: ${shown(issue.input)})` : ''}`,
        en: `must be ${small ? 'at least' : 'at most'} ${bound}${'input' in issue ? `, got ${shown(issue.input)}` : ''}`,
      });
    }
    case 'custom': {
      const params = issue.params as { ko?: string; en?: string } | undefined;
      if (params?.ko && params.en) return pick(lang, { ko: params.ko, en: params.en });
      return pick(lang, { ko: `잘못된 값: ${issue.message}`, en: `invalid value: ${issue.message}` });
    }
    default:
      return pick(lang, { ko: `잘못된 값: ${issue.message}`, en: `invalid value: ${issue.message}` });
  }
}

/**
 * Parses and validates the study config. Never throws on a member's mistake: a broken
 * file comes back as problems with key, line and what was expected, so the push check can
 * annotate the config file and go on with the last valid config.
 */
export function parseConfig(text: string | null | undefined, lang: Language = 'ko', path = CONFIG_PATH): ConfigResult {
  if (text == null || text.trim() === '') return { ok: true, config: defaultConfig() };
  // A real study's config is a few KB; a huge one is a mistake or an attack on the parser.
  if (text.length > MAX_CONFIG_CHARS) {
    return {
      ok: false,
      path,
      problems: [
        {
          key: '',
          line: 1,
          message: pick(lang, {
            ko: `설정 파일이 너무 큽니다 (${text.length}자, 최대 ${MAX_CONFIG_CHARS}자)`,
            en: `the config file is too large (${text.length} characters, at most ${MAX_CONFIG_CHARS})`,
          }),
        },
      ],
    };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      path,
      problems: doc.errors.map((e) => ({
        key: '',
        // prettyErrors is off, so the position is an offset: turn it into a line ourselves
        line: e.linePos?.[0]?.line ?? lines.linePos(e.pos[0]).line,
        message: pick(lang, {
          ko: `YAML 문법 오류: ${YAML_ERRORS_KO[e.code] ?? `${e.message.split('\n')[0]} (들여쓰기와 \`:\`, \`-\`를 확인하세요)`}`,
          en: `YAML syntax error: ${YAML_ERRORS_EN[e.code] ?? e.message.split('\n')[0]}`,
        }),
      })),
    };
  }
  const data = doc.toJS() ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    return {
      ok: false,
      path,
      problems: [{ key: '', line: 1, message: pick(lang, { ko: '설정은 키: 값 형태의 맵이어야 합니다', en: 'the config must be a mapping of keys to values' }) }],
    };
  }
  const parsed = studyConfigSchema.safeParse(data, { reportInput: true });
  const problems: ConfigProblem[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const full = [...issue.path, key];
          problems.push({ key: keyPath(full), line: lineOf(doc, lines, full, true), message: describeIssue(issue, lang, key) });
        }
      } else {
        problems.push({ key: keyPath(issue.path), line: lineOf(doc, lines, issue.path), message: describeIssue(issue, lang) });
      }
    }
  }
  // The cross-key checks run on what was written even when the schema failed elsewhere, so
  // an organizer sees every problem in one round instead of fixing them a few at a time.
  problems.push(...semanticProblems(data as RawConfig, doc, lines, lang));
  if (problems.length > 0) return { ok: false, path, problems: problems.sort((a, b) => a.line - b.line) };
  return { ok: true, config: parsed.data as StudyConfig };
}

/** The config as written, before validation: any key may be missing or of the wrong type. */
type RawConfig = {
  weeks?: unknown;
  schedule?: { offlineWeeks?: unknown; firstSession?: unknown; skip?: unknown };
  attendance?: { deadlines?: unknown };
  submissions?: unknown;
  members?: unknown;
};

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asString = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** What one key's schema cannot say: weeks that exist, and a roster whose names and logins are unique. */
function semanticProblems(raw: RawConfig, doc: Document, lines: LineCounter, lang: Language): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const weeks = typeof raw.weeks === 'number' && Number.isInteger(raw.weeks) ? raw.weeks : defaultConfig().weeks;
  const config = {
    weeks,
    offlineWeeks: asArray(raw.schedule?.offlineWeeks),
    deadlines: raw.attendance?.deadlines && typeof raw.attendance.deadlines === 'object' ? Object.keys(raw.attendance.deadlines) : [],
    members: asArray(raw.members).map((m) => {
      const member = (m ?? {}) as { login?: unknown; name?: unknown; aliases?: unknown };
      return { login: asString(member.login), name: asString(member.name), aliases: asArray(member.aliases).map(asString) };
    }),
  };
  config.offlineWeeks.forEach((week, i) => {
    if (typeof week === 'number' && week > config.weeks) {
      problems.push({
        key: `schedule.offlineWeeks[${i}]`,
        line: lineOf(doc, lines, ['schedule', 'offlineWeeks', i]),
        message: pick(lang, {
          ko: `${week}주차는 없습니다 (스터디는 ${config.weeks}주)`,
          en: `there is no week ${week} (the study has ${config.weeks} weeks)`,
        }),
      });
    }
  });
  const submissionWeeks = raw.submissions && typeof raw.submissions === 'object' ? Object.keys(raw.submissions) : [];
  for (const key of submissionWeeks) {
    const week = Number(key);
    if (Number.isInteger(week) && (week < 1 || week > config.weeks)) {
      problems.push({
        key: `submissions.${key}`,
        line: lineOf(doc, lines, ['submissions', key]),
        message: pick(lang, { ko: `${key}주차는 없습니다 (스터디는 ${config.weeks}주)`, en: `there is no week ${key} (the study has ${config.weeks} weeks)` }),
      });
    }
  }
  for (const key of config.deadlines) {
    const week = Number(key);
    if (Number.isInteger(week) && (week < 1 || week > config.weeks)) {
      problems.push({
        key: `attendance.deadlines.${key}`,
        line: lineOf(doc, lines, ['attendance', 'deadlines', key]),
        message: pick(lang, { ko: `${key}주차는 없습니다 (스터디는 ${config.weeks}주)`, en: `there is no week ${key} (the study has ${config.weeks} weeks)` }),
      });
    }
  }
  problems.push(...skipProblems(raw, doc, lines, lang));
  const seen = new Map<string, string>();
  config.members.forEach((m, i) => {
    for (const [field, value] of [
      ['login', m.login?.toLowerCase() ?? null],
      ['name', m.name?.normalize('NFC') ?? null],
      ...m.aliases.map((a) => ['aliases', a?.normalize('NFC') ?? null] as const),
    ] as const) {
      if (value === null) continue;
      const id = field === 'login' ? `login:${value}` : `name:${value}`;
      if (seen.has(id)) {
        problems.push({
          key: `members[${i}].${field}`,
          line: lineOf(doc, lines, ['members', i, field]),
          message: pick(lang, {
            ko: `\`${value}\`이(가) 명단에 두 번 있습니다 (${seen.get(id)})`,
            en: `\`${value}\` appears twice in the roster (${seen.get(id)})`,
          }),
        });
      } else seen.set(id, `members[${i}]`);
    }
  });
  return problems;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const utcDay = (date: string): number => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));

/**
 * A skipped date moves every later session by a week (attendance/schedule.ts), so it must be
 * a session day: the first session's weekday, on or after it. Any other date (a holiday on
 * a Friday for a Thursday study) would be skipped by nothing, and the organizer would believe
 * the holiday is taken care of.
 */
function skipProblems(raw: RawConfig, doc: Document, lines: LineCounter, lang: Language): ConfigProblem[] {
  const first = asString(raw.schedule?.firstSession ?? defaultConfig().schedule.firstSession);
  if (!first || !/^\d{4}-\d{2}-\d{2}T/.test(first)) return [];
  const start = utcDay(first);
  const weekday = (day: number) => new Date(day).toLocaleDateString(lang === 'ko' ? 'ko-KR' : 'en-US', { weekday: 'long', timeZone: 'UTC' });
  const problems: ConfigProblem[] = [];
  asArray(raw.schedule?.skip).forEach((value, i) => {
    const date = asString(value);
    if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return; // the schema says what is wrong with it
    const day = utcDay(date);
    if (Number.isNaN(day)) return;
    const offset = Math.round((day - start) / DAY_MS);
    if (offset >= 0 && offset % 7 === 0) return;
    const next = start + Math.max(0, Math.ceil(offset / 7)) * 7 * DAY_MS;
    const nextText = new Date(next).toISOString().slice(0, 10);
    problems.push({
      key: `schedule.skip[${i}]`,
      line: lineOf(doc, lines, ['schedule', 'skip', i]),
      message: offset < 0
        ? pick(lang, { ko: `${date}은(는) 첫 모임(${first.slice(0, 10)}) 전입니다: 건너뛸 모임이 없습니다`, en: `${date} is before the first session (${first.slice(0, 10)}): there is no session to skip` })
        : pick(lang, {
            ko: `${date}은(는) 모임 날이 아닙니다 (모임은 매주 ${weekday(start)}): 건너뛸 모임 날짜를 쓰세요 — \`${nextText}\`?`,
            en: `${date} is not a session day (sessions are on ${weekday(start)}s): write the date of the session to skip — \`${nextText}\`?`,
          }),
    });
  });
  return problems;
}
