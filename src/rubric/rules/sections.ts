/**
 * ## sections
 *
 * The week's sections (the rubric's `sections`, the template's `##` headings) are all there,
 * in the template's order. Headings are matched forgivingly: case, spacing, emoji,
 * punctuation and numbering (`## 1. 환경 설정 🛠`) are ignored, English names and other
 * aliases count (`## Environment`, `## What I learned`), and a heading that contains the
 * name counts too (`## 학습 내용 정리`).
 *
 * - a section that is missing: error, naming the section and its place in the template
 *   (the title is the template's 1st heading, so week 1's `## 학습 내용` is the 4th);
 * - a near miss (`## bpftrce 실습`, a few letters off): warning naming the expected heading;
 * - a section written at another level (`### 학습 내용`): warning;
 * - sections out of the template's order: warning on the section that comes too early.
 *
 * With `suggested: true` (weeks 2-8, whose headings the study never fixed) the rule only
 * notes, once, which of the template's headings are not used: `info`, never a warning.
 *
 * Options: `suggested` (default false). The sections themselves are the rubric's top-level
 * `sections`.
 *
 * @example
 *   {"name": "ok.md", "path": "study/week1/hgd.md"}
 *
 *   # Week 1 - hgd
 *
 *   ## 1. 환경 설정 🛠️
 *
 *   ## bpftrace Practice
 *
 *   ## 학습 내용 정리
 *
 * @example
 *   {"name": "suggested.md", "path": "study/week2/hgd.md", "options": {"suggested": true}, "label": "input"}
 *
 *   # Week 2 - hgd
 *
 *   ## 2. 맵 종류
 *
 *   ## CO-RE와 BTF
 *
 * @example
 *   {"name": "suggested.md", "label": "output"}
 *
 *   1: info: 템플릿의 제목 `## BPF 맵`, `## BPF 프로그램 구조 분석`, `## 학습 내용`이 없습니다 — 제안일 뿐 판정에는 영향이 없습니다 (이 제목들 아래 정리하면 읽는 사람이 찾기 쉽습니다)
 *
 * @example
 *   {"name": "typo.md", "path": "study/week1/hgd.md", "label": "input"}
 *
 *   # Week 1 - hgd
 *
 *   ## 환경 설정
 *
 *   ## bpftrce 실습
 *
 *   ## 학습 내용
 *
 * @example
 *   {"name": "typo.md", "label": "output"}
 *
 *   5: warning: `## bpftrce 실습` → `## bpftrace 실습`을 의도하셨나요?
 *
 * @example
 *   {"name": "missing.md", "path": "study/week1/hgd.md", "label": "input"}
 *
 *   # Week 1 - hgd
 *
 *   ## 환경 설정
 *
 *   ## bpftrace 실습
 *
 * @example
 *   {"name": "missing.md", "label": "output"}
 *
 *   5: error: `## 학습 내용` 섹션이 없습니다 — 템플릿의 4번째 섹션
 *
 * @example
 *   {"name": "order.md", "path": "study/week1/hgd.md", "label": "input"}
 *
 *   # Week 1 - hgd
 *
 *   ## bpftrace 실습
 *
 *   ## 환경 설정
 *
 *   ### 학습 내용
 *
 * @example
 *   {"name": "order.md", "label": "output"}
 *
 *   3: warning: `## bpftrace 실습`의 순서가 템플릿과 다릅니다 — 순서: 환경 설정 → bpftrace 실습 → 학습 내용
 *   7: warning: `### 학습 내용`은 `##` 제목이어야 합니다 — `## 학습 내용`
 */
import type { Root } from 'mdast';
import { z } from 'zod';
import { code, particle } from '../korean-particles.js';
import type { RubricRule, RuleContext } from '../types.js';

const rule: RubricRule<{ suggested: boolean }> = {
  id: 'sections',
  summary: {
    ko: '템플릿의 `##` 섹션이 모두, 순서대로 (오타·영문 이름·번호는 너그럽게 인정)',
    en: "all of the template's `##` sections, in order (typos, English names and numbering forgiven)",
  },
  options: z.strictObject({ suggested: z.boolean().default(false) }),
  check(_root: Root, ctx) {
    const order = ctx.sections.map((s) => s.spec.heading).join(' → ');
    if (ctx.options.suggested) {
      suggestHeadings(ctx);
      return;
    }
    let latest = 0;
    ctx.sections.forEach((match, i) => {
      const expected = `## ${match.spec.heading}`;
      const heading = match.heading;
      if (!heading) {
        // Point where it belongs: at the next section that is present, else at the end.
        const next = ctx.sections.slice(i + 1).find((m) => m.heading)?.heading;
        ctx.report({
          at: next ? next.line : ctx.lines.lastContentLine(),
          message: {
            ko: `\`${expected}\` 섹션이 없습니다 — 템플릿의 ${match.position}번째 섹션`,
            en: `section \`${expected}\` is missing (the template's heading #${match.position})`,
          },
        });
        return;
      }
      const wrote = `${'#'.repeat(heading.depth)} ${heading.text}`;
      if (match.how === 'near') {
        ctx.report({
          at: heading.node,
          level: 'warning',
          message: {
            ko: `\`${wrote}\` → ${code(expected, '을/를')} 의도하셨나요?`,
            en: `\`${wrote}\`: did you mean \`${expected}\`?`,
          },
        });
      } else if (heading.depth !== 2) {
        ctx.report({
          at: heading.node,
          level: 'warning',
          message: {
            ko: `${code(wrote, '은/는')} \`##\` 제목이어야 합니다 — \`${expected}\``,
            en: `\`${wrote}\` should be a \`##\` heading: \`${expected}\``,
          },
        });
      }
      if (heading.line < latest) {
        ctx.report({
          at: heading.node,
          level: 'warning',
          message: {
            ko: `\`${wrote}\`의 순서가 템플릿과 다릅니다 — 순서: ${order}`,
            en: `\`${wrote}\` is out of the template's order: ${order}`,
          },
        });
      }
      latest = Math.max(latest, heading.line);
    });
  },
};

/**
 * Weeks 2-8 name a topic, not a form: their template headings are suggestions. One note
 * names the headings the template would add, in its order; never more than a note (`info`).
 */
function suggestHeadings(ctx: RuleContext<{ suggested: boolean }>): void {
  const missing = ctx.sections.filter((m) => !m.heading).map((m) => `\`## ${m.spec.heading}\``);
  if (missing.length === 0) return;
  ctx.report({
    at: ctx.outline.headings.find((h) => h.depth === 1)?.node ?? 1,
    level: 'info',
    message: {
      ko: `템플릿의 제목 ${missing.join(', ')}${particle(missing[missing.length - 1]!, '이/가')} 없습니다 — 제안일 뿐 판정에는 영향이 없습니다 (이 제목들 아래 정리하면 읽는 사람이 찾기 쉽습니다)`,
      en: `the template's headings ${missing.join(', ')} are not used: only a suggestion that does not change the verdict (they help readers find things)`,
    },
  });
}

export default rule;
