/**
 * ## title
 *
 * The notes start with an H1 that names the week and the member: `# Week 1 - hgd`. The week
 * must agree with the folder, so notes copied from last week and not updated are caught.
 *
 * - no H1 at all: error (a title written as `##` is a warning that names the fix);
 * - the H1's week differs from the folder's (`# Week 4 - …` in `study/week5/`): error;
 * - the H1 has no week or no name (`# Week1`): warning. The week is read from `Week 3`,
 *   `week03`, `3주차`; the name matches the member's name or any alias, NFC-normalized and
 *   case-insensitive. With no known member (no roster entry) only the week is checked.
 *
 * Options: none.
 *
 * @example
 *   {"name": "ok.md", "path": "study/week1/hgd.md", "aliases": ["홍길동"]}
 *
 *   # Week 1 - 홍길동
 *
 * @example
 *   {"name": "ok-korean-week.md", "path": "study/week3/jiwoo.md"}
 *
 *   # 3주차 정리 (Jiwoo)
 *
 * @example
 *   {"name": "wrong-week.md", "path": "study/week5/hgd.md", "label": "input"}
 *
 *   # Week 4 - hgd
 *
 * @example
 *   {"name": "wrong-week.md", "label": "output"}
 *
 *   1: error: 제목의 주차(4주차)가 폴더(study/week5/)와 다릅니다 — `# Week 5 - hgd`처럼 고쳐 주세요
 *
 * @example
 *   {"name": "no-name.md", "path": "study/week1/hgd.md", "label": "input"}
 *
 *   # Week1
 *
 * @example
 *   {"name": "no-name.md", "label": "output"}
 *
 *   1: warning: 제목 `# Week1`에 이름이 없습니다 — `# Week 1 - hgd` 형식으로 적어 주세요
 *
 * @example
 *   {"name": "missing.md", "path": "study/week1/hgd.md", "label": "input"}
 *
 *   ## 환경 설정
 *
 * @example
 *   {"name": "missing.md", "label": "output"}
 *
 *   1: error: 제목(H1)이 없습니다 — 맨 위에 `# Week 1 - hgd`을(를) 적어 주세요
 *
 * @example
 *   {"name": "h2-title.md", "path": "study/week2/hgd.md", "label": "input"}
 *
 *   ## Week 2 - hgd
 *
 * @example
 *   {"name": "h2-title.md", "label": "output"}
 *
 *   1: warning: 제목 `## Week 2 - hgd`은(는) H1이어야 합니다 — `#` 하나로 시작하는 `# Week 2 - hgd`
 */
import type { Root } from 'mdast';
import { z } from 'zod';
import { code } from '../korean-particles.js';
import { mentionsMember } from '../member-name.js';
import type { RubricRule } from '../types.js';

/** `Week 3`, `week-03`, `WEEK_3`, `3주차`, `3 주차`; the first one in the title wins. */
const WEEK_IN_TITLE = /(?:week\s*[-_.]?\s*0*(\d{1,3})(?!\d))|(?:(?<!\d)0*(\d{1,3})\s*주\s*차)/iu;

export function weekOfTitle(text: string): number | null {
  const m = WEEK_IN_TITLE.exec(text.normalize('NFKC'));
  return m ? Number(m[1] ?? m[2]) : null;
}

const rule: RubricRule<Record<string, never>> = {
  id: 'title',
  summary: {
    ko: '첫 H1 제목에 주차와 이름(`# Week N - 이름`); 주차는 폴더와 같아야 함',
    en: 'an H1 title with the week and the name (`# Week N - name`); the week matches the folder',
  },
  options: z.strictObject({}),
  check(_root: Root, ctx) {
    const expected = `# Week ${ctx.week} - ${ctx.member?.name ?? '{이름}'}`;
    const title = ctx.outline.headings.find((h) => h.depth === 1);
    if (!title) {
      // A title demoted to `##`/`###` before any section: say so instead of "missing".
      const firstSection = Math.min(...ctx.sections.map((s) => s.heading?.index ?? Infinity));
      const demoted = ctx.outline.headings.find(
        (h) => h.index < firstSection && (weekOfTitle(h.text) !== null || (ctx.member && mentionsMember(h.text, ctx.member))),
      );
      if (demoted) {
        const wrote = `${'#'.repeat(demoted.depth)} ${demoted.text}`;
        ctx.report({
          at: demoted.node,
          level: 'warning',
          message: {
            ko: `제목 ${code(wrote, '은/는')} H1이어야 합니다 — \`#\` 하나로 시작하는 \`${expected}\``,
            en: `the title \`${wrote}\` must be an H1: \`${expected}\`, with a single \`#\``,
          },
        });
        return;
      }
      ctx.report({
        at: firstContentLine(_root),
        message: {
          ko: `제목(H1)이 없습니다 — 맨 위에 ${code(expected, '을/를')} 적어 주세요`,
          en: `no title (H1): start the notes with \`${expected}\``,
        },
      });
      return;
    }

    const wrote = `# ${title.text}`;
    const week = weekOfTitle(title.text);
    if (week !== null && week !== ctx.week) {
      ctx.report({
        at: title.node,
        message: {
          ko: `제목의 주차(${week}주차)가 폴더(study/week${ctx.week}/)와 다릅니다 — \`${expected}\`처럼 고쳐 주세요`,
          en: `the title says week ${week} but the file is in study/week${ctx.week}/: make it \`${expected}\``,
        },
      });
    }
    const noWeek = week === null;
    const noName = ctx.member !== null && !mentionsMember(title.text, ctx.member);
    if (noWeek || noName) {
      const what = noWeek && noName ? { ko: '주차와 이름이', en: 'the week and the name' } : noWeek ? { ko: '주차가', en: 'the week' } : { ko: '이름이', en: 'the name' };
      ctx.report({
        at: title.node,
        level: 'warning',
        message: {
          ko: `제목 \`${wrote}\`에 ${what.ko} 없습니다 — \`${expected}\` 형식으로 적어 주세요`,
          en: `the title \`${wrote}\` lacks ${what.en}: write it as \`${expected}\``,
        },
      });
    }
  },
};

/** Where a missing title belongs: the first line after any front matter. */
function firstContentLine(root: Root): number {
  const first = root.children.find((n) => n.type !== 'yaml' && (n.type as string) !== 'toml' && n.type !== 'html');
  return first?.position?.start.line ?? 1;
}

export default rule;
