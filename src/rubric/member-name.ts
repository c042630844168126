import type { RuleMember } from './types.js';

/** NFC + lower case: `홍길동` committed from macOS (NFD) and `HGD` both match the roster. */
export const nameKey = (name: string): string => name.normalize('NFC').toLowerCase();

/** Does `text` carry the member's name or one of their aliases? */
export function mentionsMember(text: string, member: RuleMember): boolean {
  const haystack = nameKey(text);
  return [member.name, ...member.aliases].some((n) => n.trim() && haystack.includes(nameKey(n.trim())));
}

const ASCII_WORD = /[a-z0-9_]/u;

/**
 * Does `text` name the member as a word of its own? Stricter than `mentionsMember`, for
 * telling that a title names someone else: `jw` is not found in `jwt`, and one-letter
 * names are never found. Hangul names are found inside words (`홍길동의`, `홍길동님`).
 */
export function namesMember(text: string, member: RuleMember): boolean {
  const haystack = nameKey(text);
  return [member.name, ...member.aliases].some((raw) => {
    const name = nameKey(raw.trim());
    if ([...name].length < 2) return false;
    let from = 0;
    for (let at = haystack.indexOf(name, from); at !== -1; at = haystack.indexOf(name, from)) {
      const before = haystack[at - 1] ?? '';
      const after = haystack[at + name.length] ?? '';
      const edgeOk = (edge: string, inside: string) => !ASCII_WORD.test(inside) || !ASCII_WORD.test(edge);
      if (edgeOk(before, name[0]!) && edgeOk(after, name[name.length - 1]!)) return true;
      from = at + 1;
    }
    return false;
  });
}
