import { describe, expect, it } from 'vitest';
import { implicitRoster } from '../../src/attendance/implicit-roster.js';
import { emptyLedger, type Ledger } from '../../src/attendance/ledger.js';

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
});
