import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { applyChanges, decodeLedger, emptyLedger, encodeLedger, mergeLedgers, type AttendanceMark, type LedgerChange } from '../../src/attendance/ledger.js';
import { ledgerSeal, ledgerSecretsFromEnv } from '../../src/attendance/ledger-seal.js';
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

describe('the signature', () => {
  const repo = { owner: 'study', repo: 'ebpf' };
  const seal = ledgerSeal(['webhook-secret'], repo)!;

  it('a signed ledger verifies for its repository only, and the JSON inside is the same as unsigned', () => {
    const ledger = realisticLedger();
    const block = encodeLedger(ledger, seal);
    expect(block).toMatch(/^<!-- study-bot:ledger v1 [A-Za-z0-9+/=]+ sig=[0-9a-f]{64} -->$/);
    expect(block.replace(/ sig=[0-9a-f]{64}/, '')).toBe(encodeLedger(ledger));
    expect(decodeLedger(block, seal)).toEqual({ ok: true, ledger });
    expect(decodeLedger(block, ledgerSeal(['webhook-secret'], { owner: 'study', repo: 'other' }))).toMatchObject({ ok: false, reason: expect.stringContaining('signature') });
    expect(decodeLedger(block, ledgerSeal(['someone-else'], repo))).toMatchObject({ ok: false });
  });

  it('an unsigned ledger, a missing block or a changed payload is not the record when the app has a key', () => {
    const ledger = realisticLedger();
    expect(decodeLedger(encodeLedger(ledger), seal)).toMatchObject({ ok: false, reason: 'the ledger is not signed' });
    expect(decodeLedger('<!-- study-bot:attendance-report -->\n| table |', seal)).toMatchObject({ ok: false, reason: 'there is no ledger block' });
    const signed = encodeLedger(ledger, seal);
    const other = encodeLedger(applyChanges(ledger, [mark('present', 'organizer', '2025-10-01T00:00')]));
    const swapped = other.replace(' -->', ` ${signed.match(/sig=[0-9a-f]+/)![0]} -->`);
    expect(decodeLedger(swapped, seal).ok).toBe(false);
  });

  it('verifies with any of its secrets and signs with the first (rotating one keeps old records)', () => {
    const old = encodeLedger(emptyLedger(), ledgerSeal(['old-secret'], repo));
    const rotated = ledgerSeal(['new-secret', 'old-secret'], repo)!;
    expect(decodeLedger(old, rotated).ok).toBe(true);
    expect(decodeLedger(encodeLedger(emptyLedger(), rotated), ledgerSeal(['new-secret'], repo)).ok).toBe(true);
    expect(ledgerSeal([], repo)).toBeNull();
    expect(ledgerSecretsFromEnv({ STUDY_BOT_LEDGER_KEY: ' k ', WEBHOOK_SECRET: 'w', PRIVATE_KEY: '' })).toEqual(['k', 'w']);
  });
});

describe('mergeLedgers', () => {
  const a = applyChanges(emptyLedger(), [
    push('2025-09-09T10:00', [file('study/week1/hgd.md', 'hgd')]),
    mark('present', 'check-in', '2025-09-18T20:01'),
    { kind: 'check', files: [{ path: 'study/week1/hgd.md', status: 'fail' }], at: 1000 },
  ]);
  const b = applyChanges(a, [
    push('2025-09-20T10:00', [file('study/week2/hgd.md', 'hgd', 2)]),
    mark('absent', 'organizer', '2025-09-19T09:00', 'org'),
    { kind: 'check', files: [{ path: 'study/week1/hgd.md', status: 'pass' }], at: 2000 },
  ]);

  it('keeps what either copy knows, in either order; merging an older copy changes nothing', () => {
    expect(mergeLedgers(a, b)).toEqual(b);
    expect(mergeLedgers(b, a)).toEqual(b);
    expect(mergeLedgers(b, b)).toEqual(b);
  });

  it('keeps the earliest first-seen time and takes presence on main from the newer tree', () => {
    const early = applyChanges(emptyLedger(), [push('2025-09-08T10:00', [file('study/week1/hgd.md', 'hgd')], false)]);
    const merged = mergeLedgers(b, early);
    expect(merged.submissions['1/hgd'].firstSeen).toBe(seoul('2025-09-08T10:00'));
    expect(merged.submissions['1/hgd'].onMain).toBe(false); // b's newer tree no longer has it
    expect(merged.treeAt).toBe(b.treeAt);
  });
});
