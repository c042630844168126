/**
 * ## topic-coverage
 *
 * Weeks 2-8 name a topic, not a form: this rule reads the notes' text wherever it is (any
 * heading, prose, tables, code) and checks that each part of the week's topic is there, in
 * the words members actually use, Korean or English (`맵`, `maps`, `BPF_HASH`, `ring buffer`;
 * `CO-RE`, `BTF`, `vmlinux.h` …). Headings do not matter: what counts is what is written
 * under them, so the template's own `## CO-RE` covers nothing. HTML comments (the
 * template's instructions) and link addresses do not count either.
 *
 * - a part of the topic that is missing: warning naming the part and what to add;
 * - nothing of the topic at all (an empty, placeholder-only or off-topic note): error
 *   listing what the week asks for. A rubric that sets the rule to `warning` keeps even
 *   that a warning, for weeks whose deliverable another rule judges (weeks 5-7).
 *
 * Options: `parts`, each `{name: {ko, en}, terms, min?, add: {ko, en}, section?}`. A term is
 * matched case-insensitively as a word (`map` matches `maps` and `맵을`'s `맵`, not `bitmap`);
 * a term starting with `re:` is a case-sensitive regular expression. A part is covered when
 * `min` (default 1) of its distinct terms occur. `section` is the template heading where
 * the part would go, named in the message as a suggestion.
 *
 * @example
 *   {"name": "ok.md", "path": "study/week2/jiwoo.md"}
 *
 *   # 2주차 정리
 *
 *   ## 1. 프로그램 생김새
 *
 *   `SEC("tracepoint/sched/sched_process_exec")`로 붙일 곳을 정하고, 사용자 공간은 skeleton으로 load/attach 한다.
 *
 *   ## 2. 자료 구조
 *
 *   | 타입 | 용도 |
 *   |---|---|
 *   | `BPF_MAP_TYPE_HASH` | pid → 시각 |
 *   | `BPF_MAP_TYPE_RINGBUF` | 이벤트 전달 |
 *
 *   ## 3. 커널 버전 문제
 *
 *   BTF와 `vmlinux.h` 덕분에 CO-RE로 한 번 컴파일한 프로그램이 여러 커널에서 돈다.
 *
 * @example
 *   {"name": "ok-english.md", "path": "study/week2/seoyeon.md"}
 *
 *   Maps are key/value stores shared with user space; the ring buffer streams events.
 *   With BTF, libbpf relocates field offsets at load time (CO-RE). opensnoop.bpf.c attaches
 *   two tracepoints and its skeleton loader polls the perf buffer.
 *
 * @example
 *   {"name": "part-missing.md", "path": "study/week2/minsu.md", "label": "input"}
 *
 *   # Week 2 - minsu
 *
 *   ## BPF 맵 정리
 *
 *   - `BPF_MAP_TYPE_HASH`: 해시 테이블. 사용자 공간에서 `bpf_map_lookup_elem`으로 읽는다
 *   - `BPF_MAP_TYPE_RINGBUF`: 링 버퍼. 커널이 이벤트를 보내고 libbpf 로더가 poll 한다
 *
 * @example
 *   {"name": "part-missing.md", "label": "output"}
 *
 *   1: warning: 2주차 주제 중 `CO-RE와 BTF` 내용이 없습니다 — 더해 주세요: CO-RE가 푸는 문제(커널마다 다른 구조체 배치)와 BTF, vmlinux.h (템플릿의 `## CO-RE` 자리)
 *
 * @example
 *   {"name": "off-topic.md", "path": "study/week2/hana.md", "label": "input"}
 *
 *   # Week 2 - hana
 *
 *   ## Docker 네트워크 정리
 *
 *   bridge 네트워크는 같은 네트워크의 컨테이너끼리만 이름으로 통신된다. 자세한 건 [문서](https://docs.docker.com/network/bpf-maps-co-re/) 참고.
 *
 *   <!-- BPF 맵, CO-RE, BTF, vmlinux.h, SEC(), skeleton -->
 *
 * @example
 *   {"name": "off-topic.md", "label": "output"}
 *
 *   1: error: 2주차 주제(BPF 맵, CO-RE, 자료 구조 — BPF 프로그램의 구조를 분석)에 대한 내용이 없습니다 — 다음을 적어 주세요: 맵 종류(hash, array, ring buffer …)와 커널·사용자 공간이 맵으로 데이터를 주고받는 방법; CO-RE가 푸는 문제(커널마다 다른 구조체 배치)와 BTF, vmlinux.h; 분석한 BPF 프로그램 하나의 구조(훅을 정하는 SEC, 맵, 사용자 공간의 로더 코드)
 */
import type { Root } from 'mdast';
import { z } from 'zod';
import type { RubricRule } from '../types.js';

const bilingual = z.strictObject({ ko: z.string().min(1), en: z.string().min(1) });
const term = z.string().min(1).refine((t) => {
  if (!t.startsWith('re:')) return true;
  try {
    new RegExp(t.slice(3), 'u');
    return true;
  } catch {
    return false;
  }
}, 'a valid regular expression after `re:`');
const options = z.strictObject({
  parts: z
    .array(
      z.strictObject({
        name: bilingual,
        terms: z.array(term).min(1),
        min: z.number().int().min(1).default(1),
        add: bilingual,
        section: z.string().optional(),
      }),
    )
    .min(1),
});
type Options = z.infer<typeof options>;

const ASCII_WORD = /[A-Za-z0-9_]/u;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

/**
 * A term as a regular expression: a plain term is a case-insensitive word (an ASCII edge
 * must not touch another ASCII letter, so `map` is not found in `bitmap` but is in `맵과
 * map을`), with an English plural allowed; `re:` terms are taken as written.
 */
export function termPattern(t: string): RegExp {
  if (t.startsWith('re:')) return new RegExp(t.slice(3), 'u');
  const before = ASCII_WORD.test(t[0]!) ? '(?<![A-Za-z0-9_])' : '';
  const after = ASCII_WORD.test(t[t.length - 1]!) ? '(?:e?s)?(?![A-Za-z0-9_])' : '';
  return new RegExp(`${before}${escape(t)}${after}`, 'iu');
}

// Link targets are addresses, not words the member wrote about the topic.
const LINK_TARGET = /\]\([^)\s]*\)|<https?:\/\/[^>\s]*>|\bhttps?:\/\/\S+/gu;

/**
 * The text without its heading lines: a heading names a part (the template's `## CO-RE`
 * names it too); the part is covered by what is written under it, wherever that is.
 */
function bodyText(text: string, headingLines: readonly number[]): string {
  if (headingLines.length === 0) return text;
  const lines = text.split('\n');
  for (const n of headingLines) if (n >= 1 && n <= lines.length) lines[n - 1] = '';
  return lines.join('\n');
}

/** The distinct terms of `terms` found in `text`. */
export function termsFound(text: string, terms: readonly string[]): string[] {
  return terms.filter((t) => termPattern(t).test(text));
}

const rule: RubricRule<Options> = {
  id: 'topic-coverage',
  summary: {
    ko: '그 주의 주제를 이루는 내용이 노트 어디에든 있음 (제목 이름과 무관, 한국어·영어·코드 용어 모두 인정)',
    en: "each part of the week's topic appears somewhere in the notes (whatever the headings; Korean, English and code terms alike)",
  },
  options,
  check(_root: Root, ctx) {
    const text = bodyText(ctx.visibleText, ctx.outline.headings.map((h) => h.line)).replace(LINK_TARGET, ' ');
    const parts = ctx.options.parts.map((part) => ({ part, covered: termsFound(text, part.terms).length >= part.min }));
    if (parts.every((p) => !p.covered)) {
      const adds = parts.map((p) => p.part.add);
      ctx.report({
        at: 1,
        message: {
          ko: `${ctx.week}주차 주제(${ctx.rubric.topic.ko})에 대한 내용이 없습니다 — 다음을 적어 주세요: ${adds.map((a) => a.ko).join('; ')}`,
          en: `nothing here covers week ${ctx.week}'s topic (${ctx.rubric.topic.en}): write about ${adds.map((a) => a.en).join('; ')}`,
        },
      });
      return;
    }
    for (const { part, covered } of parts) {
      if (covered) continue;
      const where = part.section ? { ko: ` (템플릿의 \`## ${part.section}\` 자리)`, en: ` (the template's \`## ${part.section}\`)` } : { ko: '', en: '' };
      ctx.report({
        at: 1,
        level: 'warning',
        message: {
          ko: `${ctx.week}주차 주제 중 \`${part.name.ko}\` 내용이 없습니다 — 더해 주세요: ${part.add.ko}${where.ko}`,
          en: `week ${ctx.week}'s topic: nothing on ${part.name.en}; add ${part.add.en}${where.en}`,
        },
      });
    }
  },
};

export default rule;
