import { z } from 'zod';
import type { FileStatus } from './types.js';

/**
 * The machine-readable part of a push check's Check Run: which study file got which verdict.
 * The push check writes it into its output (summary or text) as an HTML comment, which
 * GitHub does not show; the report picks it up from `check_run.completed`. Agreed between
 * the two capabilities here so neither has to parse the other's prose.
 *
 *   <!-- study-bot:check-results {"v":1,"files":[{"path":"study/week1/hgd.md","status":"fail"}]} -->
 */
const blockSchema = z.object({
  v: z.literal(1),
  files: z.array(z.object({ path: z.string().min(1), status: z.enum(['pass', 'warn', 'fail']) })).max(10_000),
});

export interface CheckedFile {
  path: string;
  status: FileStatus;
}

const BLOCK = /^<!-- study-bot:check-results (\{.*\}) -->$/;

export function checkResultBlock(files: readonly CheckedFile[]): string {
  // `--` cannot occur inside an HTML comment; JSON.stringify never produces `-->` but a
  // path could contain `--`, so escape `-` in strings as \u002d.
  const json = JSON.stringify({ v: 1, files: files.map(({ path, status }) => ({ path, status })) }).replace(/-/g, '\\u002d');
  return `<!-- study-bot:check-results ${json} -->`;
}

/**
 * The files of a check's block, or null when the text carries none (or a broken one). Read
 * from the summary's last line only, where the push check writes it (`renderCheckRun`): the
 * summary and the text above it quote file paths and headings a member wrote, and a block
 * there is the member's text, not the bot's verdict.
 */
export function parseCheckResultBlock(summary: string | null | undefined): CheckedFile[] | null {
  if (!summary) return null;
  const text = summary.trimEnd();
  const match = BLOCK.exec(text.slice(text.lastIndexOf('\n') + 1));
  if (!match) return null;
  try {
    const parsed = blockSchema.safeParse(JSON.parse(match[1]));
    return parsed.success ? parsed.data.files : null;
  } catch {
    return null;
  }
}
