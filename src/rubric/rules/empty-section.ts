/**
 * ## empty-section
 *
 * Each of the week's sections that is present has some content: text, a list, a code block,
 * an image, a sub-heading. HTML comments (the template's `<!-- 안내 -->` notes) and blank
 * lines do not count. A missing section is the `sections` rule's finding, not this one's.
 *
 * Options: none.
 *
 * @example
 *   {"name": "ok.md", "path": "study/week1/hgd.md"}
 *
 *   ## 환경 설정
 *
 *   - OS: Ubuntu 24.04
 *
 *   ## bpftrace 실습
 *
 *   ### 1. Hello
 *
 *   ## 학습 내용
 *
 *   verifier는 프로그램이 안전한지 검사한다.
 *
 * @example
 *   {"name": "not-ok.md", "path": "study/week1/hgd.md", "label": "input"}
 *
 *   ## 환경 설정
 *
 *   <!-- OS, Kernel, 설치 도구를 적으세요 -->
 *
 *   ## bpftrace 실습
 *
 *   ## 학습 내용
 *
 * @example
 *   {"name": "not-ok.md", "label": "output"}
 *
 *   1: warning: `## 환경 설정` 섹션이 비어 있습니다 — 내용을 적어 주세요
 *   5: warning: `## bpftrace 실습` 섹션이 비어 있습니다 — 내용을 적어 주세요
 *   7: warning: `## 학습 내용` 섹션이 비어 있습니다 — 내용을 적어 주세요
 */
import type { Html, Root, RootContent } from 'mdast';
import { z } from 'zod';
import { sectionContent } from '../../markdown/outline.js';
import type { RubricRule } from '../types.js';

const rule: RubricRule<Record<string, never>> = {
  id: 'empty-section',
  summary: {
    ko: '섹션마다 내용이 있음 (HTML 주석만 있으면 빈 섹션)',
    en: 'every section has content (HTML comments alone do not count)',
  },
  options: z.strictObject({}),
  check(_root: Root, ctx) {
    for (const match of ctx.sections) {
      const heading = match.heading;
      if (!heading) continue;
      if (sectionContent(ctx.outline, heading).some(hasContent)) continue;
      const wrote = `${'#'.repeat(heading.depth)} ${heading.text}`;
      ctx.report({
        at: heading.node,
        level: 'warning',
        message: {
          ko: `\`${wrote}\` 섹션이 비어 있습니다 — 내용을 적어 주세요`,
          en: `section \`${wrote}\` is empty: write its content`,
        },
      });
    }
  },
};

function hasContent(node: RootContent): boolean {
  if (node.type === 'html') return (node as Html).value.replace(/<!--[\s\S]*?(-->|$)/gu, '').trim() !== '';
  if (node.type === 'definition') return false;
  return true;
}

export default rule;
