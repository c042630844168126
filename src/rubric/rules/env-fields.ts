/**
 * ## env-fields
 *
 * The environment section lists each field with a real value: `- OS: Ubuntu 24.04`,
 * `- Kernel: 6.8.0-45-generic`, `- 설치 도구: bpftrace 0.20.2, bcc 0.29.1`. Labels match
 * forgivingly (`**OS**:`, `커널:`, `운영체제:`, `Tools：`, `설치한 툴:`, a `| OS | … |` table row, and small
 * typos such as `Kernal:`, the tolerance of section headings). HTML comments do
 * not count (a `<!-- - OS: … -->` is the form's instruction, not a value).
 *
 * - a field that is absent: error;
 * - a field left empty, or still the template's `{OS}`-style placeholder: error;
 * - every field equal to the organizer's form example (`OS: Ubuntu 22.04`,
 *   `Kernel: 5.15.0`, `설치 도구: bpftrace 0.16.0, bcc 0.24.0` — each field's `example`):
 *   one warning asking to confirm the values. One field alone is not flagged: Ubuntu 22.04
 *   and a 5.15 kernel are common real setups; all of them at once is a copy of the form;
 * - a value that does not fit the field's `pattern` (a kernel without a version): warning.
 *
 * When the section itself is missing (the `sections` rule reports that), the fields are
 * looked for in the whole file.
 *
 * Options: `section` (the rubric section holding the fields) and `fields`, each
 * `{label, aliases, example, pattern?, hint?}`; `example` is the organizer's form example.
 *
 * @example
 *   {"name": "ok.md", "path": "study/week1/hgd.md"}
 *
 *   ## 환경 설정
 *
 *   <!--
 *   - OS: {OS}
 *   -->
 *   - **OS**: Ubuntu 24.04.1 LTS (OrbStack)
 *   - 커널: 6.8.0-45-generic
 *   - 설치 도구: bpftrace v0.20.2, bcc 0.29.1
 *
 * @example
 *   {"name": "ok-table.md", "path": "study/week1/hgd.md"}
 *
 *   ## Environment
 *
 *   | 항목 | 값 |
 *   |---|---|
 *   | OS | Debian 12 |
 *   | Kernel | 6.1.0-26-amd64 |
 *   | Tools | bpftrace 0.17.0 |
 *
 * @example
 *   {"name": "ok-typos-and-other-names.md", "path": "study/week1/dohyun.md"}
 *
 *   ## 1. 환경 설정 🛠️
 *
 *   - **운영체제** : Ubuntu 24.04.1 LTS
 *   - **Kernal** : 6.6.87.2-microsoft-standard-WSL2
 *   - **설치한 툴** : bpftrace 0.20.2, bpfcc-tools 0.29.1
 *
 * @example
 *   {"name": "ok-common-values.md", "path": "study/week1/hgd.md"}
 *
 *   ## 환경 설정
 *
 *   - OS: Ubuntu 22.04
 *   - Kernel: 5.15.0
 *   - 설치 도구: bpftrace 0.14.0, bcc 0.18.0
 *
 * @example
 *   {"name": "not-ok.md", "path": "study/week1/hgd.md", "label": "input"}
 *
 *   ## 환경 설정
 *
 *   - OS: Ubuntu 22.04
 *   - Kernel:
 *   - 설치 도구: {도구}
 *
 * @example
 *   {"name": "not-ok.md", "label": "output"}
 *
 *   4: error: `Kernel` 값이 비어 있습니다 — 예: 5.15.0 대신 본인 VM의 값 (`uname -r`)
 *   5: error: `설치 도구` 값이 비어 있습니다 — 예: bpftrace 0.16.0, bcc 0.24.0 대신 본인 VM의 값 (`bpftrace --version`)
 *
 * @example
 *   {"name": "form-copy.md", "path": "study/week1/hgd.md", "label": "input"}
 *
 *   ## 환경 설정
 *
 *   - OS: Ubuntu 22.04
 *   - Kernel: 5.15.0
 *   - 설치 도구: bpftrace 0.16.0, bcc 0.24.0
 *
 * @example
 *   {"name": "form-copy.md", "label": "output"}
 *
 *   3: warning: 환경 항목이 주최 측 양식의 예시 값(OS: Ubuntu 22.04, Kernel: 5.15.0, 설치 도구: bpftrace 0.16.0, bcc 0.24.0)과 똑같습니다 — 실제 환경 값인지 확인하세요 (`cat /etc/os-release`, `uname -r`, `bpftrace --version`)
 *
 * @example
 *   {"name": "absent.md", "path": "study/week1/hgd.md", "label": "input"}
 *
 *   ## 환경 설정
 *
 *   - OS: Ubuntu 24.04
 *   - Kernel: latest
 *
 * @example
 *   {"name": "absent.md", "label": "output"}
 *
 *   1: error: `환경 설정`에 `설치 도구:` 항목이 없습니다 — `- 설치 도구: …` 줄을 추가해 주세요
 *   4: warning: `Kernel` 값 `latest`가 형식에 맞지 않습니다 — `uname -r`의 결과를 적어 주세요
 */
import type { Root } from 'mdast';
import { z } from 'zod';
import { headingKey, looseKey } from '../../markdown/heading-text.js';
import { pick } from '../../i18n/pick.js';
import { distance } from 'fastest-levenshtein';
import { nearThreshold } from '../match-sections.js';
import type { RubricRule, RuleContext } from '../types.js';

const bilingual = z.strictObject({ ko: z.string(), en: z.string() });
const options = z.strictObject({
  section: z.string().min(1),
  fields: z
    .array(
      z.strictObject({
        label: z.string().min(1),
        aliases: z.array(z.string().min(1)).default([]),
        example: z.string().default(''),
        /** a regular expression the value must contain */
        pattern: z
          .string()
          .refine((p) => {
            try {
              new RegExp(p, 'u');
              return true;
            } catch {
              return false;
            }
          }, 'a valid regular expression')
          .optional(),
        /** where the member finds the value, e.g. `uname -r` */
        hint: bilingual.optional(),
      }),
    )
    .min(1),
});
type Options = z.infer<typeof options>;

// `- **OS**: value`, `* 커널 : value`, `1. Tools： value`; the label may be bold or code.
// Both read one line of at most MAX_FIELD_LINE characters (checked before), and each label is
// at most 40 characters: whatever backtracking the blanks around it allow is bounded by that.
// eslint-disable-next-line regexp/no-super-linear-backtracking -- capped input, see above
const FIELD_LINE = /^(?:[-*+]|\d{1,2}[.)])?\s*(?:\*\*|__|`)?([^:：|*_`]{1,40}?)(?:\*\*|__|`)?\s*[:：]\s*(.*)$/u;
// eslint-disable-next-line regexp/no-super-linear-backtracking -- capped input, see above
const TABLE_ROW = /^\|?\s*(?:\*\*|`)?([^|*`]{1,40}?)(?:\*\*|`)?\s*\|\s*([^|]*?)\s*\|?\s*$/u;
const MAX_FIELD_LINE = 300;
const PLACEHOLDER = /^\{[^}]{1,30}\}$/u;

const rule: RubricRule<Options> = {
  id: 'env-fields',
  summary: {
    ko: '환경 항목(OS, Kernel, 설치 도구)이 채워져 있음 (모두 주최 측 양식의 예시 값과 같으면 확인 요청)',
    en: "the environment fields (OS, Kernel, tools) are filled in (all equal to the organizer's form example: asks to confirm)",
  },
  options,
  check(_root: Root, ctx) {
    const { section, fields } = ctx.options;
    const match = ctx.sections.find((s) => s.spec.heading === section);
    const from = match?.heading ? match.heading.line + 1 : 1;
    const to = match?.heading ? match.heading.endLine : ctx.visibleLines.lineCount;
    const keys = fields.map((f) => new Set([f.label, ...f.aliases].map(headingKey)));
    const found = new Map<number, { line: number; value: string }>();
    let inFence = false;
    for (let n = from; n <= to; n++) {
      const text = ctx.visibleLines.line(n).trimStart();
      if (/^(```|~~~)/u.test(text)) inFence = !inFence;
      // A field line is short; skipping long ones also bounds the regexes' backtracking.
      if (inFence || text.length > MAX_FIELD_LINE) continue;
      const m = FIELD_LINE.exec(text) ?? TABLE_ROW.exec(text);
      if (!m) continue;
      const i = fieldIndex(headingKey(m[1]!), keys);
      if (i !== -1 && !found.has(i)) found.set(i, { line: n, value: cleanValue(m[2]!) });
    }

    fields.forEach((field, i) => {
      const hint = field.hint ? ` (${pick(ctx.lang, field.hint)})` : '';
      const entry = found.get(i);
      if (!entry) {
        ctx.report({
          at: match?.heading?.node ?? 1,
          message: {
            ko: `\`${section}\`에 \`${field.label}:\` 항목이 없습니다 — \`- ${field.label}: …\` 줄을 추가해 주세요`,
            en: `\`${section}\` has no \`${field.label}:\` entry: add a \`- ${field.label}: …\` line`,
          },
        });
        return;
      }
      const { line, value } = entry;
      if (!value || PLACEHOLDER.test(value)) {
        const example = field.example ? ` — 예: ${field.example} 대신 본인 VM의 값` : ' — 본인 VM의 값을 적어 주세요';
        ctx.report({
          at: line,
          message: {
            ko: `\`${field.label}\` 값이 비어 있습니다${example}${hint}`,
            en: `\`${field.label}\` is empty: write your VM's value${field.example ? ` (not the example ${field.example})` : ''}${hint}`,
          },
        });
      } else if (field.pattern && !new RegExp(field.pattern, 'u').test(value)) {
        ctx.report({
          at: line,
          level: 'warning',
          message: {
            ko: `\`${field.label}\` 값 \`${value}\`가 형식에 맞지 않습니다 — ${field.hint ? `${pick('ko', field.hint)}의 결과를 적어 주세요` : `예: ${field.example}`}`,
            en: `\`${field.label}\` value \`${value}\` does not look right: ${field.hint ? `write the output of ${pick('en', field.hint)}` : `e.g. ${field.example}`}`,
          },
        });
      }
    });
    reportFormCopy(fields, found, ctx);
  },
};

/**
 * One warning when every field with an `example` holds exactly that example: the organizer's
 * form copied, not a VM's values. A single match is too common a real setup to flag.
 */
function reportFormCopy(fields: Options['fields'], found: ReadonlyMap<number, { line: number; value: string }>, ctx: RuleContext<Options>): void {
  const withExample = fields.map((field, i) => ({ field, entry: found.get(i) })).filter(({ field }) => field.example);
  if (!withExample.length) return;
  if (!withExample.every(({ field, entry }) => entry && looseKey(entry.value) === looseKey(field.example))) return;
  const shown = withExample.map(({ field }) => `${field.label}: ${field.example}`).join(', ');
  const hints = withExample.map(({ field }) => field.hint).filter((h) => h !== undefined);
  const hint = (lang: 'ko' | 'en') => (hints.length ? ` (${hints.map((h) => pick(lang, h)).join(', ')})` : '');
  ctx.report({
    at: Math.min(...withExample.map(({ entry }) => entry!.line)),
    level: 'warning',
    message: {
      ko: `환경 항목이 주최 측 양식의 예시 값(${shown})과 똑같습니다 — 실제 환경 값인지 확인하세요${hint('ko')}`,
      en: `the environment fields are exactly the organizer's form example (${shown}): check that these are your VM's real values${hint('en')}`,
    },
  });
}

/**
 * Which field a label names: an exact name or alias first, else the one name a few letters
 * off (`Kernal`, `Kernl`, `운영 체재`), with the tolerance of section headings. A label near
 * two fields' names is nobody's.
 */
export function fieldIndex(key: string, keys: readonly ReadonlySet<string>[]): number {
  if (!key) return -1;
  const exact = keys.findIndex((k) => k.has(key));
  if (exact !== -1) return exact;
  const limit = nearThreshold(key.length);
  if (limit === 0) return -1;
  const near = keys
    .map((k, i) => ({ i, close: [...k].some((name) => Math.abs(name.length - key.length) <= limit && distance(name, key) <= limit) }))
    .filter((c) => c.close);
  return near.length === 1 ? near[0]!.i : -1;
}

/** The value as a reader sees it: no emphasis, code ticks or trailing table pipes. */
function cleanValue(raw: string): string {
  return raw
    .replace(/<!--.*?-->/gu, '')
    .replace(/\*\*|__|`/gu, '')
    .replace(/(?<!\s)\s*\|\s*$/u, '')
    .trim();
}

export default rule;
