import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { pick } from '../i18n/pick.js';
import { parseConfig, type ConfigProblem } from './load-config.js';
import { defaultConfig, type Language, type StudyConfig } from './schema.js';

/**
 * The trust boundary of `.github/study.yml`. Every member can push to the default branch, so
 * the file there is only a proposal: the config in effect is the last one an organizer (admin
 * or maintain permission, asked of GitHub) pushed or approved with `/config approve`. The
 * approved text is kept in the report comment's signed ledger, not in the repository, so a
 * member's force push cannot rewrite it.
 */
export interface ConfigApproval {
  /** the approved file's text ('' for no file: the defaults) */
  text: string;
  /** git blob sha of `text`: names the version in messages and logs */
  blobSha: string;
  /** the commit the organizer pushed or approved ('' at install time, when none was named) */
  commit: string;
  /** who approved: an organizer's login */
  by: string;
  /** when, ms since epoch: the newest approval wins */
  at: number;
}

/** Git's blob id of a text, the same sha GitHub shows for the file. */
export const gitBlobSha = (text: string): string => {
  const bytes = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
};

export const approvalOf = (text: string | null, commit: string, by: string, at: number): ConfigApproval => ({
  text: text ?? '',
  blobSha: gitBlobSha(text ?? ''),
  commit,
  by,
  // the ledger keeps seconds: the same approval read back must compare equal
  at: Math.floor(at / 1000) * 1000,
});

/** Newer wins; a tie is broken by the blob sha, so merging copies gives one answer in any order. */
export function approvalWins(candidate: ConfigApproval, existing: ConfigApproval | undefined): boolean {
  if (!existing) return true;
  if (candidate.at !== existing.at) return candidate.at > existing.at;
  return candidate.blobSha > existing.blobSha;
}

/** The approved config itself; an approved text the schema no longer accepts gives the defaults. */
export function approvedConfigOf(approval: ConfigApproval): { config: StudyConfig; valid: boolean } {
  const parsed = parseConfig(approval.text);
  return parsed.ok ? { config: parsed.config, valid: true } : { config: defaultConfig(), valid: false };
}

/** Same config: what the file says once parsed, so comments and key order do not count as a change. */
export const sameConfig = (a: StudyConfig, b: StudyConfig): boolean => isDeepStrictEqual(a, b);

export interface ConfigChange {
  key: string;
  before?: unknown;
  after?: unknown;
}

/**
 * What a proposed config changes, key by key: members by login (added, removed, edited), any
 * other value by its dotted key. Values are shown short; the organizer reads the diff itself.
 */
export function diffConfig(approved: StudyConfig, proposed: StudyConfig): ConfigChange[] {
  const changes: ConfigChange[] = [];
  const walk = (a: unknown, b: unknown, key: string) => {
    if (isDeepStrictEqual(a, b)) return;
    if (key === 'members') {
      const byLogin = (list: unknown) => new Map((list as StudyConfig['members']).map((m) => [m.login.toLowerCase(), m]));
      const [before, after] = [byLogin(a), byLogin(b)];
      for (const [login, m] of before) if (!after.has(login)) changes.push({ key: `members[${m.login}]`, before: m.name });
      for (const [login, m] of after) {
        const old = before.get(login);
        if (!old) changes.push({ key: `members[${m.login}]`, after: m.name });
        else if (!isDeepStrictEqual(old, m)) changes.push({ key: `members[${m.login}]`, before: old, after: m });
      }
      return;
    }
    const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
    if (isObject(a) && isObject(b)) {
      const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
      for (const k of [...keys].sort()) walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], key ? `${key}.${k}` : k);
      return;
    }
    changes.push({ key, ...(a === undefined ? {} : { before: a }), ...(b === undefined ? {} : { after: b }) });
  };
  walk(approved, proposed, '');
  return changes;
}

const short = (value: unknown): string => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const clean = text.replace(/[\r\n`]/g, ' ');
  return clean.length > 60 ? `${clean.slice(0, 57)}...` : clean;
};

/** One markdown line per change, e.g. "`verify.perHour`: 6 → 100000" or "`members[kim]`: + 김철수". */
export function describeChange(change: ConfigChange, lang: Language): string {
  const key = `\`${change.key}\``;
  if (change.before === undefined) return `${key}: ${pick(lang, { ko: '추가', en: 'added' })} \`${short(change.after)}\``;
  if (change.after === undefined) return `${key}: ${pick(lang, { ko: '삭제', en: 'removed' })} \`${short(change.before)}\``;
  return `${key}: \`${short(change.before)}\` → \`${short(change.after)}\``;
}

/** Where a study's config stands: the file on the default branch against the approved one. */
export type ConfigStanding =
  /** nothing approved yet: the file is used as it is (see docs/push-checks.md, "Config trust") */
  | { state: 'unapproved'; config: StudyConfig; problems: ConfigProblem[] }
  /** the file is the approved config */
  | { state: 'approved'; config: StudyConfig; approval: ConfigApproval }
  /** the file differs from the approved config, which stays in effect */
  | {
      state: 'pending';
      config: StudyConfig;
      approval: ConfigApproval;
      /** the file's config when it is valid (null: broken, see `problems`) */
      proposed: StudyConfig | null;
      problems: ConfigProblem[];
      changes: ConfigChange[];
      /** the approved text no longer passes the schema: the defaults are in effect */
      approvedInvalid: boolean;
    };

/**
 * The config in effect, from the file's text and the approval in the ledger. `fallback` is
 * the config to use for a broken file when nothing is approved (e.g. the last valid version).
 */
export function standingOf(fileText: string | null, approval: ConfigApproval | null, fallback?: StudyConfig): ConfigStanding {
  const file = parseConfig(fileText);
  if (!approval) {
    return file.ok ? { state: 'unapproved', config: file.config, problems: [] } : { state: 'unapproved', config: fallback ?? defaultConfig(), problems: file.problems };
  }
  return standingOfParsed(file.ok ? file.config : null, file.ok ? [] : file.problems, approval);
}

/** `standingOf` for a config already parsed (null: the file is broken). */
export function standingOfParsed(proposed: StudyConfig | null, problems: ConfigProblem[], approval: ConfigApproval): ConfigStanding {
  const approved = approvedConfigOf(approval);
  if (proposed && approved.valid && sameConfig(proposed, approved.config)) return { state: 'approved', config: approved.config, approval };
  return {
    state: 'pending',
    config: approved.config,
    approval,
    proposed,
    problems,
    changes: proposed ? diffConfig(approved.config, proposed) : [],
    approvedInvalid: !approved.valid,
  };
}

/** A roster change that would let `login` in, not yet approved: what a refusal should add. */
export function pendingRosterNote(standing: ConfigStanding | undefined, login: string, lang: Language): string | null {
  if (standing?.state !== 'pending' || !standing.proposed) return null;
  const wanted = login.toLowerCase();
  const proposedHas = standing.proposed.members.some((m) => m.login.toLowerCase() === wanted);
  const approvedHas = standing.config.members.some((m) => m.login.toLowerCase() === wanted);
  if (!proposedHas || approvedHas) return null;
  return pick(lang, {
    ko: `\`.github/study.yml\`의 명단에 @${login} 님이 추가되었지만, 이 변경은 아직 운영진(admin·maintain 권한)의 승인을 받지 않아 적용되지 않았습니다. 운영진이 그 커밋에 \`/config approve\`를 남기면 적용됩니다.`,
    en: `@${login} was added to the roster in \`.github/study.yml\`, but that change has not been approved by an organizer (admin or maintain permission), so it is not in effect. It takes effect when an organizer comments \`/config approve\` on that commit.`,
  });
}

/**
 * What the push check needs of the approvals, for one repository: the approval in the ledger
 * (null: none yet), a way to record a new one (a durable ledger write, in the background),
 * and who can approve (for the message).
 */
export interface ConfigApprovals {
  /** `shas`: the push's commits, whose check runs may record where the report issue is (report-trail.ts) */
  read(hint?: { shas: readonly string[] }): Promise<ConfigApproval | null>;
  /** the report issue as last found, for the check run's trail line; null when not known */
  reportIssue?(): number | null;
  record(approval: ConfigApproval): void;
  organizers(): Promise<string[]>;
  now(): number;
}
