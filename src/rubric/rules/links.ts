/**
 * ## links
 *
 * Relative links and images point at files that exist in the repository at the checked
 * revision: markdown links and images, reference definitions, and raw HTML
 * (`<img src>`, `<a href>`, `<source src>`). Paths resolve like GitHub does: relative to the
 * file's folder (`/x` from the repository root), `#anchor` and `?query` dropped,
 * percent-decoded, NFC-normalized (Hangul file names committed from macOS match). A link to a
 * folder (`../../project/hgd/`) needs some file inside it. Absolute URLs
 * (`https://github.com/user-attachments/…`) are not checked.
 *
 * Options: none.
 *
 * @example
 *   {"name": "ok.md", "path": "study/week1/hgd.md", "tree": ["study/week1/hgd_md/practice_1.png", "study/week1/홍길동 사진.png", "project/hgd/README.md"]}
 *
 *   ![결과](hgd_md/practice_1.png)
 *
 *   <img width="600" src="./%ED%99%8D%EA%B8%B8%EB%8F%99%20%EC%82%AC%EC%A7%84.png">
 *
 *   [프로젝트](../../project/hgd/#readme) · ![외부](https://github.com/user-attachments/assets/x)
 *
 * @example
 *   {"name": "missing.md", "path": "study/week1/hgd.md", "tree": ["study/week1/hgd_md/Practice_4.PNG"], "label": "input"}
 *
 *   # Week 1 - hgd
 *
 *   ![실습 4](hgd_md/practice_4.png)
 *
 *   <p><img src="hgd_md/practice_5.png" width="500"></p>
 *
 *   [다음 주](../week2/hgd.md)
 *
 * @example
 *   {"name": "missing.md", "label": "output"}
 *
 *   3: error: 이미지 `hgd_md/practice_4.png`가 저장소에 없습니다 — 대소문자가 다른 `study/week1/hgd_md/Practice_4.PNG`가 있습니다 (GitHub는 대소문자를 구분합니다)
 *   5: error: 이미지 `hgd_md/practice_5.png`가 저장소에 없습니다 — `study/week1/hgd_md/practice_5.png` 파일을 함께 커밋했는지 확인해 주세요
 *   7: error: 링크 `../week2/hgd.md`가 저장소에 없습니다 — `study/week2/hgd.md` 파일을 함께 커밋했는지 확인해 주세요
 */
import type { Root } from 'mdast';
import { z } from 'zod';
import { caseVariant, collectReferences, existsInTree, resolveRepoPath } from '../references.js';
import type { RubricRule } from '../types.js';

const rule: RubricRule<Record<string, never>> = {
  id: 'links',
  summary: {
    ko: '상대 경로 링크와 이미지(`<img src>` 포함)가 저장소에 있는 파일을 가리킴',
    en: 'relative links and images (`<img src>` included) point at files in the repository',
  },
  options: z.strictObject({}),
  check(root: Root, ctx) {
    const seen = new Set<string>();
    for (const ref of collectReferences(root)) {
      const resolved = resolveRepoPath(ctx.path, ref.url);
      const what = ref.kind === 'image' ? { ko: '이미지', en: 'image' } : { ko: '링크', en: 'link' };
      const shown = ref.url.trim();
      const key = `${ref.line}\0${shown}`;
      if (seen.has(key)) continue; // `[x][ref]` used twice on one line: one finding is enough
      seen.add(key);
      if (resolved.kind === 'outside') {
        ctx.report({
          at: ref.line,
          message: {
            ko: `${what.ko} \`${shown}\`가 저장소 밖을 가리킵니다 — 저장소 안의 상대 경로로 적어 주세요`,
            en: `${what.en} \`${shown}\` points outside the repository: use a path inside it`,
          },
        });
        continue;
      }
      if (resolved.kind !== 'path' || existsInTree(ctx.tree, resolved.path, resolved.directory)) continue;
      const variant = caseVariant(ctx.tree, resolved.path);
      ctx.report({
        at: ref.line,
        message: variant
          ? {
              ko: `${what.ko} \`${shown}\`가 저장소에 없습니다 — 대소문자가 다른 \`${variant}\`가 있습니다 (GitHub는 대소문자를 구분합니다)`,
              en: `${what.en} \`${shown}\` is not in the repository; \`${variant}\` differs only in case (GitHub is case-sensitive)`,
            }
          : {
              ko: `${what.ko} \`${shown}\`가 저장소에 없습니다 — \`${resolved.path}${resolved.directory ? '/' : ''}\` 파일을 함께 커밋했는지 확인해 주세요`,
              en: `${what.en} \`${shown}\` is not in the repository: commit \`${resolved.path}${resolved.directory ? '/' : ''}\` too`,
            },
      });
    }
  },
};

export default rule;
