import { distance } from 'fastest-levenshtein';
import { z } from 'zod';

/**
 * `.github/study.yml`. The top-level keys `language`, `schedule`, `paths`, `ignore` and
 * `members` are a public contract other tools write; the capability sections (`checks`,
 * `attendance`, `verify`) are study-bot's own. Every object is strict: an unknown key is a
 * mistake the organizer wants to hear about, not something to drop silently.
 */

/** A problem a schema refinement found, in both languages (load-config shows the study's). */
const bilingualIssue = (ko: string, en: string) => ({ code: 'custom' as const, message: en, params: { ko, en } });

/** `2025-13-01` matches a pattern but is no date: check the calendar too. */
const isCalendarDate = (text: string): boolean => {
  const [y, m, d] = text.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
};
const isClockTime = (text: string): boolean => {
  const [h, min, sec = 0] = text.slice(11).split(':').map(Number);
  return h < 24 && min < 60 && sec < 60;
};

const localDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'a local date and time like 2025-09-04T20:00')
  .refine((t) => isCalendarDate(t) && isClockTime(t), bilingualIssue('존재하지 않는 날짜나 시각입니다', 'no such date or time'));
const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2025-10-09')
  .refine(isCalendarDate, bilingualIssue('존재하지 않는 날짜입니다', 'no such date'));
/**
 * Every number and list has bounds: a config is input a member can push, and even an
 * organizer's typo (`closesAfter: 600000`) must not open a check-in window weeks long or let
 * `/verify` run without a cap. The bounds are generous for a real study and no wider.
 */
export const BOUNDS = {
  weeks: 52,
  /** a check-in window reaches at most a day to either side of a session */
  windowMinutes: 24 * 60,
  /** week N's notes may be due at most a week after week N+1's session */
  graceMinutes: 7 * 24 * 60,
  perHour: 60,
  timeoutMinutes: 24 * 60,
  members: 500,
  /** members x weeks: what one report comment holds (see the refinement below) */
  rosterCells: 1_200,
  aliases: 10,
  ignore: 200,
  skip: 104,
  text: 200,
  /** a reminder goes out at most a week before the deadline */
  nudgeHours: 7 * 24,
} as const;

const minutes = (max: number) => z.number().int().min(0).max(max);
const text = (min = 0) => z.string().min(min).max(BOUNDS.text);

/**
 * ICU's canonical zone names, read once. A name on it is valid without asking
 * `Intl.DateTimeFormat`, whose first construction loads ICU's date formatting (~15-20 ms of
 * CPU, a tenth of `study-bot check` on one note, which formats no date). Any other name
 * (an alias such as `UTC` or `Asia/Calcutta`, another case) is still judged by
 * `Intl.DateTimeFormat`, so the names accepted are the same.
 */
let canonicalZones: ReadonlySet<string> | null = null;
const isCanonicalZone = (zone: string): boolean =>
  (canonicalZones ??= new Set((Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [])).has(zone);

const timeZone = z.string().superRefine((zone, ctx) => {
  if (isCanonicalZone(zone)) return;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    const near = nearestTimeZone(zone);
    const hint = near ? ` — \`${near}\`?` : '';
    ctx.addIssue(bilingualIssue(`IANA 시간대 이름이어야 합니다 (예: Asia/Seoul)${hint}`, `expected an IANA time zone such as Asia/Seoul${hint}`));
  }
});

function nearestTimeZone(zone: string): string | null {
  const zones = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of zones) {
    const d = distance(zone.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= 3 ? best : null;
}

/**
 * A path template: `{week}` and `{name}` are the only placeholders. A typo such as `{wek}`
 * would make every member's notes "misplaced" and every push pass, so it is an error here.
 */
const pathTemplate = (required: string[]) =>
  z.string().superRefine((template, ctx) => {
    const used = [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]);
    const unknown = used.filter((p) => !required.includes(p));
    const suggested = new Set<string>();
    for (const p of unknown) {
      const near = required.find((r) => distance(r, p) <= 2);
      if (near) suggested.add(near);
      const hint = near ? ` — \`{${near}}\`?` : '';
      ctx.addIssue(bilingualIssue(`알 수 없는 자리표시자 \`{${p}}\`${hint} (쓸 수 있는 것: ${required.map((r) => `{${r}}`).join(', ')})`, `unknown placeholder \`{${p}}\`${hint} (allowed: ${required.map((r) => `{${r}}`).join(', ')})`));
    }
    // A typo was already pointed at its right spelling; "missing" would say it twice.
    for (const r of required.filter((r) => !used.includes(r) && !suggested.has(r))) {
      ctx.addIssue(bilingualIssue(`\`{${r}}\` 자리표시자가 있어야 합니다`, `the placeholder \`{${r}}\` is required`));
    }
  });

/**
 * A roster name becomes one segment of a path (`study/week1/{name}.md`): `park/dev` would put
 * the member's notes in a folder of their own that no path template expects.
 */
const pathName = text(1).superRefine((name, ctx) => {
  if (/[/\\]/.test(name) || name === '.' || name === '..') {
    const fixed = name.replace(/[/\\]+/g, '-').replace(/^\.+$/, '');
    const hint = fixed ? ` — \`${fixed}\`?` : '';
    ctx.addIssue(bilingualIssue(
      `\`${name}\`: 이름은 경로의 한 부분입니다 (study/week1/{name}.md): /, \\, ., ..는 쓸 수 없습니다${hint}`,
      `\`${name}\`: a name is one part of a path (study/week1/{name}.md): no /, \\, . or ..${hint}`,
    ));
  }
});

export const memberSchema = z.strictObject({
  // GitHub logins are at most 39 characters.
  login: z.string().min(1).max(45).regex(/^[A-Za-z0-9-]+(\[bot\])?$/, 'a GitHub login'),
  name: pathName,
  aliases: z.array(pathName).max(BOUNDS.aliases).default([]),
});

export const studyConfigSchema = z.strictObject({
  language: z.enum(['ko', 'en']).default('ko'),
  weeks: z.number().int().min(1).max(BOUNDS.weeks).default(8),
  schedule: z
    .strictObject({
      timezone: timeZone.default('Asia/Seoul'),
      firstSession: localDateTime.default('2025-09-04T20:00'),
      skip: z.array(localDate).max(BOUNDS.skip).default([]),
      /** weeks that must be attended in person; online check-ins do not count on them */
      offlineWeeks: z.array(z.number().int().min(1).max(BOUNDS.weeks)).max(BOUNDS.weeks).default([1, 8]),
    })
    .prefault({}),
  paths: z
    .strictObject({
      study: pathTemplate(['week', 'name']).pipe(text(1)).default('study/week{week}/{name}.md'),
      project: pathTemplate(['name']).pipe(text(1)).default('project/{name}/'),
    })
    .prefault({}),
  /**
   * What counts as week N's submission: its note (`study/week{N}/{name}.md`), project work
   * (commits under `paths.project` in week N), or either. Weeks left out follow the
   * curriculum (`submissionRule`): { "5": "project" }.
   */
  submissions: z.record(z.string().regex(/^\d{1,2}$/), z.enum(['note', 'project', 'either'])).default({}),
  ignore: z.array(text(1)).max(BOUNDS.ignore).default(['study/week1/OT.md']),
  members: z.array(memberSchema).max(BOUNDS.members).default([]),
  checks: z
    .strictObject({
      /** what a failing file turns the Check Run into; `neutral` for a study that never wants a red cross */
      failureConclusion: z.enum(['failure', 'neutral']).default('failure'),
      /** a push that touches no study file: a short neutral check, or none at all */
      noStudyFiles: z.enum(['neutral', 'skip']).default('neutral'),
    })
    .prefault({}),
  attendance: z
    .strictObject({
      /** check-in window around each session's start, in minutes */
      opensBefore: minutes(BOUNDS.windowMinutes).default(30),
      closesAfter: minutes(BOUNDS.windowMinutes).default(60),
      /** absences (excused ones excluded) at which a member can no longer complete */
      maxAbsences: z.number().int().min(1).max(BOUNDS.weeks).default(3),
      /** week N's notes are due at week N+1's session plus this grace, in minutes */
      graceMinutes: minutes(BOUNDS.graceMinutes).default(0),
      /** per-week deadline overrides, local date-time: { "8": "2025-10-30T23:59" } */
      deadlines: z.record(z.string().regex(/^\d{1,2}$/), localDateTime).default({}),
      issueTitle: text(1).optional(),
    })
    .prefault({}),
  nudges: z
    .strictObject({
      /** the reminder before each deadline and the digest after each session; `false` turns both off for the study */
      enabled: z.boolean().default(true),
      /** how long before week N's notes are due (week N+1's session) the reminder goes out, in hours */
      hoursBefore: z.number().int().min(1).max(BOUNDS.nudgeHours).default(24),
      /** weeks that get no reminder (the organizer's call, e.g. a week with no notes) */
      skipWeeks: z.array(z.number().int().min(1).max(BOUNDS.weeks)).max(BOUNDS.weeks).default([]),
      /** the digest comment after each session (and its Discord/Slack mirror) */
      digest: z.boolean().default(true),
    })
    .prefault({}),
  verify: z
    .strictObject({
      /**
       * No longer obeyed: where /verify runs is the deployment's choice, set in the bot's own
       * environment (STUDY_BOT_VERIFY_DRIVER, STUDY_BOT_RUNNER_REPOSITORY, …), because every
       * member can push this file. Still accepted, so an older study.yml keeps loading.
       */
      driver: z.string().optional(),
      runnerRepository: z.string().optional(),
      workflow: z.string().optional(),
      ref: z.string().optional(),
      perHour: z.number().int().min(1).max(BOUNDS.perHour).default(6),
      /**
       * A request with no result after this many minutes is closed out as "the runner did not
       * answer" (GitHub keeps a job queued for up to 24 h when no runner picks it up).
       */
      timeoutMinutes: z.number().int().min(1).max(BOUNDS.timeoutMinutes).default(20),
    })
    .prefault({}),
}).superRefine((config, ctx) => {
  // The report's ledger holds a check-in, a note and a check per member and week in one
  // comment (65,536 characters): 40 members x 52 weeks did not fit (71,730 characters, the
  // fourteenth attack review). The bound keeps every member's own records in it, with room
  // for project work; a larger study gets this message instead of a report that stops.
  if (config.members.length * config.weeks > BOUNDS.rosterCells) {
    ctx.addIssue({
      ...bilingualIssue(
        `명단 ${config.members.length}명 × ${config.weeks}주 = ${config.members.length * config.weeks}칸은 현황 댓글 하나에 다 담을 수 없습니다: 명단 × 주 수를 ${BOUNDS.rosterCells} 이하로 (예: 150명 × 8주, 40명 × 30주)`,
        `${config.members.length} members x ${config.weeks} weeks = ${config.members.length * config.weeks} cells do not fit in the report's one comment: keep members x weeks at ${BOUNDS.rosterCells} or under (e.g. 150 members x 8 weeks, 40 x 30)`,
      ),
      path: ['members'],
    });
  }
});

export type StudyConfig = z.infer<typeof studyConfigSchema>;
export type Member = z.infer<typeof memberSchema>;
export type Language = StudyConfig['language'];

export const CONFIG_PATH = '.github/study.yml';

export const defaultConfig = (): StudyConfig => studyConfigSchema.parse({});

export type SubmissionRule = 'note' | 'project' | 'either';

/**
 * The curriculum's default: weeks 1-3 are notes (setup, one-liners, maps, hook points), the
 * last week is the presentation's note, and the weeks between count the note or the project
 * work, since from week 4 on most members' weekly work is code in their project folder.
 */
export function submissionRule(config: Pick<StudyConfig, 'submissions' | 'weeks'>, week: number): SubmissionRule {
  const explicit = config.submissions[String(week)];
  if (explicit) return explicit;
  return week <= 3 || week >= config.weeks ? 'note' : 'either';
}
