import { z } from 'zod';

/**
 * `.github/study.yml`. The top-level keys `language`, `schedule`, `paths`, `ignore` and
 * `members` are a public contract other tools write; the capability sections (`checks`,
 * `attendance`, `verify`) are study-bot's own. Every object is strict: an unknown key is a
 * mistake the organizer wants to hear about, not something to drop silently.
 */

const localDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'a local date and time like 2025-09-04T20:00');
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2025-10-09');
const duration = z.number().int().nonnegative();

export const memberSchema = z.strictObject({
  login: z.string().min(1).regex(/^[A-Za-z0-9-]+(\[bot\])?$/, 'a GitHub login'),
  name: z.string().min(1),
  aliases: z.array(z.string().min(1)).default([]),
});

export const studyConfigSchema = z.strictObject({
  language: z.enum(['ko', 'en']).default('ko'),
  weeks: z.number().int().min(1).max(52).default(8),
  schedule: z
    .strictObject({
      timezone: z.string().default('Asia/Seoul'),
      firstSession: localDateTime.default('2025-09-04T20:00'),
      skip: z.array(localDate).default([]),
      /** weeks that must be attended in person; online check-ins do not count on them */
      offlineWeeks: z.array(z.number().int().min(1)).default([1, 8]),
    })
    .prefault({}),
  paths: z
    .strictObject({
      study: z.string().default('study/week{week}/{name}.md'),
      project: z.string().default('project/{name}/'),
    })
    .prefault({}),
  ignore: z.array(z.string()).default(['study/week1/OT.md']),
  members: z.array(memberSchema).default([]),
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
      opensBefore: duration.default(30),
      closesAfter: duration.default(60),
      /** absences (excused ones excluded) at which a member can no longer complete */
      maxAbsences: z.number().int().min(1).default(3),
      /** week N's notes are due at week N+1's session plus this grace, in minutes */
      graceMinutes: duration.default(0),
      /** per-week deadline overrides, local date-time: { "8": "2025-10-30T23:59" } */
      deadlines: z.record(z.string().regex(/^\d+$/), localDateTime).default({}),
      issueTitle: z.string().optional(),
    })
    .prefault({}),
  verify: z
    .strictObject({
      driver: z.enum(['local', 'actions']).default('local'),
      /** actions driver: the separate repository whose workflow runs on self-hosted `ebpf` runners */
      runnerRepository: z
        .string()
        .regex(/^[\w.-]+\/[\w.-]+$/, 'owner/repo')
        .optional(),
      workflow: z.string().default('ebpf-verify.yml'),
      ref: z.string().default('main'),
      perHour: z.number().int().min(1).default(6),
      /**
       * A request with no result after this many minutes is closed out as "the runner did not
       * answer" (GitHub keeps a job queued for up to 24 h when no runner picks it up).
       */
      timeoutMinutes: z.number().int().min(1).max(24 * 60).default(20),
    })
    .prefault({}),
});

export type StudyConfig = z.infer<typeof studyConfigSchema>;
export type Member = z.infer<typeof memberSchema>;
export type Language = StudyConfig['language'];

export const CONFIG_PATH = '.github/study.yml';

export const defaultConfig = (): StudyConfig => studyConfigSchema.parse({});
