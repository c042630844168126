/**
 * ## bcc-code
 *
 * The BCC weeks (5-6) bring kernel data to user space with BCC's Python front end: the notes
 * hold at least `min` ```python blocks that use bcc (`from bcc import BPF`, `import bcc`),
 * or link to such a `.py` file committed in the repository (e.g. in `project/{name}/`).
 *
 * Options: `min` (default 1), `section` (where to point).
 *
 * @example
 *   {"name": "ok.md", "path": "study/week5/hgd.md"}
 *
 *   ```python
 *   from bcc import BPF
 *   b = BPF(text='int kprobe__sys_clone(void *ctx) { bpf_trace_printk("clone\\n"); return 0; }')
 *   b.trace_print()
 *   ```
 *
 * @example
 *   {"name": "ok-link.md", "path": "study/week6/hgd.md", "tree": ["project/hgd/tcp_top.py"]}
 *
 *   코드는 [tcp_top.py](../../project/hgd/tcp_top.py)에 있습니다.
 *
 * @example
 *   {"name": "not-ok.md", "path": "study/week5/hgd.md", "label": "input"}
 *
 *   # Week 5 - hgd
 *
 *   ```python
 *   print("hello")
 *   ```
 *
 * @example
 *   {"name": "not-ok.md", "label": "output"}
 *
 *   1: error: BCC 파이썬 코드 0/1개 — ```python 블록에 `from bcc import BPF`를 쓰는 프로그램을 붙이거나, 저장소의 `.py` 파일을 링크해 주세요
 */
import type { Code, Root } from 'mdast';
import { visit } from 'unist-util-visit';
import { z } from 'zod';
import { collectReferences, existsInTree, resolveRepoPath } from '../references.js';
import type { RubricRule } from '../types.js';

const options = z.strictObject({ min: z.number().int().min(1).default(1), section: z.string().optional() });
type Options = z.infer<typeof options>;

const PYTHON = new Set(['python', 'python3', 'py', 'py3']);
const USES_BCC = /^[ \t]*(?:from\s+bcc(?:\.\w+)*\s+import\b|import\s+bcc\b)/mu;

const rule: RubricRule<Options> = {
  id: 'bcc-code',
  summary: {
    ko: 'BCC를 쓰는 파이썬 코드(```python 블록, 또는 저장소의 `.py` 파일 링크)',
    en: 'Python code that uses BCC (a ```python block, or a link to a `.py` file in the repository)',
  },
  options,
  check(root: Root, ctx) {
    const { min, section } = ctx.options;
    let count = 0;
    visit(root, 'code', (node: Code) => {
      if (PYTHON.has((node.lang ?? '').toLowerCase()) && USES_BCC.test(node.value)) count++;
    });
    for (const ref of collectReferences(root)) {
      if (ref.kind !== 'link') continue;
      const resolved = resolveRepoPath(ctx.path, ref.url);
      if (resolved.kind === 'path' && resolved.path.endsWith('.py') && existsInTree(ctx.tree, resolved.path, false)) count++;
    }
    if (count >= min) return;
    const where = ctx.sections.find((s) => s.spec.heading === section)?.heading;
    ctx.report({
      at: where?.node ?? 1,
      message: {
        ko: `BCC 파이썬 코드 ${count}/${min}개 — \`\`\`python 블록에 \`from bcc import BPF\`를 쓰는 프로그램을 붙이거나, 저장소의 \`.py\` 파일을 링크해 주세요`,
        en: `BCC Python code: ${count}/${min}; paste a \`\`\`python block using \`from bcc import BPF\`, or link a \`.py\` file in the repository`,
      },
    });
  },
};

export default rule;
