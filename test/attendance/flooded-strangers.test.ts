import { describe, expect, it } from 'vitest';
import { fitLedger } from '../../src/attendance/fit-ledger.js';
import { leaveOutImplicitStrangers, leaveOutStrangers, STRANGER_NAMES_MAX } from '../../src/attendance/flooded-strangers.js';
import { IMPLICIT_ROSTER_MAX, implicitRoster } from '../../src/attendance/implicit-roster.js';
import { applyChanges, emptyLedger, encodeLedger, type Ledger, type LedgerChange, type StudyFileRef } from '../../src/attendance/ledger.js';

const file = (owner: string, week = 1): StudyFileRef => ({ path: `study/week${week}/${owner}.md`, week, owner });
const tree = (files: StudyFileRef[], seenAt: number, complete: boolean, pusher?: string): LedgerChange => ({
  kind: 'tree',
  files,
  renames: [],
  seenAt,
  complete,
  ...(pusher ? { pusher } : {}),
});
const names = (n: number, prefix = 'x') => Array.from({ length: n }, (_, i) => `${prefix}${(i * 7919) % n}`);

/** A stored ledger: two members' notes and checks, a mark, a stranger's note kept for renames. */
function stored(): Ledger {
  const ledger = applyChanges(emptyLedger(), [
    tree([file('hgd'), file('m1'), file('jw')], 1_000_000, true),
    { kind: 'check', files: [{ path: 'study/week1/hgd.md', status: 'pass' }, { path: 'study/week1/jw.md', status: 'warn' }], at: 1_100_000 },
    { kind: 'mark', mark: { week: 1, login: 'hong-gildong', state: 'present', by: 'hong-gildong', at: 1_200_000, source: 'check-in' } },
  ]);
  return ledger;
}
const ROSTER = new Set(['hgd', 'm1']);

describe('strangers left out before the ledger is built (with a roster)', () => {
  it(`up to ${STRANGER_NAMES_MAX} stranger names: everything is applied, the fit decides as before`, () => {
    const changes = [tree([file('hgd'), file('m1'), ...names(STRANGER_NAMES_MAX - 1).map((n) => file(n))], 2_000_000, true)];
    const out = leaveOutStrangers(stored(), changes, ROSTER);
    expect(out.left).toBe(0);
    expect(Object.keys(applyChanges(out.base, out.changes).submissions)).toHaveLength(STRANGER_NAMES_MAX + 2);
  });

  it('past the bound: no stranger is applied, every member record and mark is as a full apply and the fit leave it, and the names are counted', () => {
    const base = stored();
    const changes = [tree([file('hgd'), file('m1'), file('m1', 2), ...names(50_000).map((n) => file(n, 1 + (n.length % 8)))], 2_000_000, true)];
    const out = leaveOutStrangers(base, changes, ROSTER);
    // jw, kept in the stored ledger, is one of them
    expect(out.left).toBe(50_001);
    const built = applyChanges(out.base, out.changes);
    expect(Object.keys(built.submissions).sort()).toEqual(['1/hgd', '1/m1', '2/m1']);
    // what the refresh stored before: everything applied, then trimmed to fit
    const isMember = (o: string) => ROSTER.has(o);
    const before = fitLedger(applyChanges(base, changes), (l) => encodeLedger(l), 57_000, isMember);
    expect(before.trimmed).toContain('strangers');
    const after = fitLedger(built, (l) => encodeLedger(l), 57_000, isMember, ['strangers']);
    expect(after.ledger).toEqual(before.ledger);
    // before, the stale checks gave way first, for nothing: the strangers' checks go with them
    expect(before.trimmed).toEqual(['stale-checks', 'strangers']);
    expect(after.trimmed).toEqual(['strangers']);
    expect(after.ledger.checks).toEqual({ 'study/week1/hgd.md': { status: 'pass', at: 1_100_000 } });
    expect(Object.keys(after.ledger.marks)).toEqual(['1/hong-gildong']);
  });

  it('a rename from or to a stranger is left out with them; a member renamed within their name is kept', () => {
    const rename: LedgerChange = {
      kind: 'tree',
      files: [file('m1'), ...names(2_000).map((n) => file(n))],
      renames: [{ from: file('jw'), to: file('zz') }],
      seenAt: 2_000_000,
      complete: false,
    };
    const out = leaveOutStrangers(stored(), [rename], ROSTER);
    expect(out.changes[0]).toMatchObject({ renames: [], files: [file('m1')] });
  });
});

describe('fresh names of the tree left out (empty roster: the first 100 names are the rows)', () => {
  it('the rows are the same as with everything applied, and the names left out are counted', () => {
    const base = stored();
    const fresh = names(3_000, 'n');
    const changes = [
      // member-1's push lists their note; hong-gildong's lists three of the flood
      tree([file('member-1')], 2_000_000, false, 'member-1'),
      tree(['n5', 'n6', 'n7'].map((n) => file(n)), 1_900_000, false, 'hong-gildong'),
      tree([file('hgd'), file('member-1'), ...fresh.map((n) => file(n, 2))], 2_000_000, true),
    ];
    const out = leaveOutImplicitStrangers(base, changes);
    const full = applyChanges(base, changes);
    const built = applyChanges(out.base, out.changes);
    expect(implicitRoster(built).names).toEqual(implicitRoster(full).names);
    expect(implicitRoster(built).names).toContain('member-1');
    // hgd, m1, jw, member-1 and the three pushed (in week 1, and in week 2 from the tree) are
    // known; of the rest the first 100 in code-unit order stay
    expect(out.left).toBe(3_000 - 3 - IMPLICIT_ROSTER_MAX);
    expect(Object.keys(built.submissions)).toHaveLength(3 + 1 + 3 + 3 + IMPLICIT_ROSTER_MAX);
  });

  it('with few fresh names nothing is left out', () => {
    const changes = [tree(names(STRANGER_NAMES_MAX + IMPLICIT_ROSTER_MAX).map((n) => file(n)), 2_000_000, true)];
    expect(leaveOutImplicitStrangers(stored(), changes).left).toBe(0);
  });
});
