/**
 * ## evidence
 *
 * Every counted one-liner is followed by its captured result before the next one-liner
 * (and before the next `#`/`##` section): an image (`![](…)`, `<img src>`), or an output
 * block — a ```text/```console/```output fence, a plain ``` fence with no one-liner in it,
 * or the output lines of a terminal transcript after the `$ command`, in a ```console block
 * or pasted as is into a ```sh/```bash/plain ``` block. The form's
 * `[실행 결과 스크린샷]` placeholder is not a result (the `placeholders` rule reports it).
 *
 * Options: `kinds` (default `[bpftrace]`, as in `oneliner-count`).
 *
 * @example
 *   {"name": "ok.md", "path": "study/week1/hgd.md", "tree": ["study/week1/hgd_md/1.png"]}
 *
 *   ### 1. Hello
 *
 *   ```bash
 *   sudo bpftrace -e 'BEGIN { printf("hi\n"); exit(); }'
 *   ```
 *
 *   ![결과](hgd_md/1.png)
 *
 *   ### 2. 시스템 콜 카운트
 *
 *   ```console
 *   $ sudo bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'
 *   Attaching 1 probe...
 *   @[bash]: 12
 *   ```
 *
 *   ### 3. fork
 *
 *   ```bash
 *   sudo bpftrace -e 'tracepoint:sched:sched_process_fork { printf("%d\n", pid); }'
 *   ```
 *
 *   ```
 *   Attaching 1 probe...
 *   4242
 *   ```
 *
 *   ### 4. 명령과 출력을 한 블록에
 *
 *   ```sh
 *   $ sudo bpftrace -e 'tracepoint:syscalls:sys_enter_execve { @[comm] = count(); }'
 *   Attaching 1 probe...
 *   ^C
 *
 *   @[bash]: 3
 *   ```
 *
 *   ### 5. 프롬프트가 있는 plain 블록
 *
 *   ```
 *   ubuntu@vm:~$ sudo bpftrace -e 'kprobe:do_nanosleep { @ = count(); }'
 *   Attaching 1 probe...
 *   @: 12
 *   ```
 *
 * @example
 *   {"name": "not-ok.md", "path": "study/week1/hgd.md", "label": "input"}
 *
 *   ### 1. Hello
 *
 *   ```bash
 *   sudo bpftrace -e 'BEGIN { printf("hi\n"); exit(); }'
 *   ```
 *
 *   [실행 결과 스크린샷]
 *
 *   ### 2. openat
 *
 *   ```bash
 *   sudo bpftrace -e 'tracepoint:syscalls:sys_enter_openat { printf("%s\n", comm); }'
 *   ```
 *
 *   <img src="https://github.com/user-attachments/assets/0f6c">
 *
 *   ### 3. 프롬프트만
 *
 *   ```bash
 *   $ sudo bpftrace -e 'kprobe:tcp_connect { @ = count(); }'
 *   ```
 *
 *   <!-- <img src="hgd_md/3.png"> 스크린샷은 여기에 -->
 *
 *   ## 학습 내용
 *
 * @example
 *   {"name": "not-ok.md", "label": "output"}
 *
 *   4: error: `### 1. Hello`의 one-liner(4행)에 실행 결과가 없습니다 — 바로 아래, 다음 one-liner 전에 스크린샷 이미지나 출력 블록(```text)을 붙여 주세요
 *   20: error: `### 3. 프롬프트만`의 one-liner(20행)에 실행 결과가 없습니다 — 바로 아래, 다음 one-liner 전에 스크린샷 이미지나 출력 블록(```text)을 붙여 주세요
 */
import type { Root } from 'mdast';
import { z } from 'zod';
import { evidencePoints, firstAfter } from '../evidence-points.js';
import { countedOneLiners } from './oneliner-count.js';
import type { RubricRule } from '../types.js';

const options = z.strictObject({
  kinds: z.array(z.enum(['bpftrace', 'bpftrace-list', 'bcc-tool'])).min(1).default(['bpftrace']),
});
type Options = z.infer<typeof options>;

const rule: RubricRule<Options> = {
  id: 'evidence',
  summary: {
    ko: 'one-liner마다 다음 one-liner 전에 실행 결과(스크린샷 이미지나 출력 블록)',
    en: 'each one-liner is followed, before the next one, by its result (a screenshot or an output block)',
  },
  options,
  check(root: Root, ctx) {
    const counted = countedOneLiners(ctx.oneLiners, ctx.options.kinds);
    // Duplicates still need their own result only once: the first occurrence is the one counted.
    const all = ctx.oneLiners.filter((o) => ctx.options.kinds.includes(o.kind)).sort((a, b) => a.line - b.line);
    if (!counted.length) return;
    const points = evidencePoints(root, ctx.oneLiners);
    const sectionBreaks = ctx.outline.headings.filter((h) => h.depth <= 2).map((h) => h.line);
    for (const oneLiner of counted) {
      const next = all[firstAfter(all, oneLiner.endLine, (o) => o.line)]?.line ?? Infinity;
      const breakLine = sectionBreaks[firstAfter(sectionBreaks, oneLiner.endLine, (l) => l)] ?? Infinity;
      const limit = Math.min(next, breakLine);
      const point = points[firstAfter(points, oneLiner.endLine, (p) => p.line)];
      if (point && point.line < limit) continue;
      const where = oneLiner.heading
        ? { ko: `\`### ${oneLiner.heading}\`의 one-liner(${oneLiner.line}행)`, en: `the one-liner under \`### ${oneLiner.heading}\` (line ${oneLiner.line})` }
        : { ko: `${oneLiner.line}행의 one-liner`, en: `the one-liner on line ${oneLiner.line}` };
      ctx.report({
        at: oneLiner.line,
        message: {
          ko: `${where.ko}에 실행 결과가 없습니다 — 바로 아래, 다음 one-liner 전에 스크린샷 이미지나 출력 블록(\`\`\`text)을 붙여 주세요`,
          en: `${where.en} has no result: add a screenshot or an output block (\`\`\`text) below it, before the next one-liner`,
        },
      });
    }
  },
};

export default rule;
