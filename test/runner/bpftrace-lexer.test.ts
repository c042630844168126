import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lexBpftrace, significantTokens, stringValue, type TokenKind } from '../../src/runner/bpftrace-lexer.js';

const kinds = (program: string) => significantTokens(lexBpftrace(program)).map((t) => [t.kind, t.text]);

describe('bpftrace lexer: the rules a scanner gets wrong', () => {
  it.each<[string, string, [TokenKind, string][]]>([
    ['a char literal in a #define is part of the preprocessor line',
      `#define Q '"'\nBEGIN { printf("/*"); system("id"); }`,
      [['preprocessor', `#define Q '"'`], ['ident', 'BEGIN'], ['punct', '{'], ['ident', 'printf'], ['punct', '('], ['string', '"/*"'],
        ['punct', ')'], ['punct', ';'], ['ident', 'system'], ['punct', '('], ['string', '"id"'], ['punct', ')'], ['punct', ';'], ['punct', '}']]],
    ['# anywhere runs to the end of the line', 'BEGIN { # x "\n}', [['ident', 'BEGIN'], ['punct', '{'], ['preprocessor', '# x "'], ['punct', '}']]],
    ['# followed by a newline swallows the next line too', '#\ninclude </etc/shadow>\nBEGIN {}',
      [['preprocessor', '#\ninclude </etc/shadow>'], ['ident', 'BEGIN'], ['punct', '{'], ['punct', '}']]],
    ['// needs a newline: at the end of input it is two slashes', 'BEGIN {} // system("id")',
      [['ident', 'BEGIN'], ['punct', '{'], ['punct', '}'], ['punct', '/'], ['punct', '/'], ['ident', 'system'], ['punct', '('], ['string', '"id"'], ['punct', ')']]],
    ['// with a newline is a comment', 'BEGIN {} // system("id")\n', [['ident', 'BEGIN'], ['punct', '{'], ['punct', '}']]],
    ['#! at the start of a line is a comment', '#!/usr/bin/bpftrace\nBEGIN {}', [['ident', 'BEGIN'], ['punct', '{'], ['punct', '}']]],
    ['#! elsewhere is an invalid character', 'BEGIN { #! }\n', [['ident', 'BEGIN'], ['punct', '{'], ['invalid', '#'], ['punct', '!'], ['punct', '}']]],
    ['a struct cast ends at * and keeps quotes inside', 'BEGIN { $x = (struct a "*)0; system("id"); $y = "x"; }',
      [['ident', 'BEGIN'], ['punct', '{'], ['var', '$x'], ['punct', '='], ['punct', '('], ['struct-type', 'struct a "'], ['punct', '*'], ['punct', ')'],
        ['number', '0'], ['punct', ';'], ['ident', 'system'], ['punct', '('], ['string', '"id"'], ['punct', ')'], ['punct', ';'],
        ['var', '$y'], ['punct', '='], ['string', '"x"'], ['punct', ';'], ['punct', '}']]],
    ['a struct definition is one token up to its balanced brace', 'struct A { struct B { int x; } b; /* " */ }; BEGIN {}',
      [['struct-def', 'struct A { struct B { int x; } b; /* " */ };'], ['ident', 'BEGIN'], ['punct', '{'], ['punct', '}']]],
    ['an attach point path may hold // and /*', 'uprobe:/bin//sh:a/*b { exit(); }',
      [['ident', 'uprobe'], ['path', ':/bin//sh'], ['path', ':a/*b'], ['punct', '{'], ['ident', 'exit'], ['punct', '('], ['punct', ')'], ['punct', ';'], ['punct', '}']]],
    ['a path holds escaped characters, quotes included', 'k:a\\"b { }', [['ident', 'k'], ['path', ':a\\"b'], ['punct', '{'], ['punct', '}']]],
    ['escaped quotes stay in the string', 'BEGIN { printf("a\\"b\\\\"); }',
      [['ident', 'BEGIN'], ['punct', '{'], ['ident', 'printf'], ['punct', '('], ['string', '"a\\"b\\\\"'], ['punct', ')'], ['punct', ';'], ['punct', '}']]],
    ['a string ends at a newline', 'BEGIN { printf("a\nsystem("id"); }',
      [['ident', 'BEGIN'], ['punct', '{'], ['ident', 'printf'], ['punct', '('], ['string', '"a\n'], ['ident', 'system'], ['punct', '('], ['string', '"id"'],
        ['punct', ')'], ['punct', ';'], ['punct', '}']]],
    ['a backslash before a newline ends the string', 'BEGIN { "a\\\nsystem() }',
      [['ident', 'BEGIN'], ['punct', '{'], ['string', '"a\\'], ['ident', 'system'], ['punct', '('], ['punct', ')'], ['punct', '}']]],
    ['an unterminated comment runs to the end', 'BEGIN { } /* system("id")', [['ident', 'BEGIN'], ['punct', '{'], ['punct', '}']]],
    ['maps, variables, parameters, numbers', '@a[$1] = $x + 0x1f + 1_000 + $#;',
      [['map', '@a'], ['punct', '['], ['param', '$1'], ['punct', ']'], ['punct', '='], ['var', '$x'], ['punct', '+'], ['number', '0x1f'],
        ['punct', '+'], ['number', '1_000'], ['punct', '+'], ['param', '$#'], ['punct', ';']]],
    ['operators, longest first', 'a <<= b->c != d', [['ident', 'a'], ['punct', '<<='], ['ident', 'b'], ['punct', '->'], ['ident', 'c'], ['punct', '!='], ['ident', 'd']]],
    ["a character literal outside a preprocessor line is invalid, then a string", `'"' system "`,
      [['invalid', "'"], ['string', `"' system "`]]],
  ])('%s', (_name, program, expected) => {
    expect(kinds(program)).toEqual(expected);
  });

  it('marks what bpftrace reports as an error', () => {
    expect(lexBpftrace('"abc').at(-1)).toMatchObject({ kind: 'string', error: 'unterminated string' });
    expect(lexBpftrace('/* x').at(-1)).toMatchObject({ kind: 'comment', error: 'end of file during comment' });
    expect(lexBpftrace('`').at(-1)).toMatchObject({ kind: 'invalid' });
  });

  it('decodes string values as bpftrace does', () => {
    expect(stringValue(lexBpftrace('"a\\"b\\n\\x41\\101\\\\"')[0]!)).toBe('a"b\nAA\\');
  });
});

// Random text biased towards the characters that change the lexer's state.
const trickyText = fc.array(fc.constantFrom('"', "'", '\\', '/', '*', '#', '!', '\n', ' ', ':', '{', '}', '(', ')', ';', 'struct ', 'a', '1', '$', '@', '//', '/*', '*/', 'x:/a'), { maxLength: 80 }).map((p) => p.join(''));
const anyText = fc.oneof(trickyText, fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 120 }));

/** Pieces whose tokens are known in advance, joined by spaces: the lexer must find exactly them. */
const word = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/).filter((w) => !['struct', 'union', 'enum'].includes(w));
const stringChar = fc.constantFrom('a', ' ', '/', '*', '#', "'", ':', '{', '}', '\\\\', '\\"', '\\n', '//', '/*', '*/');
const commentChar = fc.constantFrom('a', ' ', '"', "'", '#', '/', '{', '}', '\\', '*', 'system("id")', '\n');
const piece = fc.oneof(
  word.map((text) => ({ kind: 'ident' as const, text })),
  fc.integer({ min: 0, max: 1e6 }).map((n) => ({ kind: 'number' as const, text: String(n) })),
  fc.constantFrom('{', '}', '(', ')', ';', ',', '=', '==', '->', '+', '-', '*', '/', '!').map((text) => ({ kind: 'punct' as const, text })),
  word.map((w) => ({ kind: 'var' as const, text: `$${w}` })),
  word.map((w) => ({ kind: 'path' as const, text: `:${w}/*${w}//#` })),
  fc.array(stringChar, { maxLength: 12 }).map((c) => ({ kind: 'string' as const, text: `"${c.join('')}"` })),
  fc.array(commentChar, { maxLength: 12 }).map((c) => ({ kind: 'comment' as const, text: `/*${c.join('').replace(/\*/g, '')}*/` })),
  fc.array(commentChar.filter((c) => !c.includes('\n')), { maxLength: 12 }).map((c) => ({ kind: 'comment' as const, text: `//${c.join('')}`, newline: true })),
  fc.array(commentChar.filter((c) => !c.includes('\n')), { maxLength: 12 }).map((c) => ({ kind: 'preprocessor' as const, text: `#define X ${c.join('')}`, newline: true })),
  fc.array(stringChar.filter((c) => !/[{}]/.test(c)), { maxLength: 8 }).map((c) => ({ kind: 'struct-def' as const, text: `struct S { char c; ${c.join('')} }` })),
);

describe('bpftrace lexer properties', () => {
  it('is total: tokens are non-empty, contiguous and join back to the input', () => {
    fc.assert(fc.property(anyText, (program) => {
      const tokens = lexBpftrace(program);
      let offset = 0;
      for (const token of tokens) {
        expect(token.text.length).toBeGreaterThan(0);
        expect(token.start).toBe(offset);
        offset += token.text.length;
      }
      expect(tokens.map((t) => t.text).join('')).toBe(program);
    }), { numRuns: 2000 });
  });

  it('never desyncs: strings, comments, preprocessor lines and structs end where they end, code stays code', () => {
    fc.assert(fc.property(fc.array(piece, { minLength: 1, maxLength: 30 }), (pieces) => {
      const program = pieces.map((p) => p.text + ('newline' in p ? '\n' : '')).join(' ');
      const found = lexBpftrace(program).filter((t) => t.kind !== 'space').map((t) => ({ kind: t.kind, text: t.text }));
      expect(found).toEqual(pieces.map((p) => ({ kind: p.kind, text: p.text })));
    }), { numRuns: 2000 });
  });
});
