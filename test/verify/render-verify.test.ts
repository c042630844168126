import { describe, expect, it } from 'vitest';
import { textLength } from '../../src/github/text-limits.js';
import type { VerifyResult } from '../../src/runner/report-schema.js';
import { cell, fenced, renderVerifyCheck, renderVerifyComment, type VerifyView } from '../../src/verify/render-verify.js';

const view: VerifyView = {
  webOrigin: 'https://github.com', owner: 'o', repo: 'r', path: 'study/week1/홍길동.md', sha: 'a'.repeat(40),
  requester: 'kim', requestId: 'ic1', lang: 'ko',
};
const runner = { kernel: '6.18.44', bpftrace: 'v0.17.0', btf: true };
const result = (i: number, extra: Partial<VerifyResult> = {}): VerifyResult => ({
  line: i * 5, heading: `${i}. 한글 제목 ${'가'.repeat(30)}`, command: `sudo bpftrace -e 'tracepoint:syscalls:sys_enter_openat { printf("${i}\\n"); }'`,
  status: 'error', events: 0, message: `stdin:1:1: ERROR: ${'매우 긴 오류 '.repeat(40)}\nline\n~~~~`,
  output: Array.from({ length: 30 }, (_, j) => `출력 ${j} ${'x'.repeat(200)}`), durationMs: 1, ...extra,
});

describe('renderVerifyComment', () => {
  it('keeps a result too large for one comment under 65,535 characters, cutting at a row with a note', () => {
    const report = { runner, results: Array.from({ length: 400 }, (_, i) => result(i + 1)) };
    const text = renderVerifyComment(view, { kind: 'report', report });
    expect(textLength(text)).toBeLessThanOrEqual(65_535);
    expect(text).toContain('생략');
    // every row kept is a whole row
    for (const row of text.split('\n').filter((l) => l.startsWith('| '))) expect(row.endsWith('|')).toBe(true);
    const check = renderVerifyCheck(view, { kind: 'report', report }, 'failure');
    expect(textLength(check.summary)).toBeLessThanOrEqual(65_535);
    expect(check.annotations).toHaveLength(400); // every result is still annotated (sent in batches of 50)
  });

  it('drops the output before dropping rows', () => {
    const report = { runner, results: Array.from({ length: 40 }, (_, i) => result(i + 1)) };
    const text = renderVerifyComment(view, { kind: 'report', report });
    expect(textLength(text)).toBeLessThanOrEqual(65_535);
    expect(text.split('\n').filter((l) => /^\| \d+ \|/.test(l))).toHaveLength(40);
  });

  it('says per kernel how its VM started and where the time went (start, compile+attach, run)', () => {
    const vm = (kernel: string, vmStart: 'pool' | 'snapshot' | 'boot', startMs: number) => ({
      runner: { ...runner, kernel, isolation: 'vm' as const, accel: 'tcg' as const, vmStart, timing: { startMs, attachMs: 3_250, runMs: 1_040 } },
      results: [result(1, { status: 'ok', events: 1 })],
    });
    const runs = [vm('6.1.0-50-cloud-amd64', 'pool', 40), vm('6.1.0-47-cloud-amd64', 'boot', 21_300)];
    const report = { ...runs[0]!, kernels: runs };
    const ko = renderVerifyComment(view, { kind: 'report', report });
    const lines = ko.split('\n').filter((l) => l.startsWith('러너:'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('VM (전체 에뮬레이션)');
    expect(lines[0]).toContain('⏱ 대기 중이던 게스트(pooled): 시작 0.0 s, 컴파일+부착 3.3 s, 실행 1.0 s');
    expect(lines[1]).toContain('⏱ 콜드 부팅(cold): 시작 21.3 s');
    const en = renderVerifyComment({ ...view, lang: 'en' }, { kind: 'report', report: vm('6.1', 'snapshot', 2_500) });
    expect(en).toContain('⏱ restored snapshot: start 2.5 s, compile+attach 3.3 s, run 1.0 s');
    // the host runner has no VM to start
    expect(renderVerifyComment(view, { kind: 'report', report: { runner: { ...runner, isolation: 'host' }, results: [] } })).not.toContain('⏱');
  });

  it('links each line with the path encoded', () => {
    const text = renderVerifyComment(view, { kind: 'report', report: { runner, results: [result(1, { status: 'ok', events: 2, endLine: 7 })] } });
    expect(text).toContain(`https://github.com/o/r/blob/${'a'.repeat(40)}/study/week1/%ED%99%8D%EA%B8%B8%EB%8F%99.md#L5-L7`);
  });

  it('neutralises table syntax, HTML and mentions in cells, and fences output safely', () => {
    expect(cell('a | b <img src=x> @team [x](y)\nz')).toBe('a \\| b &lt;img src=x&gt; @\u200bteam \\[x\\](y) ⏎ z');
    // A heading or a guest's message must not reference other issues or post live links.
    expect(cell('see #12, other/repo#3 and https://evil.example ~~gone~~')).toBe('see #\u200b12, other/repo#\u200b3 and https:/\u200b/evil.example \\~\\~gone\\~\\~');
    expect(fenced(['```', 'x'])).toBe('````text\n```\nx\n````');
  });
});
