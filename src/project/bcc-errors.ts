/**
 * Where a BCC script failed, as a line of the member's own files.
 *
 * BCC (0.26, the image's) reads the C of `BPF(src_file="x.c")` into a string too, and compiles
 * every program as `/virtual/main.c` (USDT argument code is put in front of it), so clang's
 * `/virtual/main.c:LINE:COL: error: ...` names a line of a string, not of a file. The script may
 * have several triple-quoted strings (bcc's own tools put their usage examples first) and
 * rewrites its C before loading it (`bpf_text.replace('FILTER', ...)`), so the line number
 * alone is not trusted: clang repeats the offending line under the error, and that text is
 * looked for in the `.c` files the script loads and in the script's strings, at the line the
 * number predicts first, then anywhere. A failure after the compile (an attach that fails,
 * a Python error) is placed by the script's own traceback.
 */

export interface BccErrorSite {
  /** Repo-relative path as the guest named it (the script's folder is where it ran). */
  file: string;
  line: number;
}

export interface BccError {
  /** The decisive message: clang's error, or the traceback's last line. */
  message: string;
  at?: BccErrorSite;
}

const CLANG_ERROR = /^\/virtual\/main\.c:(\d+):(\d+): (?:fatal )?error: (.*)$/;
const TRACEBACK_FRAME = /^\s*File "([^"]+)", line (\d+)/;

/** Whitespace-insensitive: clang expands tabs in the line it repeats. */
const squash = (line: string) => line.replace(/\s+/g, ' ').trim();

/**
 * `stderr`: what the script printed (paths relative to the request's folder), `script` and
 * `loaded` (the `.c` files it names) as sent, keyed by the same relative paths.
 */
export function locateBccError(stderr: string, script: { path: string; text: string }, loaded: { path: string; text: string }[]): BccError | null {
  const lines = stderr.split('\n');
  const at = lines.findIndex((l) => CLANG_ERROR.test(l));
  if (at !== -1) {
    const [, lineText, , message] = CLANG_ERROR.exec(lines[at]!)!;
    const cLine = Number(lineText);
    // clang prints the offending line next, then a caret line; not when it cannot show it.
    const quoted = lines[at + 1] !== undefined && !/^\s*\^/.test(lines[at + 1]!) && !CLANG_ERROR.test(lines[at + 1]!) ? squash(lines[at + 1]!) : '';
    return { message: message!, ...siteOf(cLine, quoted, script, loaded) };
  }
  const frames = lines.map((l) => TRACEBACK_FRAME.exec(l)).filter((m): m is RegExpExecArray => m !== null);
  const own = frames.filter((m) => m[1] === script.path || m[1]!.endsWith(`/${script.path}`)).pop();
  const last = lines.map((l) => l.trim()).filter(Boolean).pop();
  if (!own && !last) return null;
  return { message: last ?? '', ...(own ? { at: { file: script.path, line: Number(own[2]) } } : {}) };
}

function siteOf(cLine: number, quoted: string, script: { path: string; text: string }, loaded: { path: string; text: string }[]): { at?: BccErrorSite } {
  // Where each candidate puts C line 1: line 1 of a loaded file, or the line a string opens on.
  // The script is split once and shared by its candidates: one per string it opens, and a line
  // of `''''''` opens one, so splitting per candidate was strings × lines on the event loop
  // (the tenth attack review: seconds for a 28 KiB script, minutes at the file cap).
  const scriptLines = script.text.split('\n');
  const starts: { file: string; lines: string[]; first: number }[] = [
    ...loaded.map((f) => ({ file: f.path, lines: f.text.split('\n'), first: 1 })),
    ...stringStarts(script.text).map((first) => ({ file: script.path, lines: scriptLines, first })),
  ];
  if (quoted) {
    for (const s of starts) {
      const line = s.first + cLine - 1;
      if (squash(s.lines[line - 1] ?? '') === quoted) return { at: { file: s.file, line } };
    }
    // Rewritten before loading (lines added or removed above it): the text, where it is unique.
    const found = [...new Map(starts.map((s) => [s.file, s.lines])).entries()].flatMap(([file, text]) =>
      text.flatMap((l, i) => (squash(l) === quoted ? [{ file, line: i + 1 }] : [])),
    );
    if (found.length === 1) return { at: found[0]! };
    return {};
  }
  // No text to check against: only a single candidate is trusted.
  return starts.length === 1 ? { at: { file: starts[0]!.file, line: starts[0]!.first + cLine - 1 } } : {};
}

/** 1-based lines on which a triple-quoted string opens (its text's line 1 is the rest of that line). */
function stringStarts(text: string): number[] {
  const starts: number[] = [];
  const lines = text.split('\n');
  let open: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    let rest = lines[i]!;
    for (;;) {
      if (open) {
        const close = rest.indexOf(open);
        if (close === -1) break;
        rest = rest.slice(close + 3);
        open = null;
      } else {
        // A comment's quotes open nothing.
        const hash = rest.indexOf('#');
        const m = /"""|'''/.exec(hash === -1 ? rest : rest.slice(0, hash));
        if (!m) break;
        open = m[0];
        starts.push(i + 1);
        rest = rest.slice(m.index + 3);
      }
    }
  }
  return starts;
}
