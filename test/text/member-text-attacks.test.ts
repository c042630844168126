/**
 * Issue 17, items 1, 4 and 5, reproduced: a heading or a guest's text that froze the app, or
 * that posted invisible text and links. Each case here held the event loop for tens of seconds
 * (or showed the hidden text) before the caps and the neutraliser of src/text/shown-text.ts.
 * The time bounds are generous (a loaded 2-core machine renders these in milliseconds); the
 * quadratic versions took 12-70 s. Speed proper is measured by `npm run bench`.
 */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { extractOneLiners } from '../../src/oneliners/extract-oneliners.js';
import type { OneLiner } from '../../src/oneliners/types.js';
import { redactSecrets } from '../../src/runner/redact.js';
import { renderReportText } from '../../src/runner/render-report.js';
import type { VerifyResult } from '../../src/runner/report-schema.js';
import type { LaunchResult } from '../../src/runner/vm/launch-vm.js';
import { acceptGuestResults } from '../../src/runner/vm/verify-in-vm.js';
import { renderVerifyCheck, renderVerifyComment, type VerifyView } from '../../src/verify/render-verify.js';

const view: VerifyView = {
  webOrigin: 'https://github.com', owner: 'o', repo: 'r', path: 'study/week1/hgd.md', sha: 'a'.repeat(40),
  requester: 'kim', requestId: 'ic1', lang: 'en',
};
const runner = { kernel: '6.1.0-57-cloud-amd64', bpftrace: 'v0.17.0', btf: true };
const ONE_LINER = "sudo bpftrace -e 'tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }'";

const timed = <T>(work: () => T): { value: T; ms: number } => {
  const start = performance.now();
  const value = work();
  return { value, ms: performance.now() - start };
};

const resultWith = (over: Partial<VerifyResult>): VerifyResult => ({
  line: 3, heading: 'h', command: ONE_LINER, status: 'error', events: 0, message: 'ERROR: x', output: ['out'], durationMs: 1, ...over,
});

describe('item 1: one heading froze the whole app', () => {
  const spaces = ' '.repeat(99_000);

  it('a heading is capped when it is extracted', async () => {
    const note = `### a${spaces}b\n\n\`\`\`bash\n${ONE_LINER}\n\`\`\`\n`;
    const [oneLiner] = await extractOneLiners(note);
    expect(oneLiner!.heading!.length).toBeLessThanOrEqual(200);
    expect(oneLiner!.heading!.startsWith('a ')).toBe(true);
  });

  it('the /verify comment and Check Run of a 64K-space heading render in bounded time and size', () => {
    // what a report from an older runner, or a driver that does not cut, could still carry
    const heading = `a${' '.repeat(64 * 1024)}b`;
    const outcome = { kind: 'report' as const, report: { runner, results: [resultWith({ heading, message: `x${' '.repeat(64 * 1024)}\ny` })] } };
    const comment = timed(() => renderVerifyComment(view, outcome));
    const check = timed(() => renderVerifyCheck(view, outcome, 'failure'));
    // before: 32 s and 39 s on this machine's kind
    expect(comment.ms).toBeLessThan(2_000);
    expect(check.ms).toBeLessThan(2_000);
    expect(comment.value.length).toBeLessThan(4_000);
    expect(check.value.annotations[0]!.title.length).toBeLessThanOrEqual(255);
  });
});

describe('item 4: a heading or a guest message posted invisible text and links', () => {
  // U+E0000-E007F spell a hidden word; zero-width characters hide inside a word
  const tagged = (word: string) => [...word].map((c) => String.fromCodePoint(0xe0000 + c.codePointAt(0)!)).join('');
  const hostile = `Hi\u200b\u200c\u200d\u2060\ufeff ${tagged('ignore all previous')} www.evil.example GH-1 #2 @org/team https://evil.example a@b.example`;
  const INVISIBLE = /[\u200c\u200d\u2060\ufeff\u{e0000}-\u{e007f}]/u;
  // The bot's own zero-width space stands only right after the start of a would-be link.
  const strayZeroWidth = (text: string) => text.replace(/(?:@|#|gh-|:\/|www|&)\u200b/giu, '').includes('\u200b');
  const links = (text: string) => /www\.|https?:\/\/|(?:^|\W)@\w|#\d|\bGH-\d/iu.test(text);

  const outcome = { kind: 'report' as const, report: { runner, results: [resultWith({ heading: hostile, message: hostile, hint: hostile, output: [hostile] })] } };

  it('the reply comment', () => {
    const comment = renderVerifyComment(view, outcome);
    const shown = comment.replace(/\(https:\/\/github\.com\/o\/r\/blob\/[^)]*\)/g, '').replace(/```[\s\S]*?```/g, '');
    expect(shown).not.toMatch(INVISIBLE);
    expect(strayZeroWidth(shown)).toBe(false);
    expect(links(shown)).toBe(false);
    // inside a code block nothing links: the output keeps its text, not its hidden characters
    expect(comment).not.toMatch(INVISIBLE);
  });

  it('the Check Run: title, summary and annotations', () => {
    const check = renderVerifyCheck(view, outcome, 'failure');
    for (const text of [check.title, check.annotations[0]!.title, check.annotations[0]!.message]) {
      expect(text).not.toMatch(INVISIBLE);
      expect(strayZeroWidth(text)).toBe(false);
      expect(links(text)).toBe(false);
    }
    expect(check.summary).not.toMatch(INVISIBLE);
  });

  it('the CLI', () => {
    const text = renderReportText({ runner, results: outcome.report.results }, { lang: 'en' });
    expect(text).not.toMatch(INVISIBLE);
    expect(strayZeroWidth(text)).toBe(false);
    expect(links(text)).toBe(false);
    expect(text).toContain('Hi');
  });
});

describe('item 5: redaction of a compromised guest message held the event loop', () => {
  const oneLiner = (line: number): OneLiner => ({ kind: 'bpftrace', line, endLine: line, heading: `h${line}`, command: ONE_LINER, argv: ['bpftrace', '-e', 'BEGIN { exit(); }'], env: {}, shellSyntax: [] });
  const launched = (value: unknown): LaunchResult => ({
    frame: { ok: true, value }, consoleTail: '', qemuErrors: '', exitCode: 0, readySeen: true, timedOut: false, overflowed: false, durationMs: 1,
  });

  it('a run of `eyJ-` is redacted in linear time', () => {
    // 64 KiB: 12 s before (331 s at 512 KiB)
    const { value, ms } = timed(() => redactSecrets('eyJ-'.repeat(16 * 1024)));
    expect(ms).toBeLessThan(1_000);
    expect(value.length).toBeLessThanOrEqual(64 * 1024);
  });

  it("a guest's long message and output lines cost bounded time and come back capped", () => {
    // 256 KiB: before, about 80 s for the message alone; the console's 4 MiB cap allowed hours
    const flood = 'eyJ-'.repeat(64 * 1024);
    const guest = { line: 1, heading: 'x', command: 'x', status: 'error', events: 0, message: flood, hint: flood.slice(0, 64 * 1024), output: [flood.slice(0, 64 * 1024)], durationMs: 1 };
    const { value, ms } = timed(() => acceptGuestResults(launched({ report: { runner, results: [guest] } }), [oneLiner(1)], 60_000));
    expect(ms).toBeLessThan(2_000);
    expect(value[0]!.message.length).toBeLessThanOrEqual(4_000);
    expect(Math.max(...value[0]!.output.map((l) => l.length))).toBeLessThanOrEqual(1_000);
  });

  it('still masks a JWT, also one cut by the cap', () => {
    const jwt = `eyJhbGciOiJIUzI1NiJ9.${'eyJzdWIiOiIxMjM0NTY3ODkwIn0'}.${'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'}`;
    expect(redactSecrets(`token=${jwt} done`)).not.toContain('SflKxw');
    expect(redactSecrets(`${'x '.repeat(40)}${jwt}`, 100)).not.toContain('eyJhbGciOiJIUzI1NiJ9');
  });
});
