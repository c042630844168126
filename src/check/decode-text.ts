import type { Finding } from './types.js';
import type { Language } from '../config/schema.js';
import { pick } from '../i18n/pick.js';

/** Notes bigger than this are not parsed: no week's notes come near it, and a push must stay fast. */
export const MAX_MARKDOWN_BYTES = 1024 * 1024;

export type Decoded = { ok: true; text: string } | { ok: false; finding: Finding };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Turns a submission's bytes into text, or into the one finding that says why it cannot be
 * read: too big, binary (an image or a PDF saved as `.md`), or not UTF-8. The BOM is
 * dropped (Windows editors add it); CRLF stays, the parser handles it.
 */
export function decodeSubmission(bytes: Uint8Array, lang: Language): Decoded {
  const large = tooLarge(bytes.length, lang);
  if (large) return { ok: false, finding: large };
  if (looksBinary(bytes)) {
    return fail('file-format', pick(lang, {
      ko: '바이너리 파일입니다 — 마크다운 텍스트로 저장하세요',
      en: 'this is a binary file — save the notes as Markdown text',
    }));
  }
  try {
    return { ok: true, text: utf8.decode(bytes) };
  } catch {
    const at = firstInvalidUtf8(bytes);
    const line = lineAt(bytes, at);
    const byte = `0x${bytes[at].toString(16).toUpperCase().padStart(2, '0')}`;
    const legacy = looksLikeKoreanLegacyEncoding(bytes);
    return fail(
      'file-encoding',
      pick(lang, {
        ko: `UTF-8이 아닌 바이트(${byte})가 있습니다 — 파일을 UTF-8로 저장하세요${legacy ? ' (EUC-KR/CP949로 저장된 것 같습니다)' : ''}`,
        en: `invalid UTF-8 byte (${byte}) — save the file as UTF-8${legacy ? ' (it looks like EUC-KR/CP949)' : ''}`,
      }),
      line,
    );
  }
}

/**
 * The size refusal on its own, for readers that know a file's size before its bytes (the
 * `/verify` command lists the folder first and does not download a file it would refuse).
 */
export function tooLarge(size: number, lang: Language): Finding | null {
  if (size <= MAX_MARKDOWN_BYTES) return null;
  return {
    rule: 'file-size',
    severity: 'error',
    message: pick(lang, {
      ko: `파일이 너무 큽니다 (${formatSize(size)}) — 주차 노트는 1 MiB 이하여야 합니다. 출력 전체 대신 핵심 부분만 붙이거나 파일로 따로 올리세요`,
      en: `the file is too large (${formatSize(size)}) — week notes must be at most 1 MiB; paste the important part of long outputs instead of all of it`,
    }),
    line: null,
  };
}

const fail = (rule: string, message: string, line: number | null = null): Decoded => ({
  ok: false,
  finding: { rule, severity: 'error', message, line },
});

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

/**
 * Binary like git decides it (a NUL byte in the first 8 KB), plus files that are mostly
 * control characters without a NUL (some UTF-16 or compressed files).
 */
export function looksBinary(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 8000);
  if (head.length === 0) return false;
  let control = 0;
  for (const b of head) {
    if (b === 0) return true;
    // tab, LF, VT, FF, CR and ESC (colour codes pasted from a terminal) are text
    if (b < 0x20 && b !== 9 && b !== 10 && b !== 11 && b !== 12 && b !== 13 && b !== 27) control++;
    else if (b === 0x7f) control++;
  }
  return control / head.length > 0.3;
}

/** Offset of the first byte that breaks UTF-8 (the decoder only says that one does). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return Math.max(0, bytes.length - 1);
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 10) line++;
  return line;
}

/** Korean text saved by an old Windows editor decodes cleanly as EUC-KR and holds Hangul. */
function looksLikeKoreanLegacyEncoding(bytes: Uint8Array): boolean {
  try {
    const text = new TextDecoder('euc-kr', { fatal: true }).decode(bytes);
    return /[\uAC00-\uD7A3]/.test(text);
  } catch {
    return false;
  }
}
