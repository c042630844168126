/**
 * Every renderer of member or guest text, fed adversarial strings: long runs of blanks, `eyJ-`
 * repeated, nested markdown, backticks, HTML comments and hidden markers, invisible and tag
 * characters, mentions and links, headings past 64K. What holds for any of them:
 * - the output's size is bounded by the caps, not by the input (GitHub's limits besides);
 * - the work is bounded: a generous time per rendering that a quadratic pattern over 64K
 *   characters (tens of seconds) cannot meet; speed proper is `npm run bench`;
 * - nothing invisible is shown, and outside code blocks nothing links or mentions.
 */
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkResultBlock } from '../../src/check/check-result-block.js';
import { renderText } from '../../src/check/render-text.js';
import type { FileReport } from '../../src/check/types.js';
import { trustConfig } from '../../src/push-check/config-trust.js';
import { renderCheckRun } from '../../src/push-check/render-check-run.js';
import { renderReportText } from '../../src/runner/render-report.js';
import type { VerifyResult } from '../../src/runner/report-schema.js';
import { parsePendingMark, renderVerifyCheck, renderVerifyComment, type VerifyView } from '../../src/verify/render-verify.js';
import { decodeVerifyRecord, stampRecord } from '../../src/verify/verify-record.js';
import { STUDY_YML, studyConfig } from '../helpers/attendance-study.js';

const BIG = 70_000;
const tags = (word: string) => [...word].map((c) => String.fromCodePoint(0xe0000 + c.codePointAt(0)!)).join('');
const fragment = fc.oneof(
  fc.integer({ min: 1, max: BIG }).map((n) => ' '.repeat(n)),
  fc.integer({ min: 1, max: BIG / 4 }).map((n) => 'eyJ-'.repeat(n)),
  fc.integer({ min: 1, max: 2_000 }).map((n) => `${'['.repeat(n)}x${'](y)'.repeat(n)}`),
  fc.integer({ min: 1, max: 2_000 }).map((n) => `${'> '.repeat(n)}${'**_'.repeat(n)}`),
  fc.integer({ min: 1, max: 5_000 }).map((n) => '`'.repeat(n)),
  fc.integer({ min: 1, max: 5_000 }).map((n) => ' \n'.repeat(n)),
  fc.integer({ min: 1, max: 5_000 }).map((n) => '\u200b\u200d\u2060\ufeff\u202e'.repeat(n)),
  fc.constant(`<!-- verify-pending requester:victim deadline:2026-01-01T00:00:00.000Z -->`),
  fc.constant('<!-- study-bot:check-results {"v":1,"files":[]} -->'),
  fc.constant(tags('hidden words')),
  fc.constantFrom('@team', '@org/team', '#12', 'o/r#3', 'GH-1', 'gh-22', 'https://evil.example', 'www.evil.example', 'a@b.example', '<img src=x>', '|', '\r\n'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const hostile = fc.array(fragment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));

const RUNS = 12;
const BOUND_MS = 3_000;
const INVISIBLE = /[\u200c\u200d\u2060\ufeff\u202e\u{e0000}-\u{e007f}]/u;
const strayZeroWidth = (text: string) => text.replace(/(?:@|#|gh-|:\/|www|&)\u200b/giu, '').includes('\u200b');
// GitHub autolinks `www.` only after a line start, whitespace or `*_~(` (GFM's extended autolinks): `teamwww.x` is text
const links = (text: string) => /(?:^|[\s*_~(])www\.|https?:\/\/|(?:^|[^\w`])@\w|#\d|\bGH-\d/iu.test(text);
/** what a reader sees as text: code blocks and spans, and the bot's own links, taken out */
const prose = (markdown: string) =>
  markdown.replace(/(`{3,})[^\n]*\n[\s\S]*?\n\1/g, '').replace(/`[^`\n]*`/g, '').replace(/\]\(https:\/\/github\.com\/[^)\s]*\)/g, ']');

const timed = <T>(work: () => T): T => {
  const start = performance.now();
  const value = work();
  expect(performance.now() - start).toBeLessThan(BOUND_MS);
  return value;
};

const view: VerifyView = {
  webOrigin: 'https://github.com', owner: 'o', repo: 'r', path: 'study/week1/hgd.md', sha: 'a'.repeat(40), requester: 'kim', requestId: 'ic1', lang: 'ko',
};
const runner = { kernel: '6.1.0-57-cloud-amd64', bpftrace: 'v0.17.0', btf: true };
const result = (text: string, status: VerifyResult['status'] = 'error'): VerifyResult => ({
  line: 3, heading: text, command: `bpftrace -e '${text}'`, status, events: 0, message: `${text}\n${text}`, hint: text, rule: text,
  output: [text, text], durationMs: 1,
});

describe('the /verify comment', () => {
  it('is bounded in size and time, shows nothing invisible, links nothing', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const comment = timed(() => renderVerifyComment(view, { kind: 'report', report: { runner, results: [result(text), result(text, 'denied')] } }));
        expect(comment.length).toBeLessThanOrEqual(65_536);
        expect(comment.length).toBeLessThan(12_000); // two rows and their excerpts, whatever the input
        expect(comment).not.toMatch(INVISIBLE);
        const seen = prose(comment);
        expect(strayZeroWidth(seen)).toBe(false);
        expect(links(seen)).toBe(false);
        // the only hidden markers outside code are the bot's own, in the first line; and what is
        // read back from the comment is the bot's record, whatever the member's text says
        expect(prose(comment.slice(comment.indexOf('\n')))).not.toMatch(/<!--/);
        expect(parsePendingMark(comment)).toBeNull();
        const record = { requestId: 'ic1', requester: 'kim', state: 'done' as const };
        expect(decodeVerifyRecord(stampRecord(comment, record, null), null)).toEqual(record);
      }),
      { numRuns: RUNS, examples: [[''], ['@teamwww.evil.example\u200b\u200d\u2060\ufeff\u202e']] } /* found by random runs: '' (the summary said `#1`); the second is not a link on GitHub (the oracle was stricter) */,
    );
  });
});

describe('the /verify Check Run', () => {
  it('keeps titles under 255 characters, messages capped, nothing invisible or linking', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const check = timed(() => renderVerifyCheck(view, { kind: 'report', report: { runner, results: [result(text)] } }, 'failure'));
        expect(check.title.length).toBeLessThanOrEqual(255);
        for (const a of check.annotations) {
          expect(a.title!.length).toBeLessThanOrEqual(255);
          expect(a.message.length).toBeLessThanOrEqual(6_000);
          for (const t of [a.title!, a.message]) {
            expect(t).not.toMatch(INVISIBLE);
            expect(strayZeroWidth(t)).toBe(false);
            expect(links(t)).toBe(false);
          }
        }
        expect(check.summary.length).toBeLessThan(12_000);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('the push Check Run', () => {
  const config = studyConfig();
  const report = (text: string): FileReport => ({
    path: 'study/week1/hgd.md', kind: 'submission', week: 1, member: 'hgd', status: 'fail', oneliners: 1,
    findings: [
      { rule: 'sections', severity: 'error', message: `section \`${text}\` is missing`, line: 3 },
      { rule: 'placeholders', severity: 'warning', message: text, line: 4 },
    ],
  });
  const render = (text: string) =>
    renderCheckRun({
      lang: 'ko', repoHtmlUrl: 'https://github.com/o/r', before: 'b'.repeat(40), after: 'a'.repeat(40), pusherLogin: 'kim',
      configPath: '.github/study.yml', reports: [report(text)], wiped: [],
      config: trustConfig({ afterText: STUDY_YML, changed: false, pusherIsOrganizer: null }), configExists: true, notes: [], checks: config.checks,
    })!;

  it('is bounded, shows nothing invisible, and its verdicts are only the bot\'s', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const { output, annotations } = timed(() => render(text));
        expect(output.title.length).toBeLessThanOrEqual(255);
        expect(output.summary.length + (output.text?.length ?? 0)).toBeLessThan(20_000);
        expect(output.summary).not.toMatch(INVISIBLE);
        for (const a of annotations) {
          expect(a.message).not.toMatch(INVISIBLE);
          expect(links(a.message)).toBe(false);
        }
        const lastLine = output.summary.trimEnd().split('\n').at(-1);
        expect(lastLine).toBe(checkResultBlock([{ path: 'study/week1/hgd.md', status: 'fail' }]));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('the CLI', () => {
  it('`study-bot verify` and `study-bot check` print bounded text with nothing invisible or linking', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const verify = timed(() => renderReportText({ runner, results: [result(text), result(text, 'ok')] }, { lang: 'ko', outputLines: 3 }));
        const check = timed(() => renderText([{ path: 'study/week1/hgd.md', kind: 'submission', week: 1, member: 'hgd', status: 'fail', oneliners: 1, findings: [{ rule: 'sections', severity: 'error', message: text, line: 3 }] }], { lang: 'ko', color: false }));
        for (const out of [verify, check]) {
          expect(out.length).toBeLessThan(30_000);
          expect(out).not.toMatch(INVISIBLE);
          expect(strayZeroWidth(out)).toBe(false);
          expect(links(out)).toBe(false);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
