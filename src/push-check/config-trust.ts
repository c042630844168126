import { approvalOf, approvedConfigOf, diffConfig, sameConfig, type ConfigApproval, type ConfigChange } from '../config/approval.js';
import { parseConfig, type ConfigProblem } from '../config/load-config.js';
import { defaultConfig, type StudyConfig } from '../config/schema.js';

/**
 * The config a push is checked with. Every member can push to main, so the file at `after`
 * is a proposal: the config in effect is the last one an organizer pushed or approved (kept
 * in the report's signed ledger, see config/approval.ts). An organizer's push that changes
 * the file approves it at once; anyone else's change waits for `/config approve`, and the
 * check says what changed and who can approve. A broken file is reported on its own lines.
 * The record guard asks every roster in play (approved, before, after) whose files are whose,
 * so a push that edits the roster cannot move someone's records out from under the guard.
 *
 * Bootstrap: with nothing approved yet (`approval: null`), the config before a member's
 * change (or the file, when an organizer pushed or nobody changed it) is adopted as approved.
 * `approval: undefined` means the caller keeps no approvals (the CLI, old tests): the file rules.
 */

/** `by` of an approval adopted at first use (no organizer named it): not a GitHub login. */
export const FIRST_USE = '(first use)';

export interface ConfigTrustInput {
  /** the config file's text at `after`; null when there is none (the defaults apply) */
  afterText: string | null;
  /** the text at `before`: fetched only when the push changed the config; undefined when not fetched */
  beforeText?: string | null;
  /** the push added, modified or removed the config file */
  changed: boolean;
  /** asked of GitHub only when the config changed; null when not asked */
  pusherIsOrganizer: boolean | null;
  /** the approved config from the ledger; null: none yet; undefined: not kept by this caller */
  approval?: ConfigApproval | null;
  /** for a new approval: the pushed commit, the pusher and the push time */
  push?: { before: string; after: string; pusherLogin: string; at: number };
}

export type TrustStanding =
  /** the file is the approved config, or this caller keeps no approvals */
  | { state: 'in-effect' }
  /** an organizer's push changed the config: it is approved now (`record` it) */
  | { state: 'approved-now' }
  /** nothing was approved yet: `record` adopts this config (bootstrap) */
  | { state: 'adopted' }
  /** the file differs from the approved config, which stays in effect */
  | { state: 'pending'; changes: ConfigChange[]; approval: ConfigApproval; approvedInvalid: boolean };

export interface ConfigVerdict {
  /** the config the files are checked with */
  config: StudyConfig;
  /** where it came from: the pushed commit, the parent (the pushed one is broken), the defaults, or the approval */
  source: 'after' | 'before' | 'defaults' | 'approved';
  /** configs whose rosters decide whose records a path is (see the record guard) */
  rosterConfigs: StudyConfig[];
  /** what is wrong with the pushed config file, with lines; empty when it is valid */
  problems: ConfigProblem[];
  /** this push changed the config and its change is not in effect (the pusher is no organizer) */
  untrustedChange: boolean;
  trust: TrustStanding;
  /** an approval to write to the ledger (organizer's push, or bootstrap) */
  record?: ConfigApproval;
}

export function trustConfig(input: ConfigTrustInput): ConfigVerdict {
  const after = parseConfig(input.afterText);
  const before = input.beforeText === undefined ? null : parseConfig(input.beforeText);
  const beforeConfig = before?.ok ? before.config : null;
  const memberChanged = input.changed && input.pusherIsOrganizer === false;
  const organizerChanged = input.changed && input.pusherIsOrganizer === true;
  const problems = after.ok ? [] : after.problems;
  const rosters = (...configs: (StudyConfig | null)[]) => configs.filter((c): c is StudyConfig => c !== null);
  // An approval names the organizer; one adopted at first use says so instead.
  const record = (text: string | null, at: 'before' | 'after', by: string | null): ConfigApproval | undefined =>
    input.push ? approvalOf(text, input.push[at], by ?? FIRST_USE, input.push.at) : undefined;

  if (input.approval) {
    const approved = approvedConfigOf(input.approval);
    const base = { rosterConfigs: rosters(approved.config, beforeConfig, after.ok ? after.config : null), problems };
    if (after.ok && approved.valid && sameConfig(after.config, approved.config)) {
      return { ...base, config: after.config, source: 'after', untrustedChange: false, trust: { state: 'in-effect' } };
    }
    if (after.ok && organizerChanged) {
      return { ...base, config: after.config, source: 'after', untrustedChange: false, trust: { state: 'approved-now' }, record: record(input.afterText, 'after', input.push?.pusherLogin ?? null) };
    }
    return {
      ...base,
      config: approved.config,
      source: 'approved',
      untrustedChange: input.changed && !organizerChanged && after.ok,
      trust: {
        state: 'pending',
        changes: after.ok ? diffConfig(approved.config, after.config) : [],
        approval: input.approval,
        approvedInvalid: !approved.valid,
      },
    };
  }

  // Nothing approved (bootstrap) or no approvals kept: the file, or the last valid config.
  const bootstrap = input.approval === null;
  if (after.ok && !(bootstrap && memberChanged)) {
    return {
      config: after.config,
      source: 'after',
      rosterConfigs: rosters(beforeConfig, after.config),
      problems,
      untrustedChange: memberChanged,
      trust: bootstrap ? { state: 'adopted' } : { state: 'in-effect' },
      ...(bootstrap ? { record: record(input.afterText, 'after', organizerChanged ? (input.push?.pusherLogin ?? null) : null) } : {}),
    };
  }
  const fallback = beforeConfig ?? defaultConfig();
  const source = beforeConfig ? 'before' : 'defaults';
  // Report the problems in the language of the config the study is running on.
  const reparsed = after.ok || fallback.language === 'ko' ? after : parseConfig(input.afterText, fallback.language);
  const adoptBefore = bootstrap && memberChanged && (beforeConfig !== null || input.beforeText === null);
  const adopted = adoptBefore ? record(input.beforeText ?? null, 'before', null) : undefined;
  return {
    config: fallback,
    source,
    rosterConfigs: rosters(fallback, after.ok ? after.config : null),
    problems: reparsed.ok ? [] : reparsed.problems,
    untrustedChange: memberChanged,
    trust:
      adopted && after.ok
        ? { state: 'pending', changes: diffConfig(fallback, after.config), approval: adopted, approvedInvalid: false }
        : adopted
          ? { state: 'adopted' }
          : { state: 'in-effect' },
    ...(adopted ? { record: adopted } : {}),
  };
}
