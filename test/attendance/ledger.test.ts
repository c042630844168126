import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { applyChanges, decodeLedger, emptyLedger, encodeLedger, type AttendanceMark, type LedgerChange } from '../../src/attendance/ledger.js';
import { realisticLedger, seoul } from '../helpers/attendance-study.js';

const mark = (state: AttendanceMark['state'], source: AttendanceMark['source'], at: string, by = 'x'): LedgerChange => ({
  kind: 'mark',
  mark: { week: 3, login: 'Hong-Gildong', state, by, at: seoul(at), source },
});
const file = (path: string, owner: string, week = 1) => ({ path, week, owner });
const push = (at: string, files: ReturnType<typeof file>[], complete = true, renames: { from: ReturnType<typeof file>; to: ReturnType<typeof file> }[] = []): LedgerChange => ({
  kind: 'tree',
  files,
  renames,
  seenAt: seoul(at),
  complete,
});

describe('attendance marks', () => {
  it('the latest organizer word wins, over any check-in, in any order of arrival', () => {
    const changes = [
      mark('present', 'check-in', '2025-09-18T20:01'),
      mark('absent', 'organizer', '2025-09-18T22:00', 'org'),
      mark('excused', 'organizer', '2025-09-19T09:00', 'org2'),
      mark('online', 'check-in', '2025-09-18T20:30'),
    ];
    for (const order of [changes, [...changes].reverse(), [changes[2], changes[0], changes[3], changes[1]]]) {
      const l = applyChanges(emptyLedger(), order);
      expect(l.marks['3/hong-gildong']).toMatchObject({ state: 'excused', by: 'org2', source: 'organizer' });
    }
  });
  it('applying the same mark twice changes nothing', () => {
    const once = applyChanges(emptyLedger(), [mark('present', 'check-in', '2025-09-18T20:01')]);
    expect(applyChanges(once, [mark('present', 'check-in', '2025-09-18T20:01')])).toEqual(once);
  });
});

describe('submissions', () => {
  it('first-seen only moves earlier; a force push that re-adds the file later keeps it', () => {
    let l = applyChanges(emptyLedger(), [push('2025-09-09T10:00', [file('study/week1/hgd.md', 'hgd')])]);
    // force push: history rewritten, file gone, then back with a later push
    l = applyChanges(l, [push('2025-09-12T10:00', [])]);
    expect(l.submissions['1/hgd']).toMatchObject({ onMain: false, firstSeen: seoul('2025-09-09T10:00') });
    l = applyChanges(l, [push('2025-09-13T10:00', [file('study/week1/hgd.md', 'hgd')])]);
    expect(l.submissions['1/hgd']).toMatchObject({ onMain: true, firstSeen: seoul('2025-09-09T10:00') });
  });
  it('an older tree delivered late teaches first-seen but does not decide what is on main', () => {
    let l = applyChanges(emptyLedger(), [push('2025-09-10T10:00', [])]);
    l = applyChanges(l, [push('2025-09-09T10:00', [file('study/week1/hgd.md', 'hgd')])]);
    expect(l.submissions['1/hgd']).toMatchObject({ onMain: false, firstSeen: seoul('2025-09-09T10:00') });
  });
  it('a rename inside the week folder keeps the submission, even from a name nobody has', () => {
    let l = applyChanges(emptyLedger(), [push('2025-09-08T10:00', [file('study/week1/jw.md', 'jw')])]);
    l = applyChanges(l, [push('2025-09-12T10:00', [file('study/week1/jiwoo.md', 'jiwoo')], true, [{ from: file('study/week1/jw.md', 'jw'), to: file('study/week1/jiwoo.md', 'jiwoo') }])]);
    expect(l.submissions['1/jiwoo']).toEqual({ week: 1, owner: 'jiwoo', path: 'study/week1/jiwoo.md', firstSeen: seoul('2025-09-08T10:00'), onMain: true });
    expect(l.submissions['1/jw']).toBeUndefined();
  });
  it('a move to another week folder is a new submission there', () => {
    let l = applyChanges(emptyLedger(), [push('2025-09-08T10:00', [file('study/week1/hgd.md', 'hgd')])]);
    l = applyChanges(l, [push('2025-09-20T10:00', [file('study/week2/hgd.md', 'hgd', 2)], true, [{ from: file('study/week1/hgd.md', 'hgd'), to: file('study/week2/hgd.md', 'hgd', 2) }])]);
    expect(l.submissions['2/hgd'].firstSeen).toBe(seoul('2025-09-20T10:00'));
    expect(l.submissions['1/hgd'].onMain).toBe(false);
  });
  it('an older check result never replaces a newer one', () => {
    const l = applyChanges(emptyLedger(), [
      { kind: 'check', files: [{ path: 'study/week1/hgd.md', status: 'pass' }], at: 2000 },
      { kind: 'check', files: [{ path: 'study/week1/hgd.md', status: 'fail' }], at: 1000 },
    ]);
    expect(l.checks['study/week1/hgd.md'].status).toBe('pass');
  });
});

describe('encoding', () => {
  it('round-trips a realistic ledger (to the second)', () => {
    const ledger = realisticLedger();
    const decoded = decodeLedger(`intro\n${encodeLedger(ledger)}\n`);
    expect(decoded).toEqual({ ok: true, ledger });
  });
  it('no block is an empty ledger; a broken or forged block is an error, never a silent reset', () => {
    expect(decodeLedger('no data here')).toEqual({ ok: true, ledger: emptyLedger() });
    expect(decodeLedger('<!-- study-bot:ledger v1 bm90IGRlZmxhdGU= -->').ok).toBe(false);
    expect(decodeLedger('<!-- study-bot:ledger v9 AAAA -->')).toMatchObject({ ok: false, reason: expect.stringContaining('version 9') });
    const wrongShape = Buffer.from(deflateRawSync(JSON.stringify({ v: 1, t: 0, s: [['x']], c: [], m: [] }))).toString('base64');
    expect(decodeLedger(`<!-- study-bot:ledger v1 ${wrongShape} -->`).ok).toBe(false);
  });
});
