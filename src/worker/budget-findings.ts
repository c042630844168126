import type { Finding } from '../check/types.js';
import type { Language } from '../config/schema.js';
import { pick } from '../i18n/pick.js';
import type { ShapeProblem } from '../markdown/prescan.js';
import type { TaskOutcome } from './budgeted-pool.js';

/** The rule id of "this file could not be checked": an error, so the file fails and the CLI exits 1. */
export const COMPLEXITY_RULE = 'file-complexity';

const UNCHECKED = {
  ko: '그래서 이 파일의 내용은 검사하지 못했습니다',
  en: 'so its content was not checked',
};

/** A shape the pre-scan refused: what it is, where, the limit, and what to do. */
export function complexityFinding(shape: ShapeProblem, lang: Language): Finding {
  const n = (x: number) => x.toLocaleString('en-US');
  const message = (() => {
    switch (shape.kind) {
      case 'nesting':
        return {
          ko: `목록/인용이 너무 깊게 중첩되어 있습니다 (${n(shape.depth)}단계, 최대 ${shape.limit}단계) — ${UNCHECKED.ko}. 중첩을 줄여 주세요`,
          en: `lists or quotes are nested too deeply (${n(shape.depth)} levels, at most ${shape.limit}), ${UNCHECKED.en}; flatten them`,
        };
      case 'total-nesting':
        return {
          ko: `중첩된 목록/인용이 너무 많습니다 (합계 ${n(shape.total)}단계, 최대 ${n(shape.limit)}) — ${UNCHECKED.ko}. 중첩을 줄여 주세요`,
          en: `too many nested lists or quotes (${n(shape.total)} levels in all, at most ${n(shape.limit)}), ${UNCHECKED.en}; flatten them`,
        };
      case 'brackets':
        return {
          ko: `한 문단에 닫히지 않은 \`[\`가 너무 많습니다 (${n(shape.open)}개, 최대 ${shape.limit}개) — ${UNCHECKED.ko}. 출력은 \`\`\` 코드 블록 안에 넣어 주세요`,
          en: `too many unclosed \`[\` in one paragraph (${n(shape.open)}, at most ${shape.limit}), ${UNCHECKED.en}; put output inside a \`\`\` code block`,
        };
      case 'table':
        return {
          ko: `표가 너무 큽니다 (${n(shape.cells)}칸, 최대 ${n(shape.limit)}칸) — ${UNCHECKED.ko}. 큰 표는 나누거나 파일로 따로 커밋해 링크해 주세요`,
          en: `the table is too large (${n(shape.cells)} cells, at most ${n(shape.limit)}), ${UNCHECKED.en}; split it or commit it as a separate file and link it`,
        };
      case 'line-length':
        return {
          ko: `한 줄이 너무 깁니다 (${n(shape.length)}자, 최대 ${n(shape.limit)}자) — ${UNCHECKED.ko}. 긴 출력은 줄을 나누거나 앞부분만 남겨 주세요`,
          en: `a line is too long (${n(shape.length)} characters, at most ${n(shape.limit)}), ${UNCHECKED.en}; break it up or keep only its start`,
        };
    }
  })();
  return { rule: COMPLEXITY_RULE, severity: 'error', message: pick(lang, message), line: shape.line };
}

/** A worker that ran out of time or memory, or overflowed its stack, on this file. */
export function overBudgetFinding(outcome: Extract<TaskOutcome<unknown>, { ok: false }>, lang: Language): Finding {
  const message = (() => {
    switch (outcome.reason) {
      case 'timeout':
        return {
          ko: `검사가 시간 제한을 넘었습니다 (${outcome.detail}) — 파일 구조가 너무 복잡해 ${UNCHECKED.ko}. 아주 긴 목록·표·중첩을 줄여 주세요`,
          en: `checking took too long (${outcome.detail}): the file's structure is too complex, ${UNCHECKED.en}; shorten very long lists, tables or nesting`,
        };
      case 'memory':
        return {
          ko: `검사에 메모리가 너무 많이 필요합니다 — 파일 구조가 너무 복잡해 ${UNCHECKED.ko}. 아주 큰 표나 중첩을 줄여 주세요`,
          en: `checking needed too much memory: the file's structure is too complex, ${UNCHECKED.en}; shrink very large tables or nesting`,
        };
      case 'stack':
        return {
          ko: `목록/인용이 너무 깊게 중첩되어 있습니다 (파서 스택 초과) — ${UNCHECKED.ko}. 중첩을 줄여 주세요`,
          en: `lists or quotes are nested too deeply (the parser's stack ran out), ${UNCHECKED.en}; flatten them`,
        };
      case 'crash':
        return {
          ko: `study-bot 내부 오류로 이 파일을 검사하지 못했습니다 (${outcome.detail}) — 이 파일과 함께 이슈로 알려 주세요`,
          en: `study-bot could not check this file because of an internal error (${outcome.detail}); please report it with this file`,
        };
    }
  })();
  return { rule: COMPLEXITY_RULE, severity: 'error', message: pick(lang, message), line: null };
}
