/**
 * Attack review (thirteenth round, report at the config caps): every report refresh rebuilds
 * the ledger with `copies.reduce(mergeLedgers, emptyLedger())` (src/attendance/refresh-report.ts),
 * and mergeLedgers turns each stored mark into a change applied by `applyChanges`, whose
 * `applyChange` clones the whole ledger per change (`cloneLedger`, src/attendance/ledger.ts):
 * quadratic in the marks. The config allows 500 members × 52 weeks (BOUNDS), 26,000 marks.
 * Measured (load 1.5-3.5): 2,602 changes (50 members × 52 weeks) took 10.4 s of CPU in one
 * synchronous call; here 40 members × 52 weeks (2,080 marks, 8% of the cap; 1,040 marks took 0.6 s), merged once as a
 * refresh does, on the event loop. Any member's check-in or push queues such a refresh.
 */
import { describe, expect, it } from 'vitest';
import { emptyLedger, markKey, mergeLedgers, type Ledger } from '../../src/attendance/ledger.js';
import { BOUNDS } from '../../src/config/schema.js';
import { seoul } from '../helpers/attendance-study.js';

/** The stored ledger, built directly (not through applyChanges, which is the slow part). */
function storedLedger(members: number): Ledger {
  const ledger = emptyLedger();
  for (let i = 0; i < members; i++) {
    for (let w = 1; w <= BOUNDS.weeks; w++) {
      const login = `member-${i}`;
      ledger.marks[markKey(w, login)] = { week: w, login, state: 'present', by: login, at: seoul('2025-09-04T20:05') + (w - 1) * 7 * 86_400_000, source: 'check-in' };
    }
  }
  return ledger;
}

describe('attack: the report refresh merges the stored ledger in quadratic time', () => {
  it('HIGH (fixed): merging 2,080 marks (40 members × 52 weeks; the cap is 500 × 52) takes under a second of CPU', () => {
    const stored = storedLedger(40);
    const started = process.cpuUsage();
    const merged = mergeLedgers(emptyLedger(), stored);
    const used = process.cpuUsage(started);
    const ms = (used.user + used.system) / 1000;
    console.log(`mergeLedgers: ${ms.toFixed(0)} ms of CPU for ${Object.keys(stored.marks).length} marks`);
    expect(Object.keys(merged.marks).length).toBe(40 * BOUNDS.weeks);
    expect(ms, `mergeLedgers took ${ms.toFixed(0)} ms`).toBeLessThan(1_000);
  }, 300_000);
});

describe('attack: the same merge over note checks, which a member\'s pushes add (one per checked path)', () => {
  it('HIGH (fixed): merging 2,000 checked paths takes under a second of CPU', () => {
    const stored = emptyLedger();
    for (let i = 0; i < 2_000; i++) stored.checks[`study/week${(i % BOUNDS.weeks) + 1}/x${i}.md`] = { status: 'fail', at: seoul('2025-09-05T11:00') };
    const started = process.cpuUsage();
    const merged = mergeLedgers(emptyLedger(), stored);
    const used = process.cpuUsage(started);
    const ms = (used.user + used.system) / 1000;
    console.log(`mergeLedgers: ${ms.toFixed(0)} ms of CPU for ${Object.keys(stored.checks).length} checks`);
    expect(Object.keys(merged.checks).length).toBe(2_000);
    expect(ms, `mergeLedgers took ${ms.toFixed(0)} ms`).toBeLessThan(1_000);
  }, 300_000);
});
