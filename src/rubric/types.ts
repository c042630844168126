import type { Root } from 'mdast';
import type { Node } from 'unist';
import type { z } from 'zod';
import type { RepoTree, Severity } from '../check/types.js';
import type { Language } from '../config/schema.js';
import type { Bilingual } from '../i18n/pick.js';
import type { LineIndex } from '../markdown/parse-markdown.js';
import type { Outline } from '../markdown/outline.js';
import type { OneLiner } from '../oneliners/types.js';
import type { SectionMatch } from './match-sections.js';

/** `off` switches a rule off for a week, like remark-lint's `false`/`0`. */
export type RuleSeverity = Severity | 'off';

/** A section of a week's form, as the rubric declares it (in the template's order). */
export interface SectionSpec {
  /** the heading as the template writes it, without `##` */
  heading: string;
  /** other names accepted as exactly this section (English names, common rewordings) */
  aliases: string[];
}

export interface RuleSetting {
  severity: RuleSeverity;
  /** validated by the rule's own schema when the rubric is loaded */
  options: unknown;
}

/** One week's rubric, loaded from `rubrics/week{N}.yml`. */
export interface Rubric {
  week: number;
  /** the file it came from, for error messages */
  file: string;
  /** what the week is about, shown on the week's README page */
  topic: Bilingual;
  /** the template's H2 sections, in order */
  sections: SectionSpec[];
  /** rule id → severity and validated options, in the file's order */
  rules: Map<string, RuleSetting>;
}

export interface RuleMember {
  name: string;
  aliases: string[];
}

/** What a rule may report: a bilingual message at a node or a line, at its designed level. */
export interface RuleReport {
  message: Bilingual;
  /** a node with a position, or a 1-based line */
  at?: Node | number | null;
  /**
   * The severity this problem has by the rule's design (default `error`). The rubric's
   * configured severity caps it: a rule set to `warning` never reports errors, `info` only
   * infos. So `sections: error` keeps near misses as warnings and missing sections as errors.
   */
  level?: Severity;
}

export interface RuleContext<Options = unknown> {
  path: string;
  week: number;
  member: RuleMember | null;
  /** the study's roster (the member included; empty without one), to tell another member's name */
  roster: readonly RuleMember[];
  options: Options;
  rubric: Rubric;
  tree: RepoTree;
  /** web hosts of the study's GitHub (github.com, and an Enterprise Server's host): its URLs point into the repository */
  githubHosts: readonly string[];
  lang: Language;
  text: string;
  lines: LineIndex;
  /**
   * `text` with its HTML comments blanked (same length and lines): what a reader of the
   * rendered page sees. Rules that look for the member's content (hook points, field values,
   * leftover placeholders) read this, since the form's `<!-- 안내 -->` comments are
   * instructions, not the member's work.
   */
  visibleText: string;
  visibleLines: LineIndex;
  outline: Outline;
  /** every one-liner the extractor found, in document order */
  oneLiners: OneLiner[];
  /** the rubric's sections matched against the document's headings (computed once) */
  sections: SectionMatch[];
  report(report: RuleReport): void;
}

/**
 * A rubric rule: one module in `src/rubric/rules/<id>.ts`, whose docblock documents it with
 * `@example` blocks that `test/rubric/rule-examples.test.ts` asserts exactly.
 */
export interface RubricRule<Options = unknown> {
  id: string;
  /** one line for the week pages (study/weekN/README.md) */
  summary: Bilingual;
  /** options accepted in `rubrics/*.yml`; defaults fill what the rubric leaves out */
  options: z.ZodType<Options>;
  check(root: Root, context: RuleContext<Options>): void;
}
