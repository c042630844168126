import { parseAttachPoint, parseBpftraceUint, probeType, type AttachPoint } from './attach-point.js';
import { lexBpftrace, significantTokens, stringValue, type Token } from './bpftrace-lexer.js';

/**
 * What the policy needs to know about a bpftrace program, read from its tokens
 * (bpftrace-lexer.ts) along bpftrace 0.17's grammar: `c_definitions probes`, where a probe is
 * `attach_point (, attach_point)* [/predicate/] { body }`.
 */
export interface ProgramFacts {
  tokens: Token[];
  /** The probes' attach points, as bpftrace's parser joins their tokens. */
  attachPoints: AttachPoint[];
  /**
   * `provider:part…` sequences found inside bodies and predicates. bpftrace never attaches
   * them, unless a macro from a header closes a body early; the strict host policy judges
   * them like real attach points.
   */
  nestedAttachPoints: AttachPoint[];
  /** Identifiers in bodies and predicates that are not field names (`x.f`, `x->f`). */
  codeIdentifiers: Token[];
  /** Identifier tokens inside attach points (a macro there would rewrite the probe). */
  attachIdentifiers: Token[];
  /** `#include`, `#define`…: the preprocessor tokens, handed to clang. */
  directives: Directive[];
  /** `struct x { … }` definitions, handed to clang. */
  structDefinitions: Token[];
  /** `config = …` at the top level. */
  hasConfigBlock: boolean;
  /** Tokens bpftrace's lexer reports an error for (the program will not run). */
  lexErrors: Token[];
}

export interface Directive {
  token: Token;
  /** `include`, `define`, `include_next`…; '' for a `#` followed by no name. */
  name: string;
  /** The text after the name. */
  rest: string;
}

export function readProgram(program: string, positionals: readonly string[] = []): ProgramFacts {
  const tokens = lexBpftrace(program);
  const facts: ProgramFacts = {
    tokens,
    attachPoints: [],
    nestedAttachPoints: [],
    codeIdentifiers: [],
    attachIdentifiers: [],
    directives: [],
    structDefinitions: [],
    hasConfigBlock: false,
    lexErrors: tokens.filter((t) => t.error !== undefined),
  };
  const significant = significantTokens(tokens);
  let depth = 0;
  let mode: 'attach' | 'predicate' = 'attach';
  let point = '';
  const endPoint = () => {
    if (point) facts.attachPoints.push(parseAttachPoint(point, positionals));
    point = '';
  };

  for (let k = 0; k < significant.length; k++) {
    const token = significant[k]!;
    if (token.kind === 'preprocessor') facts.directives.push(directiveOf(token));
    if (token.kind === 'struct-def') facts.structDefinitions.push(token);
    const inCode = depth > 0 || mode === 'predicate';
    if (inCode) {
      if (token.kind === 'ident') {
        const previous = significant[k - 1];
        const isField = previous?.kind === 'punct' && (previous.text === '.' || previous.text === '->');
        if (!isField) facts.codeIdentifiers.push(token);
        if (!isField && significant[k + 1]?.kind === 'path' && probeType(token.text) !== null) {
          let text = token.text;
          while (significant[k + 1]?.kind === 'path') text += significant[++k]!.text;
          facts.nestedAttachPoints.push(parseAttachPoint(text, positionals));
        }
      }
      if (token.kind === 'punct' && token.text === '{') {
        if (depth === 0) mode = 'attach';
        depth++;
      } else if (token.kind === 'punct' && token.text === '}') depth = Math.max(0, depth - 1);
      continue;
    }
    // top level, between probes or inside an attach point list
    switch (token.kind) {
      case 'preprocessor': case 'struct-def': case 'struct-type':
        endPoint();
        break;
      case 'ident':
        if (token.text === 'config' && significant[k + 1]?.text === '=') facts.hasConfigBlock = true;
        facts.attachIdentifiers.push(token);
        point += token.text;
        break;
      case 'string':
        point += `"${stringValue(token).replace(/"/g, '\\"')}"`;
        break;
      case 'number':
        point += String(parseBpftraceUint(token.text) ?? token.text);
        break;
      case 'punct':
        if (token.text === ',') endPoint();
        else if (token.text === '/') {
          endPoint();
          mode = 'predicate';
        } else if (token.text === '{') {
          endPoint();
          depth = 1;
        } else if (token.text === '}') endPoint();
        else point += token.text;
        break;
      default:
        point += token.text;
    }
  }
  endPoint();
  return facts;
}

function directiveOf(token: Token): Directive {
  const m = /^#[ \t]*([A-Za-z_][A-Za-z0-9_]*)?/.exec(token.text)!;
  return { token, name: m[1] ?? '', rest: token.text.slice(m[0].length) };
}
