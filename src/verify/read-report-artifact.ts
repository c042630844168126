import { unzipSync } from 'fflate';
import type { Bilingual } from '../i18n/pick.js';
import { verifyReportSchema, type VerifyReport } from '../runner/report-schema.js';

/** The file `runner exec --out` writes and the workflow uploads (see ebpf-verify.yml). */
export const REPORT_ENTRY = 'report.json';
/** A report of a few dozen one-liners with capped output is tens of KiB; anything near this is not ours. */
export const MAX_REPORT_BYTES = 2 * 1024 * 1024;

export type ArtifactReading = { ok: true; report: VerifyReport } | { ok: false; problem: Bilingual };

const fail = (ko: string, en: string): ArtifactReading => ({ ok: false, problem: { ko, en } });

/**
 * The runner's report out of the artifact zip. The zip comes from a machine we do not fully
 * control, so nothing in it is trusted: only `report.json` is inflated, and only when its
 * declared size is under the cap (fflate inflates into a buffer of the declared size, so a
 * header that lies cannot make it allocate more); the JSON must match the runner's schema.
 */
export function readReportArtifact(zip: Uint8Array): ArtifactReading {
  let declared = -1;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter: (file) => {
        if (file.name !== REPORT_ENTRY) return false;
        declared = file.originalSize;
        return file.originalSize <= MAX_REPORT_BYTES && file.size <= MAX_REPORT_BYTES;
      },
    });
  } catch (error) {
    return fail(`결과 아티팩트가 올바른 zip이 아닙니다 (${(error as Error).message}).`, `the result artifact is not a valid zip (${(error as Error).message}).`);
  }
  if (declared < 0) return fail(`결과 아티팩트에 \`${REPORT_ENTRY}\`이 없습니다.`, `the result artifact has no \`${REPORT_ENTRY}\`.`);
  const entry = files[REPORT_ENTRY];
  if (!entry) {
    return fail(
      `결과 파일이 너무 큽니다 (${declared} 바이트, 최대 ${MAX_REPORT_BYTES}).`,
      `the result file is too large (${declared} bytes, at most ${MAX_REPORT_BYTES}).`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(entry));
  } catch (error) {
    return fail(`결과 파일이 올바른 JSON이 아닙니다 (${(error as Error).message.slice(0, 200)}).`, `the result file is not valid JSON (${(error as Error).message.slice(0, 200)}).`);
  }
  const parsed = verifyReportSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? `${first.path.join('.') || '(root)'}: ${first.message}` : '';
    return fail(`결과 파일의 형식이 러너 계약과 다릅니다 (${where}).`, `the result file does not match the runner's contract (${where}).`);
  }
  return { ok: true, report: parsed.data };
}
