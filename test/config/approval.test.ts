import { describe, expect, it } from 'vitest';
import { applyChange, decodeLedger, emptyLedger, encodeLedger, mergeLedgers } from '../../src/attendance/ledger.js';
import { ledgerSeal } from '../../src/attendance/ledger-seal.js';
import { approvalOf, diffConfig, gitBlobSha, standingOf } from '../../src/config/approval.js';
import { parseConfig } from '../../src/config/load-config.js';
import { FIRST_USE, trustConfig } from '../../src/push-check/config-trust.js';

const A = 'members:\n  - login: kim\n    name: 김\n';
const B = `${A}  - login: outsider\n    name: out\nverify:\n  perHour: 50\n`;
const config = (text: string) => {
  const r = parseConfig(text);
  if (!r.ok) throw new Error('invalid');
  return r.config;
};
const push = { before: 'b'.repeat(40), after: 'a'.repeat(40), pusherLogin: 'hong', at: 5_000 };

describe('approved config in the ledger', () => {
  const seal = ledgerSeal(['k'], { owner: 'o', repo: 'r' });
  it('survives encoding, signed, with the blob sha git gives the text', () => {
    const approval = approvalOf(B, 'c'.repeat(40), 'boss', 1_700_000_000_123);
    const decoded = decodeLedger(encodeLedger({ ...emptyLedger(), config: approval }, seal), seal);
    expect(decoded.ok && decoded.ledger.config).toEqual({ ...approval, at: 1_700_000_000_000 });
    // git hash-object of "hello\n"
    expect(gitBlobSha('hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });
  it('a ledger without an approval encodes exactly as before', () => {
    expect(encodeLedger(emptyLedger())).not.toContain('"a"');
    const decoded = decodeLedger(encodeLedger(emptyLedger(), seal), seal);
    expect(decoded.ok && decoded.ledger.config).toBeUndefined();
  });
  it('the newest approval wins, applying twice changes nothing, merging is order-free', () => {
    const old = approvalOf(A, '1'.repeat(40), 'boss', 1_000_000);
    const next = approvalOf(B, '2'.repeat(40), 'boss', 2_000_000);
    const l1 = applyChange(applyChange(emptyLedger(), { kind: 'config', approval: next }), { kind: 'config', approval: old });
    expect(l1.config).toEqual(next);
    expect(applyChange(l1, { kind: 'config', approval: next })).toEqual(l1);
    const a = { ...emptyLedger(), config: old };
    const b = { ...emptyLedger(), config: next };
    expect(mergeLedgers(a, b).config).toEqual(next);
    expect(mergeLedgers(b, a).config).toEqual(next);
  });
});

describe('config standing', () => {
  it.each([
    ['the file is the approved config', A, A, 'approved'],
    ['comments and key order do not count as a change', `# note\n${A}`, A, 'approved'],
    ['a changed file waits for approval', B, A, 'pending'],
    ['a broken file waits too', 'members: [', A, 'pending'],
  ])('%s', (_, file, approved, state) => {
    expect(standingOf(file, approvalOf(approved, '', 'boss', 0)).state).toBe(state);
  });
  it('lists what changed, members by login', () => {
    expect(diffConfig(config(A), config(B))).toEqual([
      { key: 'members[outsider]', after: 'out' },
      { key: 'verify.perHour', before: 6, after: 50 },
    ]);
  });
});

describe('trustConfig', () => {
  const approval = approvalOf(A, '', 'boss', 0);
  it.each([
    ['unchanged approved file', { afterText: A, changed: false, pusherIsOrganizer: null, approval }, 'in-effect', 'after', false],
    ["an organizer's change", { afterText: B, beforeText: A, changed: true, pusherIsOrganizer: true, approval }, 'approved-now', 'after', true],
    ["a member's change", { afterText: B, beforeText: A, changed: true, pusherIsOrganizer: false, approval }, 'pending', 'approved', false],
    ['still pending on a later push', { afterText: B, changed: false, pusherIsOrganizer: null, approval }, 'pending', 'approved', false],
    ['bootstrap: the file, adopted', { afterText: A, changed: false, pusherIsOrganizer: null, approval: null }, 'adopted', 'after', true],
    ["bootstrap with a member's change: the config before it, adopted", { afterText: B, beforeText: A, changed: true, pusherIsOrganizer: false, approval: null }, 'pending', 'before', true],
    ['no approvals kept (CLI): the file', { afterText: B, beforeText: A, changed: true, pusherIsOrganizer: false }, 'in-effect', 'after', false],
  ] as const)('%s', (_, input, state, source, records) => {
    const verdict = trustConfig({ ...input, push });
    expect(verdict.trust.state).toBe(state);
    expect(verdict.source).toBe(source);
    expect(Boolean(verdict.record)).toBe(records);
  });
  it("an organizer's change is recorded as theirs; a bootstrap one as first use, with the text before the member's change", () => {
    expect(trustConfig({ afterText: B, beforeText: A, changed: true, pusherIsOrganizer: true, approval, push }).record).toMatchObject({ by: 'hong', text: B, commit: push.after });
    expect(trustConfig({ afterText: B, beforeText: A, changed: true, pusherIsOrganizer: false, approval: null, push }).record).toMatchObject({ by: FIRST_USE, text: A, commit: push.before });
  });
  it('the record guard still asks every roster in play', () => {
    const verdict = trustConfig({ afterText: B, beforeText: A, changed: true, pusherIsOrganizer: false, approval, push });
    expect(verdict.rosterConfigs.map((c) => c.members.length)).toEqual([1, 1, 2]);
  });
});
