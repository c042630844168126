import type { Bilingual } from '../i18n/pick.js';
import { significantTokens } from '../runner/bpftrace-lexer.js';
import { readProgram } from '../runner/program-facts.js';
import type { StructureProblem } from './check-c-structure.js';

/**
 * Whether a committed `.bt` script can be read by bpftrace, without running bpftrace: the
 * runner's own rewrite of bpftrace 0.17's lexer (what it rejects: an unterminated string or
 * comment, a character bpftrace has no token for), brackets that pair up, and at least one
 * probe. Not bpftrace's parser: a script that passes can still fail on bpftrace's grammar or
 * its semantic checks (`/verify` runs it in the VM for that).
 */
export function checkBpftraceSyntax(text: string): { problem: StructureProblem | null; probes: string[] } {
  const facts = readProgram(text);
  // Probes only: bpftrace's newer `macro name()` and `config = …` blocks read as attach points here.
  const probes = facts.attachPoints.filter((p) => p.type !== null).map((p) => p.text);
  const lexError = facts.lexErrors[0];
  if (lexError) {
    return { problem: { ...positionOf(text, lexError.start), message: lexMessage(lexError.error ?? '') }, probes };
  }
  const stack: { char: string; start: number }[] = [];
  for (const token of significantTokens(facts.tokens)) {
    if (token.kind !== 'punct') continue;
    const t = token.text;
    if (t === '{' || t === '(' || t === '[') stack.push({ char: t, start: token.start });
    else if (t === '}' || t === ')' || t === ']') {
      const open = stack.pop();
      const want = t === '}' ? '{' : t === ')' ? '(' : '[';
      if (!open || open.char !== want) {
        const where = positionOf(text, token.start);
        const message: Bilingual = open
          ? {
              ko: `\`${t}\`가 ${positionOf(text, open.start).line}행의 \`${open.char}\`를 닫습니다 — 괄호 짝이 맞지 않습니다`,
              en: `\`${t}\` closes the \`${open.char}\` of line ${positionOf(text, open.start).line}: the brackets do not pair up`,
            }
          : { ko: `\`${t}\`를 닫을 여는 괄호가 없습니다`, en: `\`${t}\` closes nothing: no bracket is open here` };
        return { problem: { ...where, message }, probes };
      }
    }
  }
  const open = stack[0];
  if (open) {
    const where = positionOf(text, open.start);
    return {
      problem: {
        ...where,
        message: {
          ko: `${where.line}행의 \`${open.char}\`가 파일 끝까지 닫히지 않습니다`,
          en: `the \`${open.char}\` of line ${where.line} is still open at the end of the file`,
        },
      },
      probes,
    };
  }
  if (probes.length === 0) {
    return {
      problem: {
        line: 1,
        column: 1,
        message: {
          ko: '프로브가 하나도 없습니다 (예: `tracepoint:syscalls:sys_enter_openat { ... }`)',
          en: 'no probe in the script (e.g. `tracepoint:syscalls:sys_enter_openat { ... }`)',
        },
      },
      probes,
    };
  }
  return { problem: null, probes };
}

function lexMessage(error: string): Bilingual {
  if (error.includes('comment')) return { ko: '주석(`/*`)이 닫히지 않습니다', en: 'a comment (`/*`) never ends' };
  if (error.includes('unterminated string')) return { ko: '문자열(`"`)이 그 줄에서 닫히지 않습니다', en: 'a string (`"`) does not end on its line' };
  return { ko: `bpftrace가 읽을 수 없는 문자입니다 (${error})`, en: `bpftrace cannot read this character (${error})` };
}

/** 1-based line and column of an offset (the text is at most the bounded prefix read). */
function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = text.indexOf('\n'); k !== -1 && k < offset; k = text.indexOf('\n', k + 1)) {
    line++;
    lineStart = k + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
