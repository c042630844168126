import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeSubmission, firstInvalidUtf8, looksBinary, MAX_MARKDOWN_BYTES } from '../../src/check/decode-text.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('decodeSubmission', () => {
  it('decodes UTF-8 and keeps CRLF', () => {
    expect(decodeSubmission(bytes('# Week 1 - 홍길동\r\n\r\n본문\r\n'), 'ko')).toEqual({ ok: true, text: '# Week 1 - 홍길동\r\n\r\n본문\r\n' });
  });

  it('drops the BOM', () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('# 제목')]);
    expect(decodeSubmission(withBom, 'ko')).toEqual({ ok: true, text: '# 제목' });
  });

  it('keeps terminal colour codes pasted into an output block as text', () => {
    expect(decodeSubmission(bytes('```\n\u001b[31mERROR\u001b[0m\n```\n'), 'ko').ok).toBe(true);
  });

  it('refuses a binary file named .md', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(decodeSubmission(png, 'ko')).toEqual({
      ok: false,
      finding: { rule: 'file-format', severity: 'error', message: '바이너리 파일입니다 — 마크다운 텍스트로 저장하세요', line: null },
    });
    const controls = new Uint8Array(100).fill(1);
    expect(looksBinary(controls)).toBe(true);
    expect(looksBinary(new Uint8Array())).toBe(false);
  });

  it('names the line of the first invalid UTF-8 byte and spots EUC-KR', () => {
    const euckr = new Uint8Array([...bytes('# Week 4\n\n'), 0xb9, 0xce, 0xbc, 0xf6, 0x0a]);
    const r = decodeSubmission(euckr, 'ko');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.finding).toMatchObject({ rule: 'file-encoding', severity: 'error', line: 3 });
    expect(r.finding.message).toContain('0xB9');
    expect(r.finding.message).toContain('EUC-KR');
    const latin1 = new Uint8Array([...bytes('a\nb\nc'), 0xff]);
    const l = decodeSubmission(latin1, 'en');
    expect(!l.ok && l.finding).toMatchObject({ line: 3, message: 'invalid UTF-8 byte (0xFF) — save the file as UTF-8' });
  });

  it('refuses files over 1 MiB without decoding them', () => {
    const big = new Uint8Array(MAX_MARKDOWN_BYTES + 1).fill(0x61);
    const r = decodeSubmission(big, 'ko');
    expect(!r.ok && r.finding).toMatchObject({ rule: 'file-size', severity: 'error', line: null });
    expect(decodeSubmission(new Uint8Array(MAX_MARKDOWN_BYTES).fill(0x61), 'ko').ok).toBe(true);
  });

  it('firstInvalidUtf8 agrees with the platform decoder on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (data) => {
        let valid = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(data);
        } catch {
          valid = false;
        }
        if (valid) return;
        const at = firstInvalidUtf8(data);
        // everything before the reported byte is valid UTF-8
        new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(0, at));
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (data) => {
        const r = decodeSubmission(data, 'ko');
        expect(typeof r.ok).toBe('boolean');
      }),
    );
  });
});
