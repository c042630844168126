import { statSync } from 'node:fs';
import path from 'node:path';
import type { Language } from '../config/schema.js';
import { pick } from '../i18n/pick.js';
import { diskProjectFiles } from '../project/disk-files.js';
import { isProjectPassing } from '../project/project-report.js';
import { renderProjectText } from '../project/render-project.js';
import { verifyProject } from '../project/verify-project.js';
import { EXIT, type CliIO } from './io.js';

/** A folder, or one eBPF source (`.c`, `.py`, `.bt`): project code, checked only in the VM. */
export function isProjectTarget(full: string): boolean {
  const stat = statSync(full, { throwIfNoEntry: false });
  if (stat?.isDirectory()) return true;
  return /\.(c|py|bt)$/i.test(full);
}

/**
 * `study-bot verify FOLDER|FILE --isolation vm`: the project's eBPF compiled, loaded and
 * attached in the throwaway VM; nothing of it compiles or runs on this machine. Paths in the
 * report are as the member sees them from the current folder.
 */
export async function runProjectVerify(
  full: string,
  opts: { io: CliIO; lang: Language; format: string; kernels: string[]; windowMs: number | undefined },
): Promise<number> {
  const { io, lang } = opts;
  const stat = statSync(full, { throwIfNoEntry: false });
  if (!stat) {
    io.stderr(`study-bot verify: ${pick(lang, { ko: `찾을 수 없습니다: ${full}`, en: `not found: ${full}` })}\n`);
    return EXIT.usage;
  }
  const folder = stat.isDirectory() ? full : path.dirname(full);
  const inside = !path.relative(io.cwd, folder).startsWith('..') && !path.isAbsolute(path.relative(io.cwd, folder));
  const base = inside ? io.cwd : path.dirname(folder);
  const root = path.relative(base, folder).split(path.sep).join('/');
  const only = stat.isDirectory() ? undefined : path.relative(base, full).split(path.sep).join('/');
  let report;
  try {
    report = await verifyProject(root, diskProjectFiles(base, folder), {
      kernels: opts.kernels,
      ...(opts.windowMs ? { windowMs: opts.windowMs } : {}),
      ...(only ? { only } : {}),
      env: io.env,
    });
  } catch (error) {
    io.stderr(`study-bot verify: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
  io.stdout(opts.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderProjectText(report, { lang }));
  const entries = report.kernels ? report.kernels.flatMap((k) => k.entries) : report.entries;
  return entries.every((e) => isProjectPassing(e.status)) ? EXIT.ok : EXIT.failed;
}
