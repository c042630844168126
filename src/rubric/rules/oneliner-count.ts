/**
 * ## oneliner-count
 *
 * The notes hold at least `min` one-liners, found by the same extractor `/verify` runs
 * (`src/oneliners/extract-oneliners.ts`): `bpftrace -e '…'` in ```bash, ```sh, ```console or
 * plain ``` blocks, parsed as bash parses them — `sudo`, `VAR=value` and `timeout N` prefixes,
 * programs spanning several lines in one quoted argument, `\` continuations. Other commands
 * (`ls`, `curl …`), `# comments`, and the same command pasted twice do not count.
 *
 * - fewer than `min`: error, "one-liner 4/5개 (센 것: 6행, …)", then what the note holds
 *   where commands are not read (a ```text block, inline code, `# ` in a ```bash block;
 *   src/oneliners/sightings.ts), each with why and the fix; when the same command was pasted more than
 *   once, the message says so and where the repeats are ("같은 명령은 한 번만 셉니다 (중복
 *   1개: 8행)"), since a member counting their blocks sees more than the rule does;
 * - a counted one-liner with curly quotes, an en dash or a no-break space where the shell reads
 *   syntax (src/oneliners/lookalikes.ts): error at its line naming each character (U+2018 …)
 *   and what to type instead; `/verify` refuses it with the same words;
 * - with `ownHeading`, several one-liners under one `###` heading, or one-liners before any
 *   `###` heading: warning (the form gives each one-liner its own `### n.` heading).
 *
 * Options: `min` (default 5), `kinds` (default `[bpftrace]`; also `bpftrace-list`,
 * `bcc-tool`), `section` (where to point when there are too few), `ownHeading` (default false).
 *
 * @example
 *   {"name": "ok.md", "path": "study/week1/hgd.md", "options": {"min": 2}}
 *
 *   ### 1. Hello
 *
 *   ```bash
 *   sudo bpftrace -e 'BEGIN { printf("hi\n"); exit(); }'
 *   ```
 *
 *   ### 2. openat
 *
 *   ```
 *   # 파일 열기 추적
 *   sudo timeout 5 bpftrace -e 'tracepoint:syscalls:sys_enter_openat {
 *       printf("%s\n", str(args->filename));
 *   }'
 *   ```
 *
 * @example
 *   {"name": "four.md", "path": "study/week1/hgd.md", "label": "input"}
 *
 *   ## bpftrace 실습
 *
 *   ### 1. 네 개
 *
 *   ```bash
 *   sudo bpftrace -e 'BEGIN { exit(); }'
 *   sudo bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'
 *   sudo bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'
 *   sudo bpftrace -l 'tracepoint:*'
 *   ls -l /sys/kernel/tracing
 *   bpftrace --version
 *   sudo bpftrace -e 'kprobe:tcp_connect { @ = count(); }'
 *   sudo bpftrace -e 'tracepoint:sched:sched_process_fork { @ = count(); }'
 *   ```
 *
 * @example
 *   {"name": "four.md", "label": "output"}
 *
 *   1: error: one-liner 4/5개 (센 것: 6행, 7행, 12행, 13행) — 같은 명령은 한 번만 셉니다 (중복 1개: 8행) — 서로 다른 `bpftrace -e '…'` 한 줄 프로그램을 5개 이상, 각각 `### n.` 제목 아래 ```bash 블록으로 적어 주세요
 *   6: warning: `### 1. 네 개` 아래에 one-liner가 4개 있습니다 — one-liner마다 `### n.` 제목을 따로 달아 주세요
 *
 * @example
 *   {"name": "same-five.md", "path": "study/week1/hgd.md", "label": "input"}
 *
 *   ### 1. a
 *   ```bash
 *   sudo bpftrace -e 'BEGIN { exit(); }'
 *   ```
 *   ### 2. b
 *   ```bash
 *   sudo bpftrace -e 'BEGIN { exit(); }'
 *   ```
 *   ### 3. c
 *   ```bash
 *   sudo  bpftrace  -e  'BEGIN { exit(); }'
 *   ```
 *   ### 4. d
 *   ```bash
 *   sudo bpftrace -e 'BEGIN { exit(); }'
 *   ```
 *   ### 5. e
 *   ```bash
 *   sudo bpftrace -e 'BEGIN { exit(); }'
 *   ```
 *
 * @example
 *   {"name": "same-five.md", "label": "output"}
 *
 *   1: error: one-liner 1/5개 (센 것: 3행) — 같은 명령은 한 번만 셉니다 (중복 4개: 7행, 11행, 15행 …) — 서로 다른 `bpftrace -e '…'` 한 줄 프로그램을 5개 이상, 각각 `### n.` 제목 아래 ```bash 블록으로 적어 주세요
 */
import type { Root } from 'mdast';
import { z } from 'zod';
import { isLookalikeToken, lookalikeMessage } from '../../oneliners/lookalikes.js';
import { oneLinerSightings, type Sighting } from '../../oneliners/sightings.js';
import type { OneLiner } from '../../oneliners/types.js';
import type { RubricRule } from '../types.js';

const KINDS = ['bpftrace', 'bpftrace-list', 'bcc-tool'] as const;
const options = z.strictObject({
  min: z.number().int().min(1).default(5),
  kinds: z.array(z.enum(KINDS)).min(1).default(['bpftrace']),
  section: z.string().optional(),
  ownHeading: z.boolean().default(false),
});
type Options = z.infer<typeof options>;

/** The one-liners a rubric counts: of the configured kinds, each distinct command once. */
export function countedOneLiners(all: readonly OneLiner[], kinds: readonly string[]): OneLiner[] {
  const seen = new Set<string>();
  return all.filter((o) => {
    if (!kinds.includes(o.kind)) return false;
    const key = JSON.stringify(o.argv);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** How many repeat lines a message lists before `…`. */
const MAX_SHOWN = 3;

/** Lines of the one-liners of the counted kinds that repeat an earlier command (not counted). */
function duplicateLines(all: readonly OneLiner[], counted: readonly OneLiner[], kinds: readonly string[]): number[] {
  const kept = new Set(counted);
  return all.filter((o) => kinds.includes(o.kind) && !kept.has(o)).map((o) => o.line);
}

/**
 * "Seen but not counted", with why, for the message: the one-liners in a ```text block, in
 * inline code or behind a `# ` (sightings.ts), leaving out any the note also has where it counts.
 */
function uncounted(root: Root, counted: readonly OneLiner[]): { ko: string; en: string } {
  let sightings: Sighting[];
  try {
    sightings = oneLinerSightings(root);
  } catch {
    return { ko: '', en: '' }; // a parser failure is reported by the extractor already
  }
  const countedCommands = new Set(counted.map((o) => o.command.replace(/\s+/g, ' ').replace(/^sudo /, '')));
  const fresh = sightings.filter((s) => !countedCommands.has(s.command.replace(/\s+/g, ' ').replace(/^sudo /, '')));
  if (fresh.length === 0) return { ko: '', en: '' };
  const shown = fresh.slice(0, MAX_SHOWN);
  const more = fresh.length > MAX_SHOWN ? { ko: ` 외 ${fresh.length - MAX_SHOWN}개`, en: ` and ${fresh.length - MAX_SHOWN} more` } : { ko: '', en: '' };
  return {
    ko: `. 세지 않은 것: ${shown.map((s) => `${s.line}행 \`${s.command}\` (${s.why.ko})`).join('; ')}${more.ko}`,
    en: `. Seen but not counted: ${shown.map((s) => `line ${s.line} \`${s.command}\` (${s.why.en})`).join('; ')}${more.en}`,
  };
}

const rule: RubricRule<Options> = {
  id: 'oneliner-count',
  summary: {
    ko: 'one-liner(예: `sudo bpftrace -e \'…\'`)가 최소 개수 이상 (셸처럼 파싱, 같은 명령은 한 번)',
    en: "at least the minimum number of one-liners (e.g. `sudo bpftrace -e '…'`), parsed as a shell would; duplicates count once",
  },
  options,
  check(root: Root, ctx) {
    const { min, kinds, section, ownHeading } = ctx.options;
    const counted = countedOneLiners(ctx.oneLiners, kinds);
    // Counted, but as written it would not run: curly quotes, dashes, no-break spaces.
    for (const o of counted) {
      const lookalikes = o.shellSyntax.filter(isLookalikeToken);
      if (lookalikes.length > 0) ctx.report({ at: o.line, message: lookalikeMessage(lookalikes) });
    }
    if (counted.length < min) {
      const where = ctx.sections.find((s) => s.spec.heading === section)?.heading;
      const example = kinds.includes('bpftrace') ? "`bpftrace -e '…'` 한 줄 프로그램" : kinds.includes('bcc-tool') ? '`execsnoop-bpfcc` 같은 BCC 도구 명령' : '`bpftrace -l \'…\'` 명령';
      const repeats = duplicateLines(ctx.oneLiners, counted, kinds);
      const shown = repeats.slice(0, MAX_SHOWN);
      const more = repeats.length > MAX_SHOWN ? ' …' : '';
      const dup = repeats.length
        ? {
            ko: ` — 같은 명령은 한 번만 셉니다 (중복 ${repeats.length}개: ${shown.map((l) => `${l}행`).join(', ')}${more}) — 서로 다른`,
            en: ` (the same command counts once: ${repeats.length} repeated, line${repeats.length === 1 ? '' : 's'} ${shown.join(', ')}${more})`,
          }
        : { ko: ' —', en: '' };
      const seen = uncounted(root, counted);
      const found = counted.length ? { ko: ` (센 것: ${counted.map((o) => `${o.line}행`).join(', ')})`, en: ` (counted: line${counted.length === 1 ? '' : 's'} ${counted.map((o) => o.line).join(', ')})` } : { ko: '', en: '' };
      ctx.report({
        at: where?.node ?? 1,
        message: {
          ko: `one-liner ${counted.length}/${min}개${found.ko}${dup.ko} ${example}을 ${min}개 이상, 각각 \`### n.\` 제목 아래 \`\`\`bash 블록으로 적어 주세요${seen.ko}`,
          en: `one-liners: ${counted.length}/${min}${found.en}${dup.en}; write at least ${min}${repeats.length ? ' different ones' : ''}, each in a \`\`\`bash block under its own \`### n.\` heading${seen.en}`,
        },
      });
    }
    if (!ownHeading) return;
    const byHeading = new Map<string, OneLiner[]>();
    // Headings repeat ("### 결과"), so group by the heading's text and its nearest line.
    for (const o of counted) {
      const key = o.heading ?? '';
      const group = byHeading.get(key) ?? [];
      group.push(o);
      byHeading.set(key, group);
    }
    for (const [heading, group] of byHeading) {
      if (heading && group.length < 2) continue;
      const first = group[0]!;
      ctx.report({
        at: first.line,
        level: 'warning',
        message: heading
          ? {
              ko: `\`### ${heading}\` 아래에 one-liner가 ${group.length}개 있습니다 — one-liner마다 \`### n.\` 제목을 따로 달아 주세요`,
              en: `${group.length} one-liners under \`### ${heading}\`: give each one-liner its own \`### n.\` heading`,
            }
          : {
              ko: `one-liner ${group.length}개가 \`### n.\` 제목 없이 적혀 있습니다 — one-liner마다 \`### n. 제목\`을 달아 주세요`,
              en: `${group.length} one-liner(s) without a \`### n.\` heading: give each its own heading`,
            },
      });
    }
  },
};

export default rule;
