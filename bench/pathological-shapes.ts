/**
 * Notes shaped to make a markdown parser slow, hungry or recursive: the shapes issue 9
 * measured, plus their neighbours. Shared by `npm run bench` and the tests, so both
 * exercise exactly the same bytes.
 */
export interface PathologicalShape {
  name: string;
  /** what the shape is, for the bench's figures */
  what: string;
  text: string;
}

const week1Head = '# 1주차 과제\n\n';

function table(columns: number, rows: number): string {
  const row = `|${' a |'.repeat(columns)}\n`;
  return `${row}|${' - |'.repeat(columns)}\n${row.repeat(rows)}`;
}

export const PATHOLOGICAL_SHAPES: PathologicalShape[] = [
  { name: 'list-12k-quote-6k', what: "'- ' × 12,000 then '> ' × 6,000 (30 KB)", text: week1Head + '- '.repeat(12_000) + '> '.repeat(6_000) + '\n' },
  { name: 'list-10k', what: "'- ' × 10,000 (20 KB)", text: week1Head + '- '.repeat(10_000) + '\n' },
  { name: 'list-20k', what: "'- ' × 20,000 (40 KB)", text: week1Head + '- '.repeat(20_000) + '\n' },
  { name: 'quote-10k', what: "'>' × 10,000 nested quotes", text: week1Head + '>'.repeat(10_000) + ' x\n' },
  { name: 'table-5000-columns', what: 'a 5,000-column table, 48 rows (970 KB)', text: week1Head + table(5_000, 46) },
  { name: 'brackets-40k', what: "'[' × 40,000 + ']' × 40,000", text: week1Head + '['.repeat(40_000) + ']'.repeat(40_000) + '\n' },
];
