/**
 * Every kind of reply that shows what a member wrote, fed hostile words: mentions (of a member,
 * of a team), links (bare, `www.`, markdown, `<…>`), character references in all three forms
 * (`&#64;`, `&#x40;`, `&commat;`, and `https&colon;//`, `www&period;`), backticks, zero-width and
 * other invisible characters, HTML, issue references. Read as GitHub reads a comment (remark with
 * remark-gfm), whatever the words:
 * - no link and no HTML node, and no text that GitHub would turn into a mention or a reference
 *   (a character reference is decoded by the parser first, so one that spells `@kim-cs` is seen);
 * - no code-span break: the words a reply names sit whole in one code span (shownName), and the
 *   quoted command line reads exactly as written, its invisible characters aside (no markup of
 *   the member's takes effect in it).
 */
import fc from 'fast-check';
import type { InlineCode, Nodes, Root } from 'mdast';
import { toString } from 'mdast-util-to-string';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { decideCheckIn } from '../../src/attendance/check-in.js';
import { decideAttendanceCommand } from '../../src/attendance/organizer-commands.js';
import { buildSchedule } from '../../src/attendance/schedule.js';
import { notRunReply, unknownCommandReply, type CommandHandler } from '../../src/commands/dispatch.js';
import type { SlashCommand } from '../../src/commands/parse-commands.js';
import { parseCommands } from '../../src/commands/parse-commands.js';
import { quoteCommand } from '../../src/commands/quote-command.js';
import { pick } from '../../src/i18n/pick.js';
import { capText, shownName, withoutInvisible } from '../../src/text/shown-text.js';
import { checkNotePath, parseVerifyCommand } from '../../src/verify/parse-verify-command.js';
import { resolveVerifyTarget } from '../../src/verify/resolve-verify-target.js';
import { studyConfig } from '../helpers/attendance-study.js';

const HOSTILE = [
  '@kim-cs', '@org/team', 'a@b.example', '#12', 'o/r#3', 'GH-1',
  'https://evil.example/login', 'www.evil.example', '_www.evil.example', '~(www.evil.example', '온라인www.evil.example', '0@.A', '[📢 안내](https://evil.example/a)', '<https://evil.example>', '![x](https://evil.example/x.png)',
  '&#64;kim-cs', '&#x40;kim-cs', '&commat;member-1', 'https&colon;//evil.example', 'www&period;evil&#x2e;example', '&#35;12', '&#x23;3',
  '`', '``', '` [a](https://evil.example) `', '\\', '\\`',
  '\u200b', '\u200d', '\u2060', '\ufeff', '\u202e', '\u00ad', String.fromCodePoint(0xe0041),
  '<img src=x>', '<!-- hidden -->', '*', '_', '~~', '|', ' ', '출석', '온라인',
];
const fragment = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 12 }));
/** One line of a member's words (a comment's line: no line breaks), not blank. */
const words = fc
  .array(fragment, { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join(''))
  .map((w) => w.replace(/[\r\n\u2028\u2029\u0085\v\f]/g, ' '))
  .filter((w) => w.trim().length > 0);
const lang = fc.constantFrom('ko' as const, 'en' as const);

const parse = (markdown: string): Root => unified().use(remarkParse).use(remarkGfm).parse(markdown);

/** What GitHub would link, mention or reference in a body: the things no reply may carry of a member's. */
function hazards(markdown: string): string[] {
  const found: string[] = [];
  const tree = parse(markdown);
  visit(tree, (node: Nodes) => {
    if (node.type === 'link' || node.type === 'linkReference' || node.type === 'image' || node.type === 'imageReference') found.push(`${node.type}`);
    if (node.type === 'html') found.push(`html ${node.value}`);
    if (node.type === 'text') {
      const text = node.value;
      // GitHub's mention filter: `@` after a non-word character, then a login or team
      if (/(?<![\w\u200b])@[\w-]/u.test(text)) found.push(`mention in ${JSON.stringify(text)}`);
      if (/#\d|\bgh-\d/iu.test(text)) found.push(`reference in ${JSON.stringify(text)}`);
      if (/:\/\/|\bwww\./iu.test(text)) found.push(`url in ${JSON.stringify(text)}`);
    }
  });
  return found;
}

const codeSpans = (markdown: string): string[] => {
  const spans: string[] = [];
  visit(parse(markdown), 'inlineCode', (node: InlineCode) => void spans.push(node.value));
  return spans;
};

/** The reply names `shown` in one code span of its own: nothing of the member's closed it or leaked out. */
function expectWhole(markdown: string, shown: string): void {
  expect(hazards(markdown)).toEqual([]);
  // GitHub strips one space at each end of a span's content; shownName writes an end space as \u0020
  expect(codeSpans(markdown)).toContain(shownName(shown, { max: 80, span: false }));
}

const command = (line: string): SlashCommand => {
  const [parsed] = parseCommands(line, 10);
  if (!parsed) throw new Error(`not a command: ${JSON.stringify(line)}`);
  return parsed;
};

const config = studyConfig();
const schedule = buildSchedule(config);
const registry: CommandHandler[] = [
  { names: ['출석', 'attend'], usage: { ko: '출석', en: 'attend' }, handle: async () => {} },
  { names: ['verify'], usage: { ko: '검증', en: 'verify' }, handle: async () => {} },
];
const RUNS = 100;

describe('a member\'s words in every reply kind, read as GitHub reads them', () => {
  it('the quoted command line reads as written: no link, mention, reference or markup of theirs', () => {
    fc.assert(
      fc.property(words, (w) => {
        const line = `/출석 ${w}`;
        const quote = quoteCommand(command(line));
        expect(hazards(quote)).toEqual([]);
        const tree = parse(`${quote}\n\nrest`);
        expect(tree.children[0]?.type).toBe('blockquote');
        // what a reader sees of it: the line as written (capped; invisible characters and the bot's own U+200B aside)
        const seen = toString(tree.children[0]!).replace(/\u200b/g, '');
        const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();
        expect(collapse(seen)).toBe(collapse(withoutInvisible(capText(line.trim(), 200))));
      }),
      { numRuns: RUNS },
    );
  });

  it('the unknown-command reply and the "not run" list', () => {
    fc.assert(
      fc.property(words, lang, (w, l) => {
        const unknown = command(`/zz ${w}`);
        expect(hazards(unknownCommandReply([unknown], registry, l))).toEqual([]);
        const notRun = command(`/verify ${w}`);
        expectWhole(notRunReply([notRun], 5, l), notRun.raw.trim());
      }),
      { numRuns: RUNS },
    );
  });

  it('/출석 with words it does not know', () => {
    fc.assert(
      fc.property(words, lang, (w, l) => {
        const { args } = command(`/출석 x${w}`);
        const decision = decideCheckIn({ config, schedule, lang: l, login: 'hong-gildong', at: new Date('2025-09-04T11:05:00Z'), args });
        expect(decision.ok).toBe(false);
        if (decision.ok) return;
        expect(decision.reason).toBe('bad-usage');
        expectWhole(decision.message, args.join(' '));
      }),
      { numRuns: RUNS },
    );
  });

  it('/verify usage problems: a week\'s extra words, a kernel label, a target that is neither week nor path', () => {
    fc.assert(
      fc.property(words, lang, (w, l) => {
        fc.pre(!/kernel/i.test(w));
        const cases: { args: string[]; shown: string }[] = [];
        const extra = command(`/verify week1 x${w}`).args;
        cases.push({ args: extra, shown: extra.slice(1).join(' ') });
        const project = command(`/verify project x${w}`).args;
        cases.push({ args: project, shown: project.slice(1).join(' ') });
        const kernel = `x${w.replace(/\s+/g, '')}`;
        cases.push({ args: ['week1', '--kernel', kernel], shown: kernel });
        const target = `x${w.replace(/\s+/g, '').replace(/\//g, '')}`;
        if (!/\.(md|markdown)$/i.test(target)) cases.push({ args: [target], shown: target });
        for (const { args, shown } of cases) {
          const parsed = parseVerifyCommand(args, { weeks: 12 });
          expect(parsed.kind).toBe('usage');
          if (parsed.kind !== 'usage') continue;
          expectWhole(pick(l, parsed.problem), shown);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('/verify of a note path that is not there', async () => {
    await fc.assert(
      fc.asyncProperty(words, lang, async (w, l) => {
        const checked = checkNotePath(`study/week1/${w.replace(/\s+/g, '')}.md`);
        fc.pre(checked.ok);
        if (!checked.ok) return;
        const tree = { listDir: async () => ['OT.md', 'hgd.md'] };
        const result = await resolveVerifyTarget({ kind: 'path', path: checked.path }, { config, commenter: 'hong-gildong', tree });
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(hazards(pick(l, result.problem))).toEqual([]);
        expect(codeSpans(pick(l, result.problem))).toContain(shownName(checked.path, { span: false }));
      }),
      { numRuns: RUNS },
    );
  });

  it('/attendance naming someone not on the roster', () => {
    fc.assert(
      fc.property(words, lang, (w, l) => {
        const { args } = command(`/attendance week 2 present @hong-gildong x${w}`);
        const decision = decideAttendanceCommand({ config, schedule, lang: l, organizer: 'hong-gildong', at: new Date('2025-09-20T00:00:00Z'), args });
        expect(decision.ok).toBe(false);
        if (decision.ok) return;
        expect(hazards(decision.message)).toEqual([]);
        // `x…` is no one on the roster: named whole in a span of its own
        expect(codeSpans(decision.message)).toContain(shownName(args[4]!, { max: 80, span: false }));
      }),
      { numRuns: RUNS },
    );
  });
});
