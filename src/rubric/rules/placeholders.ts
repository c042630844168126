/**
 * ## placeholders
 *
 * Nothing of the form is left unfilled: the template's placeholders (`{이름}`, `{OS}`,
 * `{Kernel}`, `{도구}`, and any `{한글}` in braces), its prompts (`[실행 결과 스크린샷]`,
 * `(여기에 작성)` and the week's other `phrases`), and `TODO`/`FIXME` markers.
 *
 * Placeholders and prompts are errors; `TODO` is a warning (a note to oneself, not a
 * template leftover). Code blocks are skipped except for the week's `phrases` (a template
 * block's `# 여기에 one-liner를 붙여 넣으세요` comment), since `{…}` is bpftrace syntax. HTML
 * comments are skipped: an `<!-- 안내 -->` is invisible on GitHub and may quote the form.
 *
 * Options: `phrases` (template text that must not survive), `todo` (default true).
 *
 * @example
 *   {"name": "ok.md", "path": "study/week1/hgd.md"}
 *
 *   # Week 1 - hgd
 *
 *   ```bash
 *   sudo bpftrace -e 'tracepoint:syscalls:sys_enter_openat { printf("{이름} %s\n", comm); }'
 *   ```
 *
 *   ![실행 결과 스크린샷](https://github.com/user-attachments/assets/1)
 *
 *   <!-- 양식 안내: {이름} 자리에 이름을, (여기에 작성) 자리에 내용을 적으세요 -->
 *
 * @example
 *   {"name": "not-ok.md", "path": "study/week1/hgd.md", "label": "input"}
 *
 *   # Week 1 - {이름}
 *
 *   - OS: {OS}
 *
 *   [실행 결과 스크린샷]
 *
 *   - (여기에 작성) TODO: verifier 정리
 *
 *   ```bash
 *   # 실행한 one-liner를 여기에 붙여 넣으세요
 *   ```
 *
 * @example
 *   {"name": "not-ok.md", "label": "output"}
 *
 *   1: error: 템플릿의 자리표시자 `{이름}`이 그대로 남아 있습니다 — 본인의 이름으로 바꿔 주세요
 *   3: error: 템플릿의 자리표시자 `{OS}`이(가) 그대로 남아 있습니다 — 본인 VM의 값으로 바꿔 주세요
 *   5: error: 템플릿 문구 `[실행 결과 스크린샷]`이 그대로 남아 있습니다 — 실제 스크린샷 이미지나 출력 블록으로 바꿔 주세요
 *   7: error: 템플릿 문구 `(여기에 작성)`이 그대로 남아 있습니다 — 본인의 내용으로 바꿔 주세요
 *   7: warning: `TODO`이(가) 남아 있습니다 — 마무리하지 않은 부분인지 확인해 주세요
 *   10: error: 템플릿 문구 `# 실행한 one-liner를 여기에 붙여 넣으세요`가 그대로 남아 있습니다 — 본인의 내용으로 바꿔 주세요
 */
import type { Code, Root } from 'mdast';
import { visit } from 'unist-util-visit';
import { z } from 'zod';
import { code } from '../korean-particles.js';
import { PLACEHOLDERS } from '../templates.js';
import type { RubricRule } from '../types.js';

const options = z.strictObject({
  phrases: z.array(z.string().min(1)).default(['[실행 결과 스크린샷]', '(여기에 작성)']),
  todo: z.boolean().default(true),
});
type Options = z.infer<typeof options>;

const KNOWN = new Set<string>(Object.values(PLACEHOLDERS));
// `{이름}`, `{프로젝트 이름}`: Hangul in braces is never bpftrace or markdown syntax.
const BRACED = /\{(?:[A-Za-z]+|[\p{Script=Hangul}][\p{Script=Hangul}\s]{0,15})\}/gu;
const TODO = /\b(?:TODO|FIXME|TBD)\b/gu;

const rule: RubricRule<Options> = {
  id: 'placeholders',
  summary: {
    ko: '템플릿의 자리표시자(`{이름}`, `[실행 결과 스크린샷]`, `(여기에 작성)` 등)와 TODO가 남아 있지 않음',
    en: "no placeholders left from the template (`{이름}`, `[실행 결과 스크린샷]`, `(여기에 작성)`, …) and no TODO",
  },
  options,
  check(root: Root, ctx) {
    const { phrases, todo } = ctx.options;
    const codeLines = new Set<number>();
    visit(root, 'code', (node: Code) => {
      const p = node.position;
      if (p) for (let l = p.start.line; l <= p.end.line; l++) codeLines.add(l);
    });
    for (let n = 1; n <= ctx.visibleLines.lineCount; n++) {
      const text = ctx.visibleLines.line(n);
      if (!text.trim()) continue;
      for (const phrase of phrases) {
        if (!containsPhrase(text, phrase)) continue;
        ctx.report({
          at: n,
          message: {
            ko: `템플릿 문구 ${code(phrase, '이/가')} 그대로 남아 있습니다 — ${phrase.includes('스크린샷') ? '실제 스크린샷 이미지나 출력 블록으로' : '본인의 내용으로'} 바꿔 주세요`,
            en: `the template's text \`${phrase}\` is still there: replace it with ${phrase.includes('스크린샷') ? 'a real screenshot or an output block' : 'your own content'}`,
          },
        });
      }
      if (codeLines.has(n)) continue;
      for (const m of text.matchAll(BRACED)) {
        const token = m[0];
        // Latin words in braces are only placeholders when they are the template's own.
        if (/^\{[A-Za-z]+\}$/u.test(token) && !KNOWN.has(token)) continue;
        const fill = token === PLACEHOLDERS.name ? { ko: '본인의 이름으로', en: 'your name' } : token === PLACEHOLDERS.os || token === PLACEHOLDERS.kernel || token === PLACEHOLDERS.tools ? { ko: '본인 VM의 값으로', en: "your VM's value" } : { ko: '알맞은 내용으로', en: 'the right content' };
        ctx.report({
          at: n,
          message: {
            ko: `템플릿의 자리표시자 ${code(token, '이/가')} 그대로 남아 있습니다 — ${fill.ko} 바꿔 주세요`,
            en: `the template's placeholder \`${token}\` is still there: replace it with ${fill.en}`,
          },
        });
      }
      if (todo) {
        for (const m of text.matchAll(TODO)) {
          ctx.report({
            at: n,
            level: 'warning',
            message: {
              ko: `${code(m[0], '이/가')} 남아 있습니다 — 마무리하지 않은 부분인지 확인해 주세요`,
              en: `\`${m[0]}\` left in the notes: finish that part or remove the marker`,
            },
          });
          break;
        }
      }
    }
  },
};

/**
 * `[실행 결과 스크린샷]` as text is the form's prompt; as an image's alt or a link's text
 * (`![실행 결과 스크린샷](1.png)`) the member has replaced it with the real thing.
 */
function containsPhrase(text: string, phrase: string): boolean {
  const bracketed = phrase.startsWith('[') && phrase.endsWith(']');
  for (let i = text.indexOf(phrase); i !== -1; i = text.indexOf(phrase, i + 1)) {
    if (!bracketed) return true;
    const after = text[i + phrase.length];
    if (text[i - 1] !== '!' && after !== '(' && after !== '[') return true;
  }
  return false;
}

export default rule;
