/**
 * Characters that look like the shell's own but are not: what a chat app, a word processor or
 * a blog gives when a member copies a one-liner through it. `‘BEGIN { … }’` is not quoted for
 * bash, `–e` is not the `-e` option, and `sudo\u00a0bpftrace` is one word. Each is named with
 * its code point, so the member can find it, and with the character to type instead.
 */
export const LOOKALIKES: Readonly<Record<string, { code: string; name: string; ascii: string }>> = {
  '\u2018': { code: 'U+2018', name: 'LEFT SINGLE QUOTATION MARK', ascii: "'" },
  '\u2019': { code: 'U+2019', name: 'RIGHT SINGLE QUOTATION MARK', ascii: "'" },
  '\u201C': { code: 'U+201C', name: 'LEFT DOUBLE QUOTATION MARK', ascii: '"' },
  '\u201D': { code: 'U+201D', name: 'RIGHT DOUBLE QUOTATION MARK', ascii: '"' },
  '\u2013': { code: 'U+2013', name: 'EN DASH', ascii: '-' },
  '\u2014': { code: 'U+2014', name: 'EM DASH', ascii: '-' },
  '\u2212': { code: 'U+2212', name: 'MINUS SIGN', ascii: '-' },
  '\u00A0': { code: 'U+00A0', name: 'NO-BREAK SPACE', ascii: ' ' },
  '\u202F': { code: 'U+202F', name: 'NARROW NO-BREAK SPACE', ascii: ' ' },
  '\u3000': { code: 'U+3000', name: 'IDEOGRAPHIC SPACE', ascii: ' ' },
};

const ANY = /[\u2018\u2019\u201C\u201D\u2013\u2014\u2212\u00A0\u202F\u3000]/;

/** The shell token for a look-alike, as it lands in `OneLiner.shellSyntax`: `U+2018`. */
export const lookalikeToken = (char: string): string => LOOKALIKES[char]!.code;
export const isLookalikeToken = (token: string): boolean => /^U\+[0-9A-F]{4}$/.test(token);
export const lookalikeByToken = (token: string) => Object.entries(LOOKALIKES).find(([, l]) => l.code === token);

/**
 * Offsets of the look-alikes in `code` that stand where the shell or bpftrace reads syntax:
 * outside every string. A curly quote inside a string (`printf("“hi”\n")`) is text the member
 * meant, and stays. Strings are followed as bash and bpftrace nest them: a shell quote (real
 * or curly: `‘…’` was meant as one), and inside it bpftrace's `"…"`.
 */
export function lookalikesOutsideStrings(code: string): number[] {
  if (!ANY.test(code)) return [];
  const found: number[] = [];
  // shell: top level, inside '…' (or ‘…’), inside "…" (or “…”); program: inside a bpftrace string
  let shell: 'top' | 'single' | 'double' = 'top';
  // a bpftrace string, opened by a real `"` (closed only by one) or by a curly `“` (a string meant)
  let programString: '"' | '\u201C' | null = null;
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    const lookalike = c in LOOKALIKES;
    if (programString) {
      if (c === '\\') i++;
      else if (c === '"') programString = null;
      else if (programString === '\u201C' && (c === '\u201D' || c === '\u201C')) {
        found.push(i);
        programString = null;
      }
      continue;
    }
    if (shell === 'double') {
      if (c === '\\') i++;
      else if (c === '"') shell = 'top';
      else if (c === '\u201D' || c === '\u201C') {
        found.push(i);
        shell = 'top';
      }
      continue;
    }
    if (shell === 'single') {
      // a bpftrace program: its strings are text; anything else is syntax
      if (c === "'") shell = 'top';
      else if (c === '\u2019' || c === '\u2018') {
        found.push(i);
        shell = 'top';
      } else if (c === '"') programString = '"';
      else if (c === '\u201C' || c === '\u201D') {
        found.push(i);
        programString = '\u201C';
      } else if (lookalike) found.push(i);
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(code[i - 1]!))) {
      // a comment, to the end of the line: its words are the member's own
      const end = code.indexOf('\n', i);
      i = end < 0 ? code.length : end - 1;
    } else if (c === '\\') i++;
    else if (c === "'") shell = 'single';
    else if (c === '"') shell = 'double';
    else if (c === '\u2018' || c === '\u2019') {
      found.push(i);
      shell = 'single';
    } else if (c === '\u201C' || c === '\u201D') {
      found.push(i);
      shell = 'double';
    } else if (c === '\n') continue;
    else if (lookalike) found.push(i);
  }
  return found;
}

/** `code` with the look-alikes at `offsets` replaced by what the member meant; lines keep their length. */
export function replaceLookalikes(code: string, offsets: readonly number[]): string {
  if (offsets.length === 0) return code;
  const chars = [...code.split('')];
  for (const at of offsets) chars[at] = LOOKALIKES[chars[at]!]!.ascii;
  return chars.join('');
}

/**
 * "‘ = U+2018 LEFT SINGLE QUOTATION MARK", for a message: no parentheses, since the runner's
 * messages are "한국어 (English)" and a reader cuts them at the last parenthesis.
 */
export function describeLookalike(char: string): string {
  const l = LOOKALIKES[char]!;
  return `${char === '\u00A0' || char === '\u202F' || char === '\u3000' ? '␣' : char} = ${l.code} ${l.name}`;
}

/**
 * What to tell the member about the look-alikes of one command, in both languages: which
 * characters, and what to type instead.
 */
export function lookalikeMessage(tokens: readonly string[]): { ko: string; en: string } {
  const chars = [...new Set(tokens)].map(lookalikeByToken).filter((e): e is NonNullable<typeof e> => e !== undefined);
  const named = chars.map(([char]) => describeLookalike(char)).join(', ');
  const fixes = [...new Set(chars.map(([char, l]) => `${l.ascii === ' ' ? '␣' : char} → ${l.ascii === ' ' ? '공백/space' : l.ascii}`))].join(', ');
  const fixesEn = fixes.replace('공백/space', 'space');
  const fixesKo = fixes.replace('공백/space', '공백');
  return {
    ko: `명령에 셸이 읽지 못하는 문자가 있습니다: ${named} — 메신저나 블로그에서 복사하면 바뀝니다. 바꿔 쓰세요: ${fixesKo}`,
    en: `the command has characters the shell does not read as meant: ${named}; a chat app or a blog turns them so. Type instead: ${fixesEn}`,
  };
}
