import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { pick } from '../i18n/pick.js';
import { CONFIG_PATH, defaultConfig, studyConfigSchema, type Language, type StudyConfig } from './schema.js';

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

function describeIssue(issue: z.core.$ZodIssue, lang: Language): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return pick(lang, {
        ko: `알 수 없는 키입니다 (허용되지 않음)`,
        en: `unknown key (not allowed here)`,
      });
    case 'invalid_type':
      return pick(lang, {
        ko: `${issue.expected} 값이어야 합니다`,
        en: `expected ${issue.expected}`,
      });
    case 'invalid_value':
      return pick(lang, {
        ko: `다음 중 하나여야 합니다: ${issue.values.map(String).join(', ')}`,
        en: `expected one of: ${issue.values.map(String).join(', ')}`,
      });
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
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      path,
      problems: doc.errors.map((e) => ({
        key: '',
        line: e.linePos?.[0]?.line ?? 1,
        message: pick(lang, { ko: `YAML 문법 오류: ${e.message.split('\n')[0]}`, en: `YAML syntax error: ${e.message.split('\n')[0]}` }),
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
  const parsed = studyConfigSchema.safeParse(data);
  const problems: ConfigProblem[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const full = [...issue.path, key];
          problems.push({ key: keyPath(full), line: lineOf(doc, lines, full, true), message: describeIssue(issue, lang) });
        }
      } else {
        problems.push({ key: keyPath(issue.path), line: lineOf(doc, lines, issue.path), message: describeIssue(issue, lang) });
      }
    }
  } else {
    problems.push(...semanticProblems(parsed.data, doc, lines, lang));
  }
  if (problems.length > 0) return { ok: false, path, problems: problems.sort((a, b) => a.line - b.line) };
  return { ok: true, config: parsed.data as StudyConfig };
}

/** What a schema cannot say: a real time zone, and a roster whose names and logins are unique. */
function semanticProblems(config: StudyConfig, doc: Document, lines: LineCounter, lang: Language): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  try {
    new Intl.DateTimeFormat('en', { timeZone: config.schedule.timezone });
  } catch {
    problems.push({
      key: 'schedule.timezone',
      line: lineOf(doc, lines, ['schedule', 'timezone']),
      message: pick(lang, { ko: 'IANA 시간대 이름이어야 합니다 (예: Asia/Seoul)', en: 'expected an IANA time zone such as Asia/Seoul' }),
    });
  }
  const seen = new Map<string, string>();
  config.members.forEach((m, i) => {
    for (const [field, value] of [
      ['login', m.login.toLowerCase()],
      ['name', m.name.normalize('NFC')],
      ...m.aliases.map((a) => ['aliases', a.normalize('NFC')] as const),
    ] as const) {
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
