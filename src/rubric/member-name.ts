import type { RuleMember } from './types.js';

/** NFC + lower case: `홍길동` committed from macOS (NFD) and `HGD` both match the roster. */
export const nameKey = (name: string): string => name.normalize('NFC').toLowerCase();

/** Does `text` carry the member's name or one of their aliases? */
export function mentionsMember(text: string, member: RuleMember): boolean {
  const haystack = nameKey(text);
  return [member.name, ...member.aliases].some((n) => n.trim() && haystack.includes(nameKey(n.trim())));
}
