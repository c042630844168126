import { describe, expect, it } from 'vitest';
import { localDriver } from '../../src/verify/drivers/local-driver.js';
import type { VerifierRequest, VerifyJob } from '../../src/verify/drivers/types.js';
import { VerifyQueue } from '../../src/verify/drivers/verify-queue.js';
import type { VerifyOutcome } from '../../src/verify/render-verify.js';

/**
 * Issue 17, item 2: the VM queue had no bound (one `/verify` of 50 one-liners on two kernels
 * held the runner for tens of minutes while everyone else queued behind it), and a request
 * outlived its member's gate. The local driver now admits a bounded number of requests, in
 * total and per member, tells the others at once when to come back, and hands the request's
 * deadline to the runner.
 */
const job = (member: string, n: number): VerifyJob =>
  ({ requestId: `r${n}`, oneLiners: [], kernels: [], path: 'study/week1/x.md', deadline: 1_000_000 + n, ticket: { key: `o/r#${member}`, requestId: `r${n}`, startedAt: 0 } }) as unknown as VerifyJob;

function scene(total: number) {
  const waiting: (() => void)[] = [];
  const requests: VerifierRequest[] = [];
  const verifier = async (_: unknown, request?: VerifierRequest) => {
    requests.push(request!);
    await new Promise<void>((resolve) => waiting.push(resolve));
    return { runner: { kernel: 'k', bpftrace: null, btf: true }, results: [] } as never;
  };
  let now = 0;
  const queue = new VerifyQueue(() => ({ total, perMember: 1, parallel: 1 }), () => now);
  const outcomes = new Map<string, VerifyOutcome>();
  const io = { publish: async (j: VerifyJob, outcome: VerifyOutcome) => void outcomes.set(j.requestId, outcome), remember: async () => undefined };
  const driver = localDriver(verifier, queue);
  return { driver, io, outcomes, requests, finishOne: () => waiting.shift()?.(), advance: (ms: number) => (now += ms) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('the /verify queue of the local driver', () => {
  it('is bounded in total: past it the member is told at once to come back in N minutes, in Korean and English', async () => {
    const s = scene(2);
    const running = [s.driver.start(job('a', 1), s.io), s.driver.start(job('b', 2), s.io)];
    await settle();
    await s.driver.start(job('c', 3), s.io);
    const busy = s.outcomes.get('r3');
    expect(busy?.kind).toBe('failed');
    const problem = (busy as Extract<VerifyOutcome, { kind: 'failed' }>).problem;
    expect(problem.ko).toMatch(/VM 러너가 바쁩니다.*약 3분 뒤에 다시 요청해 주세요/);
    expect(problem.en).toMatch(/busy .*try again in about 3 min/);
    // The two admitted ones run, and a place frees up when one ends.
    s.advance(60_000);
    s.finishOne();
    await running[0];
    running.push(s.driver.start(job('c', 4), s.io));
    await settle();
    expect(s.requests).toHaveLength(3);
    expect(s.outcomes.get('r4')).toBeUndefined();
    s.finishOne();
    s.finishOne();
    await Promise.all(running);
    expect(s.outcomes.get('r4')?.kind).toBe('report');
  });

  it('is bounded per member, and the request\'s deadline reaches the runner', async () => {
    const s = scene(10);
    const first = s.driver.start(job('a', 1), s.io);
    await settle();
    await s.driver.start(job('a', 2), s.io);
    expect(s.outcomes.get('r2')?.kind).toBe('failed');
    expect(s.requests.map((r) => r.deadline)).toEqual([1_000_001]);
    s.finishOne();
    await first;
  });
});
