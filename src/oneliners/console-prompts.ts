/**
 * Terminal transcripts pasted into code blocks: `$ sudo bpftrace ...` followed by the output.
 * `maskTranscript` removes prompts (`$ `, PS2's `> `) and empties output lines, so the bash
 * parser sees only what the member typed, on the same line numbers (columns shift).
 *
 * A block is a transcript when at least one of its lines starts with a prompt:
 * `$ `, `user@host:~$ `, `(venv) $ `, `root@host:~# `, `❯ `, and in `console` blocks also the
 * bare root prompt `# ` and zsh's `% `. Without any prompt the block is a script and is parsed as is, so `# comments`
 * in ```bash blocks stay comments.
 */
export type BlockStyle = 'script' | 'console';

const USER_PROMPT = /^(\s*(?:\([^)\n]*\)\s*)?(?:[\w.-]+@[\w.-]+(?::[^\s$#]*)?\s*)?\$ )/;
/**
 * Prompts that are prompts in any block: root's with its user and host (`root@ubuntu:~# `,
 * never a comment, unlike a bare `# `), and the arrow of starship, pure and powerlevel10k
 * (`❯ `, on the line below the path).
 */
const UNAMBIGUOUS_PROMPT = /^(\s*(?:\([^)\n]*\)\s*)?(?:[\w.-]+@[\w.-]+(?::[^\s$#]*)?\s*# |[❯➜] ))/;
const ROOT_OR_ZSH_PROMPT = /^(\s*(?:\([^)\n]*\)\s*)?(?:[\w.-]+@[\w.-]+(?::[^\s$#]*)?\s*)?[#%] )/;
/** bash's PS2, printed before continuation lines. */
const CONTINUATION_PROMPT = /^> /;

export function maskTranscript(code: string, style: BlockStyle): string {
  return scanTranscript(code, style)?.typed.join('\n') ?? code;
}

/** Fence languages of terminal sessions, where `# ` and `% ` are prompts too. */
const CONSOLE_LANGS: ReadonlySet<string> = new Set(['console', 'shell-session', 'shellsession', 'sh-session', 'terminal']);

/** How a code block with this fence language is read: a session transcript or a script. */
export function blockStyleOf(lang: string | null | undefined): BlockStyle {
  return CONSOLE_LANGS.has((lang ?? '').toLowerCase()) ? 'console' : 'script';
}

/**
 * 0-based indexes of a transcript's output lines: non-blank lines printed after a command
 * (after the first prompt, not a prompt, not a continuation of the command). Members paste
 * `$ sudo bpftrace -e '…'` and what it printed into one ```sh block; those lines are the
 * one-liner's result. Empty for a block without prompts (a script: nothing in it is output).
 */
export function transcriptOutputLines(code: string, style: BlockStyle): number[] {
  const scanned = scanTranscript(code, style);
  if (!scanned) return [];
  const lines = code.split('\n');
  const out: number[] = [];
  scanned.output.forEach((isOutput, i) => {
    if (isOutput && lines[i]!.trim()) out.push(i);
  });
  return out;
}

/** The typed text of each line (output lines emptied), and which lines are output after a prompt; null without prompts. */
function scanTranscript(code: string, style: BlockStyle): { typed: string[]; output: boolean[] } | null {
  const lines = code.split('\n');
  const promptOf = (line: string): string | null =>
    USER_PROMPT.exec(line)?.[1] ?? UNAMBIGUOUS_PROMPT.exec(line)?.[1] ?? (style === 'console' ? (ROOT_OR_ZSH_PROMPT.exec(line)?.[1] ?? null) : null);
  if (!lines.some((line) => promptOf(line) !== null)) return null;

  const typed: string[] = [];
  const output: boolean[] = [];
  let state: QuoteState = TOP_LEVEL;
  let inCommand = false;
  let prompted = false;
  for (const line of lines) {
    if (inCommand && continues(state)) {
      // A transcript shows PS2 on every continuation line, inside quotes too; a bpftrace
      // program line starting with "> " at column 0 is not plausible.
      const ps2 = CONTINUATION_PROMPT.exec(line)?.[0];
      const text = ps2 ? line.slice(ps2.length) : line;
      typed.push(text);
      output.push(false);
      state = scanLine(text, state);
      continue;
    }
    const prompt = promptOf(line);
    if (prompt === null) {
      typed.push(''); // output of the previous command
      output.push(prompted);
      inCommand = false;
      state = TOP_LEVEL;
      continue;
    }
    const text = line.slice(prompt.length);
    typed.push(text);
    output.push(false);
    inCommand = true;
    prompted = true;
    state = scanLine(text, TOP_LEVEL);
  }
  return { typed, output };
}

/** The quote left open at the end of a script, if any (`bpftrace -e 'BEGIN {` and EOF). */
export function openQuoteAtEnd(code: string): QuoteState['quote'] {
  let state: QuoteState = TOP_LEVEL;
  for (const line of code.split('\n')) state = scanLine(line, state.continued ? TOP_LEVEL : state);
  return state.quote;
}

export interface QuoteState {
  /** The quote still open at the end of the line, if any. */
  quote: "'" | '"' | "$'" | null;
  /** The line asks for more: trailing `\`, `|`, `&&`, `||`. */
  continued: boolean;
}

const TOP_LEVEL: QuoteState = { quote: null, continued: false };

function continues(state: QuoteState): boolean {
  return state.quote !== null || state.continued;
}

/** A small approximation of bash's quoting, enough to know whether a command goes on. */
export function scanLine(line: string, start: QuoteState): QuoteState {
  let quote = start.quote;
  let lastSignificant = -1; // index of the last character outside a comment
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
    } else if (quote === '"' || quote === "$'") {
      if (c === '\\') i++;
      else if ((quote === '"' && c === '"') || (quote === "$'" && c === "'")) quote = null;
    } else if (c === '\\') {
      if (i === line.length - 1) return { quote: null, continued: true };
      i++;
    } else if (c === "'") quote = "'";
    else if (c === '"') quote = '"';
    else if (c === '$' && line[i + 1] === "'") {
      quote = "$'";
      i++;
    } else if (c === '#' && (i === 0 || /[\s;&|()]/.test(line[i - 1]!))) break;
    lastSignificant = i;
  }
  if (quote !== null) return { quote, continued: false };
  const tail = line.slice(0, lastSignificant + 1).trimEnd();
  return { quote: null, continued: /(\|\||&&|\|)$/.test(tail) };
}
