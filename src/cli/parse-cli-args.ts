import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closest, distance } from 'fastest-levenshtein';
import type { Language } from '../config/schema.js';
import { pick, type Bilingual } from '../i18n/pick.js';
import { EXIT, type CliIO } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What every subcommand has besides its own options. */
const COMMON = {
  help: { type: 'boolean', short: 'h' },
  lang: { type: 'string' },
} as const satisfies Options;

export const LANGUAGES = ['ko', 'en'] as const;

export interface CliSpec<O extends Options> {
  /** `check`, `report`…: the prefix of every message */
  command: string;
  /** the command's own options; `--help`/`-h` and `--lang ko|en` are added for every command */
  options: O;
  allowPositionals?: boolean;
  /** options that take one of a few words, e.g. `{ format: ['text', 'json'] }` */
  choices?: { [K in keyof O]?: readonly string[] };
  usage: (lang: Language) => string;
}

type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O & typeof COMMON; allowPositionals: true; strict: true }>
>;

export type CliArgs<O extends Options> =
  | { ok: true; values: Parsed<O>['values']; positionals: string[]; /** `--lang`, when given */ lang: Language | undefined }
  /** `--help` was printed, or a usage error with the usage: return `exit` */
  | { ok: false; exit: number };

/**
 * `node:util` parseArgs for a subcommand, with the parts every command needs: `--help`, a
 * short message in the user's language instead of Node's (`Unknown option '--formt'. To
 * specify a positional argument…`), a "did you mean" for misspelt options and choices,
 * and the usage after every mistake (exit 2).
 */
export function parseCliArgs<O extends Options>(args: string[], io: CliIO, spec: CliSpec<O>): CliArgs<O> {
  const options = { ...spec.options, ...COMMON } as O & typeof COMMON;
  // Before parsing succeeds the only hint of the language is a `--lang` among the arguments.
  const early = langIn(args) ?? 'ko';
  const fail = (lang: Language, message: Bilingual): CliArgs<O> => {
    io.stderr(`study-bot ${spec.command}: ${pick(lang, message)}\n\n${spec.usage(lang)}`);
    return { ok: false, exit: EXIT.usage };
  };

  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: spec.allowPositionals === true, strict: true }) as Parsed<O>;
  } catch (error) {
    return fail(early, describeParseError(error as Error & { code?: string }, options));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const lang = values.lang as string | undefined;
  if (lang !== undefined && !isChoice(lang, LANGUAGES)) return fail('ko', badChoice('lang', lang, LANGUAGES));
  if (values.help) {
    io.stdout(spec.usage(lang ?? 'ko'));
    return { ok: false, exit: EXIT.ok };
  }
  for (const [name, allowed] of Object.entries(spec.choices ?? {}) as [string, readonly string[] | undefined][]) {
    const value = values[name];
    if (allowed && typeof value === 'string' && !allowed.includes(value)) return fail(lang ?? 'ko', badChoice(name, value, allowed));
  }
  return { ok: true, values: parsed.values, positionals: parsed.positionals, lang };
}

/** `--lang en` or `--lang=en` among raw arguments, for messages printed before parsing succeeded. */
function langIn(args: string[]): Language | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--') break;
    const value = args[i] === '--lang' ? args[i + 1] : args[i].startsWith('--lang=') ? args[i].slice('--lang='.length) : undefined;
    if (value !== undefined && isChoice(value, LANGUAGES)) return value;
  }
  return undefined;
}

const isChoice = <T extends string>(value: string, allowed: readonly T[]): value is T => (allowed as readonly string[]).includes(value);

/** The nearest of `candidates` when it is close enough to be a typo, else null. */
export function didYouMean(input: string, candidates: readonly string[]): string | null {
  if (candidates.length === 0) return null;
  const best = closest(input, [...candidates]);
  return distance(input, best) <= Math.max(2, Math.floor(best.length / 3)) ? best : null;
}

const hint = (suggestion: string | null): Bilingual =>
  suggestion ? { ko: ` — \`${suggestion}\`을(를) 말씀하신 건가요?`, en: ` — did you mean \`${suggestion}\`?` } : { ko: '', en: '' };

function badChoice(name: string, value: string, allowed: readonly string[]): Bilingual {
  const h = hint(didYouMean(value, allowed));
  const ko = allowed.length === 2 ? `${allowed[0]} 또는 ${allowed[1]}` : allowed.join(', ');
  const en = allowed.length === 2 ? `${allowed[0]} or ${allowed[1]}` : `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}`;
  return { ko: `--${name} ${value}: ${ko} 중 하나여야 합니다${h.ko}`, en: `--${name} ${value}: expected ${en}${h.en}` };
}

/** Node's parseArgs errors, said briefly; the option name is read from its message. */
function describeParseError(error: Error & { code?: string }, options: Options): Bilingual {
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const longs = Object.keys(options).map((name) => `--${name}`);
      const h = hint(quoted.startsWith('--') ? didYouMean(quoted, longs) : null);
      return { ko: `알 수 없는 옵션입니다: ${quoted}${h.ko}`, en: `unknown option ${quoted}${h.en}` };
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      // `'--format <value>' argument missing`, `'--format' argument is ambiguous` (next word starts with -),
      // `'-h, --help' does not take an argument`
      const option = /--[\w-]+/.exec(quoted)?.[0] ?? quoted;
      if (/does not take an argument/.test(error.message)) {
        return { ko: `${option}은(는) 값을 받지 않습니다`, en: `${option} takes no value` };
      }
      return {
        ko: `${option} 뒤에 값이 필요합니다 (-로 시작하는 값은 ${option}=값 으로 쓰세요)`,
        en: `${option} needs a value (write ${option}=VALUE for a value starting with -)`,
      };
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return { ko: `이 명령은 인자를 받지 않습니다: ${quoted}`, en: `this command takes no arguments: ${quoted}` };
    default:
      return { ko: error.message, en: error.message };
  }
}
