/**
 * A cheap look at a markdown text before it is parsed: one pass, constant work per byte, no
 * allocation per line. It refuses the shapes that make micromark (remark's parser) slow,
 * memory-hungry or recursive, so those files get a clear finding in microseconds instead of
 * holding a worker until its deadline.
 *
 * The limits are measured, not guessed (bench/pathological.bench.ts prints the figures; the
 * note in docs/budgets.md has them): parsing cost grows with the square of the nesting of a
 * line (`- - - … x`, `> > > …`), with nesting summed over lines, with the number of `[` left
 * open in a paragraph (link labels are resolved backwards), and with the cells of a table.
 * Each limit sits far above any week's notes (a few list levels, a few links, tables of tens
 * of cells) and far below the shapes that cost seconds.
 */
export type ShapeProblem =
  | { kind: 'nesting'; line: number; depth: number; limit: number }
  | { kind: 'total-nesting'; line: number; total: number; limit: number }
  | { kind: 'brackets'; line: number; open: number; limit: number }
  | { kind: 'table'; line: number; cells: number; limit: number }
  | { kind: 'line-length'; line: number; length: number; limit: number };

export interface ShapeLimits {
  nesting: number;
  totalNesting: number;
  openBrackets: number;
  tableCells: number;
  lineLength: number;
}

export const SHAPE_LIMITS: Readonly<ShapeLimits> = {
  /** container markers (`>`, `-`, `*`, `+`, `1.`) opening one line, plus list indentation / 2 */
  nesting: 32,
  /** the same depth beyond the first level, summed over all lines */
  totalNesting: 3_000,
  /** `[` not yet closed within one paragraph (outside code fences) */
  openBrackets: 256,
  /** cells of one table: columns of its delimiter row × its rows */
  tableCells: 5_000,
  /** characters of one line */
  lineLength: 100_000,
};

const SPACE = 0x20;
const TAB = 0x09;

export function prescanMarkdown(text: string, limits: Readonly<ShapeLimits> = SHAPE_LIMITS): ShapeProblem | null {
  let line = 0;
  let totalNesting = 0;
  let openBrackets = 0;
  let fence: { char: number; length: number } | null = null;
  let table: { line: number; columns: number; rows: number } | null = null;
  let previousLineStart = -1;

  for (let start = 0; start <= text.length; ) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    line++;
    if (end - start > limits.lineLength) return { kind: 'line-length', line, length: end - start, limit: limits.lineLength };

    // Leading indentation, in columns (a tab reaches the next multiple of 4).
    let i = start;
    let column = 0;
    while (i < end && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB)) {
      column = text.charCodeAt(i) === TAB ? column + 4 - (column % 4) : column + 1;
      i++;
    }
    const blank = i === end || (i === end - 1 && text.charCodeAt(i) === 0x0d);

    const fenceHere = fenceAt(text, i, end);
    if (fence) {
      if (fenceHere && fenceHere.char === fence.char && fenceHere.length >= fence.length && fenceHere.infoEmpty) fence = null;
    } else if (fenceHere) {
      fence = { char: fenceHere.char, length: fenceHere.length };
      openBrackets = 0;
      table = null;
    } else if (blank) {
      openBrackets = 0;
      table = null;
    } else {
      const markers = containerMarkers(text, i, end);
      const depth = markers.count + (markers.count > 0 ? Math.floor(column / 2) : 0);
      if (depth > limits.nesting) return { kind: 'nesting', line, depth, limit: limits.nesting };
      if (depth > 1) {
        totalNesting += depth - 1;
        if (totalNesting > limits.totalNesting) return { kind: 'total-nesting', line, total: totalNesting, limit: limits.totalNesting };
      }
      for (let j = markers.end; j < end; j++) {
        const c = text.charCodeAt(j);
        if (c === 0x5c /* \ */) j++;
        else if (c === 0x5b /* [ */) {
          if (++openBrackets > limits.openBrackets) return { kind: 'brackets', line, open: openBrackets, limit: limits.openBrackets };
        } else if (c === 0x5d /* ] */ && openBrackets > 0) openBrackets--;
      }
      if (table) {
        table.rows++;
        if (table.columns * table.rows > limits.tableCells) {
          return { kind: 'table', line: table.line, cells: table.columns * table.rows, limit: limits.tableCells };
        }
      } else if (previousLineStart >= 0) {
        const columns = delimiterRowColumns(text, markers.end, end);
        if (columns > 0) {
          // The header row above and this delimiter row count as the table's first rows.
          table = { line: line - 1, columns, rows: 2 };
          if (columns * 2 > limits.tableCells) return { kind: 'table', line: line - 1, cells: columns * 2, limit: limits.tableCells };
        }
      }
    }
    previousLineStart = blank ? -1 : start;
    if (nl === -1) break;
    start = nl + 1;
  }
  return null;
}

/** ``` or ~~~ (three or more) at `i`: a code fence opens or closes; its content is not markdown. */
function fenceAt(text: string, i: number, end: number): { char: number; length: number; infoEmpty: boolean } | null {
  const char = text.charCodeAt(i);
  if (char !== 0x60 && char !== 0x7e) return null;
  let j = i;
  while (j < end && text.charCodeAt(j) === char) j++;
  if (j - i < 3) return null;
  let k = j;
  while (k < end && (text.charCodeAt(k) === SPACE || text.charCodeAt(k) === TAB || text.charCodeAt(k) === 0x0d)) k++;
  return { char, length: j - i, infoEmpty: k === end };
}

/** Block-quote and list markers that open a line, each followed by a space (or the line's end). */
function containerMarkers(text: string, i: number, end: number): { count: number; end: number } {
  let count = 0;
  let j = i;
  for (;;) {
    const c = text.charCodeAt(j);
    let next = -1;
    if (c === 0x3e /* > */) next = j + 1;
    else if ((c === 0x2d || c === 0x2a || c === 0x2b) && isGap(text, j + 1, end)) next = j + 1;
    else if (c >= 0x30 && c <= 0x39) {
      let k = j;
      while (k < end && k - j < 9 && text.charCodeAt(k) >= 0x30 && text.charCodeAt(k) <= 0x39) k++;
      const d = text.charCodeAt(k);
      if ((d === 0x2e || d === 0x29) && isGap(text, k + 1, end)) next = k + 1;
    }
    if (next === -1 || j >= end) return { count, end: j };
    count++;
    j = next;
    while (j < end && (text.charCodeAt(j) === SPACE || text.charCodeAt(j) === TAB)) j++;
  }
}

const isGap = (text: string, j: number, end: number): boolean =>
  j >= end || text.charCodeAt(j) === SPACE || text.charCodeAt(j) === TAB || text.charCodeAt(j) === 0x0d;

/**
 * The columns of a GFM table delimiter row (`| --- | :-: |`), or 0 when the line is not one.
 * Only `|`, `-`, `:` and blanks, at least one `-` and one `|`.
 */
function delimiterRowColumns(text: string, i: number, end: number): number {
  let pipes = 0;
  let dashes = 0;
  let cells = 0;
  let inCell = false;
  for (let j = i; j < end; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x7c) {
      pipes++;
      inCell = false;
    } else if (c === 0x2d || c === 0x3a) {
      if (c === 0x2d) dashes++;
      if (!inCell) cells++;
      inCell = true;
    } else if (c !== SPACE && c !== TAB && c !== 0x0d) return 0;
  }
  return pipes > 0 && dashes > 0 ? cells : 0;
}
