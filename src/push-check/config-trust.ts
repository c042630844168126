import { parseConfig, type ConfigProblem } from '../config/load-config.js';
import { defaultConfig, type StudyConfig } from '../config/schema.js';

/**
 * The config is read from the pushed commit, but every member can push to main, so it is
 * trusted only so far: a broken file is reported on its own lines while the check goes on
 * with the last valid config (the one at `before`), a change by someone without admin or
 * maintain permission is flagged for the organizers, and the record guard asks both the old
 * and the new roster whose files are whose (a push that edits the roster cannot move
 * someone's records out from under the guard).
 */

export interface ConfigTrustInput {
  /** the config file's text at `after`; null when there is none (the defaults apply) */
  afterText: string | null;
  /** the text at `before`: fetched only when the push changed the config; undefined when not fetched */
  beforeText?: string | null;
  /** the push added, modified or removed the config file */
  changed: boolean;
  /** asked of GitHub only when the config changed; null when not asked */
  pusherIsOrganizer: boolean | null;
}

export interface ConfigVerdict {
  /** the config the files are checked with */
  config: StudyConfig;
  /** where it came from: the pushed commit, the parent (the pushed one is broken), or the defaults */
  source: 'after' | 'before' | 'defaults';
  /** configs whose rosters decide whose records a path is (see the record guard) */
  rosterConfigs: StudyConfig[];
  /** what is wrong with the pushed config file, with lines; empty when it is valid */
  problems: ConfigProblem[];
  /** the config changed and the pusher is not an organizer */
  untrustedChange: boolean;
}

export function trustConfig(input: ConfigTrustInput): ConfigVerdict {
  const after = parseConfig(input.afterText);
  const before = input.beforeText === undefined ? null : parseConfig(input.beforeText);
  const beforeConfig = before?.ok ? before.config : null;
  const untrustedChange = input.changed && input.pusherIsOrganizer === false;

  if (after.ok) {
    return {
      config: after.config,
      source: 'after',
      rosterConfigs: beforeConfig ? [beforeConfig, after.config] : [after.config],
      problems: [],
      untrustedChange,
    };
  }
  const fallback = beforeConfig ?? defaultConfig();
  // Report the problems in the language of the config the study is running on.
  const reparsed = fallback.language === 'ko' ? after : parseConfig(input.afterText, fallback.language);
  return {
    config: fallback,
    source: beforeConfig ? 'before' : 'defaults',
    rosterConfigs: [fallback],
    problems: reparsed.ok ? [] : reparsed.problems,
    untrustedChange,
  };
}
