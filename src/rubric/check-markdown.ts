import type { Root } from 'mdast';
import type { Node } from 'unist';
import { tooLarge } from '../check/decode-text.js';
import type { Finding, RepoTree, Severity } from '../check/types.js';
import type { Language } from '../config/schema.js';
import { pick } from '../i18n/pick.js';
import { blankHtmlComments } from '../markdown/html-comments.js';
import { buildOutline } from '../markdown/outline.js';
import { LineIndex, parseMarkdown } from '../markdown/parse-markdown.js';
import { extractFromCodeNodes } from '../oneliners/extract-oneliners.js';
import { loadShellParser, withoutShellParser } from '../oneliners/shell-parser.js';
import type { OneLiner } from '../oneliners/types.js';
import { githubHostsFor } from './github-urls.js';
import { matchSections } from './match-sections.js';
import { RULES } from './rules/index.js';
import type { Rubric, RuleContext, RuleReport } from './types.js';

export type { Rubric } from './types.js';
/** One limit for every reader of notes: check, the push check and verify. */
export { MAX_MARKDOWN_BYTES } from '../check/decode-text.js';

export interface MarkdownCheckInput {
  /** repo-relative, NFC-normalized */
  path: string;
  /** decoded UTF-8 (the caller handles binary, invalid UTF-8 and size limits) */
  text: string;
  /** from the path (study/week5/x.md → 5) */
  week: number;
  /** the roster entry, or the {name} of the path with an empty roster */
  member: { name: string; aliases: string[] } | null;
  /** the roster, so a title with another member's name is told apart from one without a name */
  roster?: readonly { name: string; aliases: string[] }[];
  rubric: Rubric;
  /** the repository at the checked revision, for link and image checks */
  tree: RepoTree;
  lang: Language;
  /** the GitHub Enterprise Server's host when the study lives on one (github.com is always accepted) */
  githubHost?: string | null;
}

export interface MarkdownCheckResult {
  findings: Finding[];
  /** every one-liner the extractor found, in document order (what `/verify` would run) */
  oneLiners: OneLiner[];
}

/**
 * Checks one week file against its rubric: parses it once (remark + GFM + front matter),
 * extracts the one-liners once, matches the rubric's sections once, then runs every rule the
 * rubric enables. Never throws on content: whatever the text, the result is findings.
 * Throws only if the bash grammar cannot be loaded (an installation problem, not a file's).
 *
 * The bash grammar (tree-sitter) is loaded only when a block of the note needs it: a note of
 * plain commands is checked without it (simple-shell.ts), to the same result. A note that needs
 * it is checked again once it is loaded, its markdown tree reused.
 */
export async function checkMarkdown(input: MarkdownCheckInput): Promise<MarkdownCheckResult> {
  let parsed: Root | undefined;
  const done = withoutShellParser(() => checkMarkdownSync(input, undefined, (root) => (parsed = root)));
  if (done) return done;
  await loadShellParser();
  return checkMarkdownSync(input, undefined, parsed);
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/**
 * The synchronous core, once `loadShellParser()` has resolved. `only` restricts the run to
 * some rules (the rule-example tests run each rule on its own).
 */
export function checkMarkdownSync(
  input: MarkdownCheckInput,
  only?: readonly string[],
  /** the note's tree from an earlier run (checkMarkdown's), or a callback that receives this run's */
  tree?: Root | ((root: Root) => void),
): MarkdownCheckResult {
  // The callers decode with the same limit (check/decode-text.ts); a caller that passes text
  // straight in (tests, the rule examples) still gets the one refusal, never a slow parse.
  const large = tooLarge(Buffer.byteLength(input.text, 'utf8'), input.lang);
  if (large) return { findings: [{ ...large, line: 1 }], oneLiners: [] };
  const text = input.text.normalize('NFC');
  const lines = new LineIndex(text);
  let root: Root;
  try {
    root = typeof tree === 'object' ? tree : parseMarkdown(text);
    if (typeof tree === 'function') tree(root);
  } catch (error) {
    // micromark is total over strings; this is a guard for a library bug, not an expected path.
    return {
      findings: [internalFinding('markdown', error, input.lang)],
      oneLiners: [],
    };
  }
  const outline = buildOutline(root, lines.lineCount);
  const visibleText = blankHtmlComments(text, root);
  const visibleLines = visibleText === text ? lines : new LineIndex(visibleText);
  let oneLiners: OneLiner[] = [];
  const findings: Finding[] = [];
  try {
    oneLiners = extractFromCodeNodes(root);
  } catch (error) {
    findings.push(internalFinding('oneliner-count', error, input.lang));
  }
  const sections = matchSections(outline, input.rubric.sections);

  const githubHosts = githubHostsFor(input.githubHost);
  for (const [id, setting] of input.rubric.rules) {
    if (setting.severity === 'off' || (only && !only.includes(id))) continue;
    const rule = RULES[id];
    if (!rule) continue; // loadRubrics rejects unknown ids; a hand-built rubric may still carry one
    const cap = setting.severity;
    const report = (r: RuleReport) => {
      const level = r.level ?? 'error';
      const severity = RANK[level] <= RANK[cap] ? level : cap;
      findings.push({ rule: id, severity, message: pick(input.lang, r.message), ...where(r.at, lines) });
    };
    const context: RuleContext = {
      path: input.path,
      week: input.week,
      member: input.member,
      roster: input.roster ?? [],
      options: setting.options,
      rubric: input.rubric,
      tree: input.tree,
      githubHosts,
      lang: input.lang,
      text,
      lines,
      visibleText,
      visibleLines,
      outline,
      oneLiners,
      sections,
      report,
    };
    try {
      rule.check(root, context);
    } catch (error) {
      findings.push(internalFinding(id, error, input.lang));
    }
  }
  const order = [...input.rubric.rules.keys()];
  findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || order.indexOf(a.rule) - order.indexOf(b.rule));
  return { findings, oneLiners };
}

function where(at: RuleReport['at'], lines: LineIndex): Pick<Finding, 'line' | 'column' | 'endLine'> {
  if (typeof at === 'number') return { line: lines.clamp(at) };
  const position = (at as Node | null | undefined)?.position;
  if (!position) return { line: 1 };
  const line = lines.clamp(position.start.line);
  const endLine = lines.clamp(position.end.line);
  return { line, column: position.start.column, ...(endLine > line ? { endLine } : {}) };
}

/** A rule that crashed is study-bot's bug; the member still gets every other rule's findings. */
function internalFinding(rule: string, error: unknown, lang: Language): Finding {
  const detail = error instanceof Error ? error.message : String(error);
  return {
    rule,
    severity: 'warning',
    message: pick(lang, {
      ko: `study-bot 내부 오류로 이 규칙을 검사하지 못했습니다 (${detail}) — 이 파일과 함께 이슈로 알려 주세요`,
      en: `study-bot could not run this rule because of an internal error (${detail}); please report it with this file`,
    }),
    line: 1,
  };
}
