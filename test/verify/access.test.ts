import { describe, expect, it } from 'vitest';
import { decideAccess, STALE_MARGIN_MS, VerifyGate } from '../../src/verify/access.js';

const clockAt = (start: string) => {
  let now = new Date(start).getTime();
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
};

describe('decideAccess', () => {
  it.each([
    [{ onRoster: true, canWrite: false, isOrganizer: false }, false, true],
    [{ onRoster: false, canWrite: true, isOrganizer: false }, false, true],
    [{ onRoster: false, canWrite: false, isOrganizer: false }, false, 'not-member'],
    [{ onRoster: true, canWrite: false, isOrganizer: false }, true, 'organizer-only'],
    [{ onRoster: true, canWrite: true, isOrganizer: false }, true, 'organizer-only'],
    [{ onRoster: false, canWrite: true, isOrganizer: true }, true, true],
  ])('%j other=%s → %s', (standing, otherMember, expected) => {
    const d = decideAccess({ login: 'kim', ...standing }, { otherMember });
    expect(d.ok ? true : d.reason).toBe(expected);
  });
});

describe('VerifyGate', () => {
  const repo = { owner: 'o', repo: 'r' };
  const limits = (perHour: number, timeoutMinutes = 20) => ({ perHour, timeoutMinutes });

  it('allows one request per member at a time', () => {
    const clock = clockAt('2025-09-04T11:00:00Z');
    const gate = new VerifyGate(clock);
    const first = gate.tryStart(VerifyGate.key(repo, 'kim'), limits(6));
    expect(first.ok).toBe(true);
    expect(gate.tryStart(VerifyGate.key(repo, 'KIM'), limits(6))).toMatchObject({ ok: false, reason: 'busy' });
    expect(gate.tryStart(VerifyGate.key(repo, 'lee'), limits(6)).ok).toBe(true);
    expect(gate.tryStart(VerifyGate.key({ owner: 'o', repo: 'other' }, 'kim'), limits(6)).ok).toBe(true);
    if (first.ok) gate.finish(first.ticket);
    expect(gate.tryStart(VerifyGate.key(repo, 'kim'), limits(6)).ok).toBe(true);
  });

  it('caps requests per sliding hour and says when to come back', () => {
    const clock = clockAt('2025-09-04T11:00:00Z');
    const gate = new VerifyGate(clock);
    const key = VerifyGate.key(repo, 'kim');
    for (let i = 0; i < 2; i++) {
      const d = gate.tryStart(key, limits(2));
      expect(d.ok).toBe(true);
      if (d.ok) gate.finish(d.ticket);
      clock.advance(10 * 60_000);
    }
    const refused = gate.tryStart(key, limits(2));
    expect(refused).toMatchObject({ ok: false, reason: 'rate' });
    if (!refused.ok) expect(refused.message.en).toContain('40 min');
    clock.advance(40 * 60_000 + 1);
    expect(gate.tryStart(key, limits(2)).ok).toBe(true);
  });

  it('stops counting a request that never finished a few minutes after its deadline', () => {
    const clock = clockAt('2025-09-04T11:00:00Z');
    const gate = new VerifyGate(clock);
    const key = VerifyGate.key(repo, 'kim');
    const stale = gate.tryStart(key, limits(6, 20));
    // still within the default 20-minute deadline and its margin: the first run may yet report
    clock.advance(20 * 60_000 + STALE_MARGIN_MS - 1);
    expect(gate.tryStart(key, limits(6, 20))).toMatchObject({ ok: false, reason: 'busy' });
    clock.advance(1);
    const fresh = gate.tryStart(key, limits(6, 20));
    expect(fresh.ok).toBe(true);
    // the old ticket finishing late must not free the new request
    if (stale.ok) gate.finish(stale.ticket);
    expect(gate.tryStart(key, limits(6, 20))).toMatchObject({ ok: false, reason: 'busy' });
  });

  it.each([
    [1, 'a 1-minute timeout frees the slot soon after'],
    [90, 'a self-hosted runner allowed 90 minutes keeps it past the old fixed 30'],
    [24 * 60, 'the longest timeout, 24 hours'],
  ])('ties the slot to verify.timeoutMinutes = %i (%s)', (timeoutMinutes) => {
    const clock = clockAt('2025-09-04T11:00:00Z');
    const gate = new VerifyGate(clock);
    const key = VerifyGate.key(repo, 'kim');
    const perHour = 1000; // the hourly cap is not what this test is about
    expect(gate.tryStart(key, limits(perHour, timeoutMinutes)).ok).toBe(true);
    clock.advance(timeoutMinutes * 60_000); // the deadline itself: the close-out may still be on its way
    expect(gate.tryStart(key, limits(perHour, timeoutMinutes))).toMatchObject({ ok: false, reason: 'busy' });
    clock.advance(STALE_MARGIN_MS);
    expect(gate.tryStart(key, limits(perHour, timeoutMinutes)).ok).toBe(true);
  });
});
