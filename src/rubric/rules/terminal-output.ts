/**
 * ## terminal-output
 *
 * Week 4 and the BCC weeks show what came out of the terminal: at least `min` output blocks
 * (```text, ```console, ```output, a plain ``` fence without one-liners, or a `$ command`
 * followed by its output in a ```sh/```bash block), or, with `images` (the default),
 * screenshots. An image inside an HTML comment is not shown, so it does not count.
 *
 * Options: `min` (default 1), `images` (default true), `section` (where to point).
 *
 * @example
 *   {"name": "ok.md", "path": "study/week4/hgd.md"}
 *
 *   ```text
 *   Attaching 1 probe...
 *   @[nginx]: 1043
 *   ```
 *
 * @example
 *   {"name": "ok-session.md", "path": "study/week4/hgd.md"}
 *
 *   ```bash
 *   $ sudo bpftrace -e 'kprobe:tcp_sendmsg { @[comm] = sum(arg2); }'
 *   Attaching 1 probe...
 *   @[sshd]: 5120
 *   ```
 *
 * @example
 *   {"name": "not-ok.md", "path": "study/week4/hgd.md", "label": "input"}
 *
 *   # Week 4 - hgd
 *
 *   <!-- <img src="https://github.com/user-attachments/assets/example"> 스크린샷 예시 -->
 *
 *   ```bash
 *   sudo bpftrace -e 'kprobe:tcp_sendmsg { @[comm] = sum(arg2); }'
 *   ```
 *
 * @example
 *   {"name": "not-ok.md", "label": "output"}
 *
 *   1: error: 터미널 출력 0/1개 — 실행 결과를 ```text 코드 블록이나 스크린샷으로 붙여 주세요
 */
import type { Root } from 'mdast';
import { z } from 'zod';
import { evidencePoints, type EvidencePoint } from '../evidence-points.js';
import type { RubricRule } from '../types.js';

const options = z.strictObject({
  min: z.number().int().min(1).default(1),
  images: z.boolean().default(true),
  section: z.string().optional(),
});
type Options = z.infer<typeof options>;

const rule: RubricRule<Options> = {
  id: 'terminal-output',
  summary: {
    ko: '터미널 출력(```text 등 출력 블록이나 스크린샷)이 최소 개수 이상',
    en: 'at least the minimum number of terminal outputs (```text output blocks or screenshots)',
  },
  options,
  check(root: Root, ctx) {
    const { min, images, section } = ctx.options;
    const points = evidencePoints(root, ctx.oneLiners).filter((p) => images || p.kind === 'output');
    // A transcript's output lines are one output, not one per line.
    const blocks = countBlocks(root, points);
    if (blocks >= min) return;
    const where = ctx.sections.find((s) => s.spec.heading === section)?.heading;
    ctx.report({
      at: where?.node ?? 1,
      message: {
        ko: `터미널 출력 ${blocks}/${min}개 — 실행 결과를 \`\`\`text 코드 블록${images ? '이나 스크린샷' : ''}으로 붙여 주세요`,
        en: `terminal output: ${blocks}/${min}; paste the output in a \`\`\`text block${images ? ' or as a screenshot' : ''}`,
      },
    });
  },
};

/** Distinct top-level blocks holding the points: both lists are in line order, so one merge. */
function countBlocks(root: Root, points: readonly EvidencePoint[]): number {
  const seen = new Set<number>();
  let child = 0;
  for (const point of points) {
    while (child < root.children.length && (root.children[child]!.position?.end.line ?? 0) < point.line) child++;
    const start = root.children[child]?.position?.start.line;
    seen.add(start !== undefined && start <= point.line ? start : point.line);
  }
  return seen.size;
}

export default rule;
