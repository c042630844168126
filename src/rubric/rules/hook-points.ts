/**
 * ## hook-points
 *
 * Week 3's survey names the hook points it looked at, as bpftrace writes them:
 * `tracepoint:syscalls:sys_enter_openat`, `kprobe:tcp_connect`, `kretprobe:…`,
 * `uprobe:/bin/bash:readline`, `fentry:…`, `rawtracepoint:…`, `usdt:…`, `lsm:…` — in text,
 * inline code or code blocks. BCC spellings count too: `attach_kprobe(event="tcp_connect")`,
 * `TRACEPOINT_PROBE(sched, sched_switch)`. Each distinct hook point counts once. HTML comments
 * do not count: the template's `<!-- … tracepoint:syscalls:sys_enter_openat, kprobe:tcp_connect -->`
 * is the form's example, not the member's survey.
 *
 * Options: `min` (default 1), `section` (where to point when there are too few).
 *
 * @example
 *   {"name": "ok.md", "path": "study/week3/hgd.md", "options": {"min": 2}}
 *
 *   - `tracepoint:syscalls:sys_enter_openat`: 파일 열기
 *   - kprobe:tcp_connect 는 TCP 연결 시도
 *
 * @example
 *   {"name": "not-ok.md", "path": "study/week3/hgd.md", "label": "input"}
 *
 *   # Week 3 - hgd
 *
 *   tracepoint와 kprobe의 차이를 정리했다.
 *
 * @example
 *   {"name": "not-ok.md", "label": "output"}
 *
 *   1: error: 훅 포인트 0/1개 — 조사한 훅 포인트를 `tracepoint:syscalls:sys_enter_openat`, `kprobe:tcp_connect`처럼 이름으로 적어 주세요
 *
 * @example
 *   {"name": "only-template-comment.md", "path": "study/week3/hgd.md", "label": "input"}
 *
 *   ## 조사한 훅 포인트
 *
 *   <!-- 관심 있는 훅 포인트를 bpftrace 이름 그대로 적으세요: tracepoint:syscalls:sys_enter_openat, kprobe:tcp_connect … -->
 *   ### 1. 아직 못 정함 <!-- kprobe:do_sys_openat2 -->
 *
 *   - 무엇을 알 수 있나: <!--
 *     uprobe:/bin/bash:readline
 *   -->
 *
 * @example
 *   {"name": "only-template-comment.md", "label": "output"}
 *
 *   1: error: 훅 포인트 0/1개 — 조사한 훅 포인트를 `tracepoint:syscalls:sys_enter_openat`, `kprobe:tcp_connect`처럼 이름으로 적어 주세요
 */
import type { Root } from 'mdast';
import { z } from 'zod';
import type { RubricRule } from '../types.js';

const options = z.strictObject({ min: z.number().int().min(1).default(1), section: z.string().optional() });
type Options = z.infer<typeof options>;

const PROBE =
  /\b(tracepoint|kprobe|kretprobe|uprobe|uretprobe|usdt|fentry|fexit|kfunc|kretfunc|rawtracepoint|raw_tracepoint|lsm):([\w./*+-]+(?::[\w./*+-]+)*)/giu;
const BCC_ATTACH = /\battach_(kprobe|kretprobe|tracepoint|raw_tracepoint|uprobe|uretprobe)\s*\([^)]*?\b(?:event|tp|fn_name|sym)\s*=\s*["']([^"']+)["']/giu;
const BCC_MACRO = /\b(TRACEPOINT_PROBE|RAW_TRACEPOINT_PROBE|KFUNC_PROBE|KRETFUNC_PROBE|LSM_PROBE)\s*\(\s*(\w+)(?:\s*,\s*(\w+))?/gu;

/** Hook points named in a text, normalized (`kprobe:tcp_connect`), in order of appearance. */
export function hookPointsIn(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(PROBE)) found.push(`${m[1]!.toLowerCase()}:${m[2]}`);
  for (const m of text.matchAll(BCC_ATTACH)) found.push(`${m[1]!.toLowerCase()}:${m[2]}`);
  for (const m of text.matchAll(BCC_MACRO)) {
    const kind = m[1]!.toLowerCase().replace(/_probe$/u, '').replace('raw_tracepoint', 'rawtracepoint');
    found.push(m[3] ? `${kind}:${m[2]}:${m[3]}` : `${kind}:${m[2]}`);
  }
  return found;
}

const rule: RubricRule<Options> = {
  id: 'hook-points',
  summary: {
    ko: '조사한 훅 포인트를 이름으로 (예: `tracepoint:syscalls:sys_enter_openat`, `kprobe:tcp_connect`)',
    en: 'names the hook points surveyed (e.g. `tracepoint:syscalls:sys_enter_openat`, `kprobe:tcp_connect`)',
  },
  options,
  check(_root: Root, ctx) {
    const { min, section } = ctx.options;
    const distinct = new Set(hookPointsIn(ctx.visibleText).filter((h) => !/^\w+:\*?$/u.test(h)));
    if (distinct.size >= min) return;
    const where = ctx.sections.find((s) => s.spec.heading === section)?.heading;
    ctx.report({
      at: where?.node ?? 1,
      message: {
        ko: `훅 포인트 ${distinct.size}/${min}개 — 조사한 훅 포인트를 \`tracepoint:syscalls:sys_enter_openat\`, \`kprobe:tcp_connect\`처럼 이름으로 적어 주세요`,
        en: `hook points: ${distinct.size}/${min}; name the ones you surveyed, like \`tracepoint:syscalls:sys_enter_openat\` or \`kprobe:tcp_connect\``,
      },
    });
  },
};

export default rule;
