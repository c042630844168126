import type { StudyConfig } from '../config/schema.js';
import { classifyPath, couldBeSubmission, type PathClass } from './classify-path.js';
import { compileTemplate, fillPathTemplate, weekToken } from './path-template.js';
import { nameKey, pathKey } from './name-key.js';
import { memberByLogin, memberByName, nfc, suggestMember } from './roster.js';

export type { PathClass } from './classify-path.js';
export type { NameKey } from './name-key.js';
export type { NameSuggestion } from './roster.js';
export { couldBeSubmission, memberByLogin, memberByName, nameKey, nfc, pathKey, suggestMember, weekToken };

/**
 * The study's path rules, one way in. Who a file belongs to (a week note, a side folder's
 * image, a project folder) is one concept: the config's two templates (`paths.study`,
 * `paths.project`), the roster and the near misses members make. The rest of the app asks
 * here and never compiles a template or classifies a path on its own, so the push check, the
 * report, the nudges and the CLI cannot drift apart (ESLint keeps other folders out of the
 * files behind this one).
 */
export interface StudyPaths {
  readonly config: StudyConfig;
  /** what a repository path is (note, project file, asset, misplaced, unknown, ignored) and whose */
  classify(path: string): PathClass;
  /** the roster name whose records a path is: their notes (also misplaced), images, project folder */
  ownerOf(path: string): string | null;
  /**
   * The member whose project work a file is: the folder's owner, also under a misspelt root
   * (`projects/kim/` for `project/{name}/`); for a folder named for the project rather than a
   * member (`project/ebpf-monitor/`), whoever pushed it.
   */
  projectOwnerOf(path: string, pusher: string | null): string | null;
  /**
   * Classifies `paths` ahead, a chunk at a time with the event loop let go in between, so a
   * push of thousands of paths is never one long block; later `classify` calls are answered
   * from memory.
   */
  prime(paths: readonly string[]): Promise<void>;
  /** where a member's week note goes: `study/week3/hgd.md` */
  notePath(week: number | null, name: string | null): string;
  /** the fixed folders in front of the study template's placeholders: `study`, or '' */
  readonly studyRoot: string;
  /** the same for the project template: `project`, or '' */
  readonly projectRoot: string;
}

const cache = new WeakMap<StudyConfig, StudyPaths>();
/** Classified paths remembered per rules: a large push's, several times over. */
const MAX_REMEMBERED_PATHS = 50_000;
/** Paths classified between two turns of the event loop when primed (~50 us each). */
const PRIME_CHUNK = 500;

/** What classifyPath reads of a config: the same rules give the same answers. */
const rulesOf = (config: StudyConfig): string => JSON.stringify([config.paths, config.members, config.ignore, config.weeks]);
const byRules = new Map<string, Map<string, PathClass>>();
function remembered(rules: string): Map<string, PathClass> {
  let known = byRules.get(rules);
  if (known) return known;
  // A few sets of rules at a time (a study's config, the last approved one, a test's)
  if (byRules.size >= 16) byRules.delete(byRules.keys().next().value!);
  byRules.set(rules, (known = new Map()));
  return known;
}

export function studyPaths(config: StudyConfig): StudyPaths {
  const made = cache.get(config);
  if (made) return made;
  const study = compileTemplate(config.paths.study);
  const projectRoot = compileTemplate(config.paths.project).root.join('/');
  // One push classifies each of its paths six or seven times (push check, record guard, report,
  // project work: each handler with its own copy of the config), up to thousands of paths: the
  // answers are kept per rules (what classifyPath reads of the config), so a 9,000-file push no
  // longer holds the event loop for seconds (attack review six).
  const known = remembered(rulesOf(config));
  const classify = (path: string): PathClass => {
    let c = known.get(path);
    if (c) return c;
    c = classifyPath(path, config);
    if (known.size >= MAX_REMEMBERED_PATHS) known.clear();
    known.set(path, c);
    return c;
  };
  const paths: StudyPaths = {
    config,
    classify,
    ownerOf(path) {
      const c = classify(path);
      if (c.kind === 'submission' || c.kind === 'project' || c.kind === 'asset' || c.kind === 'misplaced') return c.member;
      return null;
    },
    projectOwnerOf(path, pusher) {
      const where = classify(path);
      if (where.kind === 'project' && where.member) return where.member;
      // `projects/kim/` when the config says `project/{name}/`: misplaced, but the member's work.
      if (where.kind === 'misplaced' && where.member && projectRoot && where.suggestion?.startsWith(`${projectRoot}/`)) return where.member;
      // A folder named for the project, not its owner (`project/ebpf-monitor/`): whoever pushed it.
      const inProjectRoot = projectRoot !== '' && nfc(path).startsWith(`${projectRoot}/`);
      if (where.kind === 'unknown' && where.pathName && inProjectRoot && pusher) return memberByLogin(pusher, config)?.name ?? null;
      return null;
    },
    async prime(list) {
      for (let i = 0; i < list.length; i++) {
        classify(list[i]!);
        if (i % PRIME_CHUNK === PRIME_CHUNK - 1) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },
    notePath: (week, name) => fillPathTemplate(study, { week, name }),
    studyRoot: study.root.join('/'),
    projectRoot,
  };
  cache.set(config, paths);
  return paths;
}
