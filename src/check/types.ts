import type { ProjectSummary } from '../project/review-project-file.js';

/**
 * The result of checking files: the JSON contract of `study-bot check --format json`, and
 * what the push check renders into a Check Run.
 */
export type Severity = 'error' | 'warning' | 'info';

export type RuleId =
  | 'title'
  | 'sections'
  | 'env-fields'
  | 'oneliner-count'
  | 'evidence'
  | 'placeholders'
  | 'links'
  | 'empty-section'
  | (string & {});

export interface Finding {
  rule: RuleId;
  severity: Severity;
  /** what is wrong and what is expected, in the study's language */
  message: string;
  /** 1-based; null for file-level findings (binary file, unreadable) */
  line: number | null;
  /** optional: 1-based column where the finding starts, when it points at a markdown node */
  column?: number | null;
  /** optional: the last line, when the finding spans several lines */
  endLine?: number | null;
}

export type PathKind = 'submission' | 'asset' | 'ignored' | 'project' | 'config' | 'misplaced' | 'unknown';
export type FileStatus = 'pass' | 'warn' | 'fail';

export interface FileReport {
  path: string;
  kind: PathKind;
  week: number | null;
  /** the roster `name` (an alias resolves to it); the `{name}` from the path with an empty roster */
  member: string | null;
  /** pass/warn/fail for submissions, null for everything else */
  status: FileStatus | null;
  /** one-liners the rubric counted (submissions only) */
  oneliners: number | null;
  findings: Finding[];
  /** project files: what kind of eBPF source it is and its programs (see project/review-project-file.ts) */
  project?: ProjectSummary;
  /**
   * Submissions whose name is a look-alike (paths/name-key.ts): the other files of the tree
   * whose names read as this one's; empty when it stands alone but its name hides characters.
   * Absent for any other file.
   */
  lookalikes?: string[];
}

export interface CheckReport {
  files: FileReport[];
}

/** A file of the repository as the checker sees it: the CLI reads the disk, the bot a commit. */
export interface RepoFile {
  path: string;
  /** raw bytes; the checker decides whether they are text */
  content: Uint8Array;
  /**
   * Project files only: the whole file's size (`content` may be a prefix, or empty when the
   * bytes were not wanted), whether it is a submodule, and whether a budget left it unread.
   */
  size?: number;
  gitlink?: boolean;
  unread?: boolean;
}

/** Everything that exists in the tree at the checked revision, for link and image checks. */
export interface RepoTree {
  has(path: string): boolean;
  /** every path, for "did you mean" and misplaced-file detection */
  paths(): Iterable<string>;
}

export const statusOf = (findings: Finding[]): FileStatus =>
  findings.some((f) => f.severity === 'error') ? 'fail' : findings.some((f) => f.severity === 'warning') ? 'warn' : 'pass';
