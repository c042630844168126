import { describe, expect, it } from 'vitest';
import { implicitRoster } from '../../src/attendance/implicit-roster.js';
import { applyChanges, decodeLedger, emptyLedger, encodeLedger, mergeLedgers, type Ledger } from '../../src/attendance/ledger.js';

describe('implicitRoster (the rows while the roster is empty)', () => {
  const note = (owner: string, firstSeen: number, onMain = true) => ({ week: 1, owner, path: `study/week1/${owner}.md`, firstSeen, onMain });

  it('keeps the first names to arrive, up to the bound, sorted for the table, and counts the rest', () => {
    const ledger: Ledger = emptyLedger();
    ledger.submissions['1/jiwoo'] = note('jiwoo', 2_000);
    ledger.submissions['1/hgd'] = note('hgd', 1_000);
    for (let i = 0; i < 500; i++) ledger.submissions[`1/a${i}`] = note(`a${i}`, 10_000 + i);
    ledger.work = { '4/minsu': { week: 4, owner: 'minsu', firstSeen: 3_000, commits: { abcd1234: 3 }, files: [], ebpf: [] } };
    const roster = implicitRoster(ledger, 5);
    expect(roster).toEqual({ names: ['a0', 'a1', 'hgd', 'jiwoo', 'minsu'], left: 498 });
  });

  it('a removed note does not make a row', () => {
    const ledger: Ledger = emptyLedger();
    ledger.submissions['1/gone'] = note('gone', 1_000, false);
    ledger.submissions['1/hgd'] = note('hgd', 2_000);
    expect(implicitRoster(ledger)).toEqual({ names: ['hgd'], left: 0 });
  });

  it('one pusher brings at most 3 names; names pushed by others come before names only the tree showed', () => {
    const ledger: Ledger = emptyLedger();
    for (let i = 0; i < 50; i++) ledger.submissions[`1/flood${i}`] = { ...note(`flood${i}`, 1_000 + i), pushers: ['hong-gildong'] };
    for (let i = 0; i < 50; i++) ledger.submissions[`2/tree${i}`] = { ...note(`tree${i}`, 1_000 + i), week: 2 };
    ledger.submissions['1/member-1'] = { ...note('member-1', 5_000), pushers: ['member-1'] };
    const roster = implicitRoster(ledger, 10);
    expect(roster.names).toEqual(['flood0', 'flood1', 'flood2', 'member-1', 'tree0', 'tree1', 'tree2', 'tree3', 'tree4', 'tree5']);
    expect(roster.left).toBe(91);
  });
});

describe('the pusher of a note’s first sighting, in the ledger', () => {
  it('is kept through the signed block and a merge, and a block written before it was kept still reads', () => {
    const file = { path: 'study/week1/hgd.md', week: 1, owner: 'hgd' };
    const seen = applyChanges(emptyLedger(), [{ kind: 'tree', files: [file], renames: [], seenAt: 2_000_000, complete: false, pusher: 'Hong-Gildong' }]);
    expect(seen.submissions['1/hgd']).toMatchObject({ firstSeen: 2_000_000, pushers: ['hong-gildong'] });
    const read = decodeLedger(`x\n${encodeLedger(seen)}`);
    expect(read.ok && read.ledger.submissions['1/hgd']?.pushers).toEqual(['hong-gildong']);
    // another copy's sighting (a copy of the ledger from before) adds its pusher; applying it twice changes nothing
    const earlier = applyChanges(emptyLedger(), [{ kind: 'tree', files: [file], renames: [], seenAt: 1_000_000, complete: false, pusher: 'jiwoo-kim' }]);
    expect(mergeLedgers(seen, earlier).submissions['1/hgd']).toMatchObject({ firstSeen: 1_000_000, pushers: ['hong-gildong', 'jiwoo-kim'] });
    expect(mergeLedgers(mergeLedgers(seen, earlier), earlier).submissions['1/hgd']).toEqual(mergeLedgers(seen, earlier).submissions['1/hgd']);
    // without a pusher (the tree alone, an old block): no `by`
    const old = applyChanges(emptyLedger(), [{ kind: 'tree', files: [file], renames: [], seenAt: 1_000_000, complete: true }]);
    const oldRead = decodeLedger(`x\n${encodeLedger(old)}`);
    expect(oldRead.ok && oldRead.ledger.submissions['1/hgd']).toEqual({ week: 1, owner: 'hgd', path: 'study/week1/hgd.md', firstSeen: 1_000_000, onMain: true });
  });
});
