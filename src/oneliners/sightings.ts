import type { Code, InlineCode, Root } from 'mdast';
import { visit } from 'unist-util-visit';
import type { Bilingual } from '../i18n/pick.js';
import { blockStyleOf } from './console-prompts.js';
import { SHELL_LANGS, extractFromShell, firstCodeLine } from './extract-oneliners.js';

/** A one-liner the member wrote where it is not read as one, and why. */
export interface Sighting {
  line: number;
  /** the command as written, shortened for a message */
  command: string;
  why: Bilingual;
}

const MENTIONS_A_TOOL = /bpftrace|-bpfcc\b|\/usr\/share\/bcc\/tools\//;
const MAX_SHOWN_CHARS = 60;
const short = (text: string) => {
  const line = text.split('\n')[0]!.trim();
  return line.length > MAX_SHOWN_CHARS ? `${line.slice(0, MAX_SHOWN_CHARS - 1)}…` : line;
};

/**
 * The one-liners a note holds where the extractor, on purpose, does not read commands: in a
 * code block of another language (```` ```text ````: output, as far as the fence says), in
 * inline code, and behind a `# ` in a ```` ```bash ```` block (a comment to bash; a root
 * prompt to the member who pasted it). Counting them would guess; saying nothing left members
 * with "3/5" and five commands on the page. `oneliner-count` lists them with the fix, and
 * `study-bot verify` says it does not run them.
 *
 * Call after `await loadShellParser()` (the rubric engine and extractOneLiners do).
 */
export function oneLinerSightings(root: Root): Sighting[] {
  const found: Sighting[] = [];
  visit(root, (node) => {
    if (node.type === 'inlineCode') {
      const code = node as InlineCode;
      if (!MENTIONS_A_TOOL.test(code.value) || !code.position) return;
      for (const o of extractFromShell(code.value.replace(/^\s*\$\s+/, ''))) {
        found.push({
          line: code.position.start.line,
          command: short(o.command),
          why: { ko: '본문 속 `코드`는 세지 않습니다 — ```bash 블록에 적으세요', en: 'inline code is not counted: put it in a ```bash block' },
        });
      }
      return;
    }
    if (node.type !== 'code') return;
    const code = node as Code;
    if (!code.position || !MENTIONS_A_TOOL.test(code.value)) return;
    const lang = (code.lang ?? '').toLowerCase();
    const offset = firstCodeLine(code);
    if (!SHELL_LANGS.has(lang)) {
      // read it as a terminal session would be: prompts or not, every command in it
      for (const o of extractFromShell(code.value, { lineOffset: offset, lang: 'console' })) {
        found.push({
          line: o.line,
          command: short(o.command),
          why: {
            ko: `\`\`\`${code.lang} 블록은 명령으로 읽지 않습니다 — 명령은 \`\`\`bash 블록에, 출력은 그 아래에 적으세요`,
            en: `a \`\`\`${code.lang} block is not read as commands: put the command in a \`\`\`bash block`,
          },
        });
      }
      return;
    }
    if (blockStyleOf(lang) === 'console') return; // `# ` is root's prompt there, and counted
    code.value.split('\n').forEach((text, i) => {
      const comment = /^\s*#(.*)$/.exec(text);
      if (!comment || !MENTIONS_A_TOOL.test(comment[1]!)) return;
      for (const o of extractFromShell(comment[1]!, { lineOffset: offset + i })) {
        found.push({
          line: o.line,
          command: short(o.command),
          why: {
            ko: '```bash 블록에서 `# `로 시작하는 줄은 주석입니다 — root 프롬프트라면 `# `를 지우세요',
            en: 'a line starting with `# ` is a comment in a ```bash block: if it is the root prompt, remove the `# `',
          },
        });
      }
    });
  });
  return found.sort((a, b) => a.line - b.line);
}
