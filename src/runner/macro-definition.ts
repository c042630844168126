/**
 * A `#define` as bpftrace 0.17 will use it: clang tokenizes the definition and bpftrace keeps
 * the name and the spellings of the other tokens joined WITHOUT spaces (clang_parser.cpp,
 * translateMacro), then pastes that text in place of the name wherever the lexer meets it. So
 * `#define F ca t("/etc/hostname")` makes `F` read `cat("/etc/hostname")` (seen here).
 */
export interface MacroDefinition {
  name: string;
  /** The replacement text bpftrace pastes, parameters of a function-like macro included. */
  value: string;
}

/** C's tokens, enough to join them as clang spells them (comments dropped). */
const C_TOKEN = new RegExp([
  '\\s+', // skipped
  '/\\*[\\s\\S]*?(?:\\*/|$)', // comment, skipped
  '//.*', // comment, skipped
  '(?:u8|[uUL])?"(?:\\\\[\\s\\S]|[^"\\\\\\n])*"?',
  "(?:u8|[uUL])?'(?:\\\\[\\s\\S]|[^'\\\\\\n])*'?",
  '[A-Za-z_$][A-Za-z0-9_$]*',
  '\\.?[0-9](?:[eEpP][+-]|[A-Za-z0-9_.])*',
  '\\S',
].join('|'), 'gy');

/** The macro a `#define` directive's text (after `define`) makes, or null when it makes none. */
export function macroDefinition(afterDefine: string): MacroDefinition | null {
  const spellings: string[] = [];
  C_TOKEN.lastIndex = 0;
  for (let m = C_TOKEN.exec(afterDefine); m && m[0]; m = C_TOKEN.exec(afterDefine)) {
    const text = m[0];
    if (/^\s/.test(text) || text.startsWith('/*') || text.startsWith('//')) continue;
    spellings.push(text);
  }
  const [name, ...rest] = spellings;
  if (name === undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return null;
  const value = rest.join('');
  // translateMacro keeps only macros with a value
  return value ? { name, value } : null;
}
