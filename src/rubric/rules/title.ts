/**
 * ## title
 *
 * The notes start with an H1 that names the week and the member: `# Week 1 - hgd`. The week
 * must agree with the folder, so notes copied from last week and not updated are caught, and
 * the name must be the member's own, so a copy of someone else's notes is caught.
 *
 * - the H1's week differs from the folder's (`# Week 4 - …` in `study/week5/`): error (the
 *   file cannot be counted for this week);
 * - the H1 names another member of the roster and not this one: error ("wrong name");
 * - no H1 at all: warning (the form differs; a title written as `##` names the fix);
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
 *   1: warning: 제목(H1)이 없습니다 — 맨 위에 `# Week 1 - hgd`을(를) 적어 주세요
 *
 * @example
 *   {"name": "wrong-name.md", "path": "study/week1/sora.md", "roster": [{"name": "minsu", "aliases": ["민수"]}], "label": "input"}
 *
 *   # Week 1 - 민수
 *
 * @example
 *   {"name": "wrong-name.md", "label": "output"}
 *
 *   1: error: 제목 `# Week 1 - 민수`의 이름이 다른 멤버(minsu)입니다 — 이 파일은 sora의 노트로 셉니다. 본인 노트라면 `# Week 1 - sora`로 고치고, minsu의 노트라면 `study/week1/minsu.md`에 두세요
 *
 * @example
 *   {"name": "no-name-not-wrong.md", "path": "study/week2/jiwoo.md", "roster": [{"name": "jw", "aliases": []}, {"name": "map", "aliases": []}], "label": "input"}
 *
 *   # Week 2: BPF maps와 JWT
 *
 * @example
 *   {"name": "no-name-not-wrong.md", "label": "output"}
 *
 *   1: warning: 제목 `# Week 2: BPF maps와 JWT`에 이름이 없습니다 — `# Week 2 - jiwoo` 형식으로 적어 주세요
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
import { mentionsMember, nameKey, namesMember } from '../member-name.js';
import type { RubricRule, RuleContext, RuleMember } from '../types.js';

/** `Week 3`, `week-03`, `WEEK_3`, `3주차`, `3 주차`; the first one in the title wins. */
const WEEK_IN_TITLE = /(?:week\s*(?:[-_.]\s*)?0*(\d{1,3})(?!\d))|(?:(?<!\d)0*(\d{1,3})\s*주\s*차)/iu;

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
        level: 'warning',
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
    const other = noName ? otherMemberNamed(title.text, ctx) : null;
    if (other && ctx.member) {
      const theirs = ctx.path.replace(/(?<![^/])[^/]+(\.[^./]+)$/u, `${other.name}$1`);
      ctx.report({
        at: title.node,
        message: {
          ko: `제목 \`${wrote}\`의 이름이 다른 멤버(${other.name})입니다 — 이 파일은 ${ctx.member.name}의 노트로 셉니다. 본인 노트라면 \`${expected}\`로 고치고, ${other.name}의 노트라면 \`${theirs}\`에 두세요`,
          en: `the title \`${wrote}\` names another member (${other.name}): this file counts as ${ctx.member.name}'s notes. If they are yours, make it \`${expected}\`; if they are ${other.name}'s, move them to \`${theirs}\``,
        },
      });
      if (!noWeek) return;
    }
    if (noWeek || (noName && !other)) {
      const what = noWeek && noName && !other ? { ko: '주차와 이름이', en: 'the week and the name' } : noWeek ? { ko: '주차가', en: 'the week' } : { ko: '이름이', en: 'the name' };
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

/** The roster member other than this one whose name the title carries, if any. */
function otherMemberNamed(text: string, ctx: RuleContext): RuleMember | null {
  const self = ctx.member ? nameKey(ctx.member.name) : null;
  return ctx.roster.find((m) => nameKey(m.name) !== self && namesMember(text, m)) ?? null;
}

/** Where a missing title belongs: the first line after any front matter. */
function firstContentLine(root: Root): number {
  const first = root.children.find((n) => n.type !== 'yaml' && (n.type as string) !== 'toml' && n.type !== 'html');
  return first?.position?.start.line ?? 1;
}

export default rule;
