import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/runner/redact.js';
import { renderRecord, repairBpftraceJson } from '../../src/runner/render-events.js';
import { statusLabel } from '../../src/runner/status-labels.js';

describe('renderRecord', () => {
  it.each([
    [{ type: 'attached_probes', data: { probes: 1 } }, 0, []],
    [{ type: 'printf', data: 'a\nb\n' }, 1, ['a', 'b']],
    [{ type: 'map', data: { '@': { bash: 3, sh: 9 } } }, 2, ['@[sh]: 9', '@[bash]: 3']],
    [{ type: 'map', data: { '@x': {} } }, 0, []],
    [{ type: 'map', data: { '@count': 5 } }, 1, ['@count: 5']],
    [{ type: 'hist', data: { '@y': [{ min: 4, max: 7, count: 1 }] } }, 1, ['@y: [4, 7) 1']],
  ])('%o', (record, events, lines) => {
    expect(renderRecord(record)).toEqual({ events, lines });
  });

  it('shows an untouched scalar map (`@: 0`) without counting it as an event', () => {
    expect(renderRecord({ type: 'map', data: { '@': 0 } })).toEqual({ events: 0, lines: ['@: 0'] });
    expect(renderRecord({ type: 'map', data: { '@': 7 } })).toEqual({ events: 1, lines: ['@: 7'] });
  });

  it('repairs bpftrace 0.17 byte escapes into UTF-8', () => {
    const line = String.raw`{"type": "printf", "data": "eBPF \uffffffec\uffffff8a\uffffffa4\uffffffed\uffffff84\uffffffb0\uffffffeb\uffffff94\uffffff94!\n"}`;
    expect(renderRecord(JSON.parse(repairBpftraceJson(line))).lines).toEqual(['eBPF 스터디!']);
  });
});

describe('redactSecrets', () => {
  it.each([
    'token ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
    'ghs_16C7e42F292c6912E7710c838347Ae178B4a',
    'AKIAIOSFODNN7EXAMPLE',
    'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef',
    'aGVsbG8gd29ybGQgdGhpcyBpcyBhIHNlY3JldCBrZXkxMjM0NTY3ODkw',
  ])('%s', (text) => {
    expect(redactSecrets(text)).toContain('[REDACTED]');
  });

  it('leaves ordinary output alone', () => {
    const text = '12231  bash             /usr/lib/locale/C.UTF-8/LC_IDENTIFICATION\n@[studybot-load]: 364';
    expect(redactSecrets(text)).toBe(text);
  });
});

describe('statusLabel', () => {
  it('speaks Korean first, English on request', () => {
    expect(statusLabel('ok')).toBe('✅ 동작함');
    expect(statusLabel('denied', 'en')).toBe('⛔ denied by the safety policy');
    expect(statusLabel('unsupported', 'ko')).toBe('🚫 이 러너에서 지원 안 됨');
  });
});
