/**
 * What the `/verify` gate promises, whatever holds its state: run against this process's
 * store (access.test.ts) and against a real Redis server (shared-state.redis.test.ts).
 */
import { expect, it } from 'vitest';
import { STALE_MARGIN_MS, VerifyGate } from '../../src/verify/access.js';
import type { GateStore } from '../../src/verify/gate-store.js';

export const clockAt = (start: string) => {
  let now = new Date(start).getTime();
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
};

export function gateContract(makeStore: () => GateStore | Promise<GateStore>): void {
  const repo = { owner: 'o', repo: 'r' };
  const limits = (perHour: number, timeoutMinutes = 20) => ({ perHour, timeoutMinutes });
  let n = 0;
  const id = () => `ic${++n}`;

  it('allows one request per member at a time', async () => {
    const clock = clockAt('2025-09-04T11:00:00Z');
    const gate = new VerifyGate(clock, await makeStore());
    const first = await gate.tryStart(VerifyGate.key(repo, 'kim'), id(), limits(6));
    expect(first.ok).toBe(true);
    expect(await gate.tryStart(VerifyGate.key(repo, 'KIM'), id(), limits(6))).toMatchObject({ ok: false, reason: 'busy' });
    expect((await gate.tryStart(VerifyGate.key(repo, 'lee'), id(), limits(6))).ok).toBe(true);
    expect((await gate.tryStart(VerifyGate.key({ owner: 'o', repo: 'other' }, 'kim'), id(), limits(6))).ok).toBe(true);
    if (first.ok) await gate.finish(first.ticket);
    expect((await gate.tryStart(VerifyGate.key(repo, 'kim'), id(), limits(6))).ok).toBe(true);
  });

  it('never starts the same request (comment) twice: running, finished, or known from GitHub after a restart', async () => {
    const clock = clockAt('2025-09-04T11:00:00Z');
    const gate = new VerifyGate(clock, await makeStore());
    const key = VerifyGate.key(repo, 'kim');
    const request = id();
    const first = await gate.tryStart(key, request, limits(6));
    expect(first.ok).toBe(true);
    expect(await gate.tryStart(key, request, limits(6))).toEqual({ ok: false, reason: 'duplicate' });
    if (first.ok) await gate.finish(first.ticket);
    // Redelivered after the run finished, and after the hour's count forgot it.
    clock.advance(3 * 60 * 60_000);
    expect(await gate.tryStart(key, request, limits(6))).toEqual({ ok: false, reason: 'duplicate' });
    expect((await gate.tryStart(key, id(), limits(6))).ok).toBe(true);
    // A fresh process that only read GitHub's records back (verify-history.ts).
    const restarted = new VerifyGate(clock, await makeStore());
    const old = id();
    await restarted.seed([{ key: VerifyGate.key(repo, 'lee'), starts: [{ requestId: old, startedAt: clock.now().getTime() - 5 * 60 * 60_000 }], running: null }]);
    expect(await restarted.tryStart(VerifyGate.key(repo, 'lee'), old, limits(6))).toEqual({ ok: false, reason: 'duplicate' });
  });

  it('caps requests per sliding hour and says when to come back', async () => {
    const clock = clockAt('2025-09-04T11:00:00Z');
    const gate = new VerifyGate(clock, await makeStore());
    const key = VerifyGate.key(repo, 'kim');
    for (let i = 0; i < 2; i++) {
      const d = await gate.tryStart(key, id(), limits(2));
      expect(d.ok).toBe(true);
      if (d.ok) await gate.finish(d.ticket);
      clock.advance(10 * 60_000);
    }
    const refused = await gate.tryStart(key, id(), limits(2));
    expect(refused).toMatchObject({ ok: false, reason: 'rate' });
    if (!refused.ok && refused.reason === 'rate') expect(refused.message.en).toContain('40 min');
    clock.advance(40 * 60_000 + 1);
    expect((await gate.tryStart(key, id(), limits(2))).ok).toBe(true);
  });

  it('stops counting a request that never finished a few minutes after its deadline', async () => {
    const clock = clockAt('2025-09-04T11:00:00Z');
    const gate = new VerifyGate(clock, await makeStore());
    const key = VerifyGate.key(repo, 'kim');
    const stale = await gate.tryStart(key, id(), limits(6, 20));
    // still within the default 20-minute deadline and its margin: the first run may yet report
    clock.advance(20 * 60_000 + STALE_MARGIN_MS - 1);
    expect(await gate.tryStart(key, id(), limits(6, 20))).toMatchObject({ ok: false, reason: 'busy' });
    clock.advance(1);
    const fresh = await gate.tryStart(key, id(), limits(6, 20));
    expect(fresh.ok).toBe(true);
    // the old ticket finishing late must not free the new request
    if (stale.ok) await gate.finish(stale.ticket);
    expect(await gate.tryStart(key, id(), limits(6, 20))).toMatchObject({ ok: false, reason: 'busy' });
  });

  it.each([
    [1, 'a 1-minute timeout frees the slot soon after'],
    [90, 'a self-hosted runner allowed 90 minutes keeps it past the old fixed 30'],
    [24 * 60, 'the longest timeout, 24 hours'],
  ])('ties the slot to verify.timeoutMinutes = %i (%s)', async (timeoutMinutes) => {
    const clock = clockAt('2025-09-04T11:00:00Z');
    const gate = new VerifyGate(clock, await makeStore());
    const key = VerifyGate.key(repo, 'kim');
    const perHour = 1000; // the hourly cap is not what this test is about
    expect((await gate.tryStart(key, id(), limits(perHour, timeoutMinutes))).ok).toBe(true);
    clock.advance(timeoutMinutes * 60_000); // the deadline itself: the close-out may still be on its way
    expect(await gate.tryStart(key, id(), limits(perHour, timeoutMinutes))).toMatchObject({ ok: false, reason: 'busy' });
    clock.advance(STALE_MARGIN_MS);
    expect((await gate.tryStart(key, id(), limits(perHour, timeoutMinutes))).ok).toBe(true);
  });

  it('counts what GitHub says was started before, once per request, and a run still pending as running', async () => {
    const clock = clockAt('2025-09-04T11:00:00Z');
    const store = await makeStore();
    const gate = new VerifyGate(clock, store);
    const key = VerifyGate.key(repo, 'kim');
    const t = clock.now().getTime();
    const starts = [
      { requestId: 'ic901', startedAt: t - 50 * 60_000 },
      { requestId: 'ic902', startedAt: t - 30 * 60_000 },
      { requestId: 'ic903', startedAt: t - 2 * 60 * 60_000 }, // older than the hour: not counted
    ];
    // read twice (two replicas, or the recovery pass and a request): still two requests
    await gate.seed([{ key, starts, running: null }]);
    await gate.seed([{ key, starts, running: null }]);
    expect(await gate.tryStart(key, id(), limits(3))).toMatchObject({ ok: true });
    const refused = await gate.tryStart(VerifyGate.key(repo, 'kim'), id(), limits(3));
    expect(refused).toMatchObject({ ok: false, reason: 'busy' });

    const other = VerifyGate.key(repo, 'lee');
    await gate.seed([{ key: other, starts: [{ requestId: 'ic904', startedAt: t - 60_000 }], running: { requestId: 'ic904', startedAt: t - 60_000, staleAt: t + 60_000 } }]);
    expect(await gate.isRunning(other, 'ic904')).toBe(true);
    expect(await gate.tryStart(other, id(), limits(6))).toMatchObject({ ok: false, reason: 'busy' });
    await gate.finish({ key: other, requestId: 'ic904', startedAt: t - 60_000 });
    expect(await gate.isRunning(other, 'ic904')).toBe(false);
    expect((await gate.tryStart(other, id(), limits(6))).ok).toBe(true);
  });
}
