import type { Bilingual } from '../../i18n/pick.js';

/**
 * How many `/verify` requests this process holds at once, running or waiting for a VM, in
 * total and per member. The gate already lets a member have one request at a time; this bound
 * keeps the whole queue short, so a request either starts within its deadline or is told at
 * once to come back later, with an estimate, instead of sitting in a queue that outlives it.
 */
export interface QueueLimits {
  /** Requests held at once (STUDY_BOT_VERIFY_QUEUE). */
  total: number;
  /** Requests held at once per member key (the gate's `owner/repo#login`). */
  perMember: number;
  /** Requests that run side by side (VM slots): the estimate divides by it. */
  parallel: number;
}

export const DEFAULT_QUEUE_TOTAL = 6;
/** Assumed length of one request until this process has seen some. */
const DEFAULT_RUN_MS = 3 * 60_000;

export type Admission = { ok: true; release: () => void } | { ok: false; message: Bilingual };

export function queueLimitsFromEnv(env: NodeJS.ProcessEnv, parallel: number): QueueLimits {
  const total = Number(env.STUDY_BOT_VERIFY_QUEUE);
  return { total: Number.isInteger(total) && total >= 1 && total <= 1000 ? total : DEFAULT_QUEUE_TOTAL, perMember: 1, parallel: Math.max(1, parallel) };
}

export class VerifyQueue {
  private readonly held = new Map<string, number>();
  private count = 0;
  /** Lengths of the last requests, for the estimate. */
  private readonly recent: number[] = [];

  constructor(private readonly limits: () => QueueLimits, private readonly now: () => number = Date.now) {}

  admit(member: string): Admission {
    const limits = this.limits();
    const mine = this.held.get(member) ?? 0;
    if (this.count >= limits.total || mine >= limits.perMember) {
      const minutes = this.waitMinutes(limits);
      return {
        ok: false,
        message: {
          ko: `VM 러너가 바쁩니다 (실행·대기 중인 요청 ${this.count}개${mine > 0 ? ', 그중 내 요청 ' + mine + '개' : ''}). 약 ${minutes}분 뒤에 다시 요청해 주세요.`,
          en: `the VM runner is busy (${this.count} request(s) running or waiting${mine > 0 ? `, ${mine} of them yours` : ''}). Please try again in about ${minutes} min.`,
        },
      };
    }
    this.count++;
    this.held.set(member, mine + 1);
    const startedAt = this.now();
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.count--;
        const left = (this.held.get(member) ?? 1) - 1;
        if (left > 0) this.held.set(member, left);
        else this.held.delete(member);
        this.recent.push(this.now() - startedAt);
        if (this.recent.length > 20) this.recent.shift();
      },
    };
  }

  /** Until a place is free: the requests ahead, run `parallel` at a time, each as long as lately. */
  private waitMinutes(limits: QueueLimits): number {
    const typical = this.recent.length > 0 ? this.recent.reduce((a, b) => a + b, 0) / this.recent.length : DEFAULT_RUN_MS;
    const rounds = Math.max(1, Math.ceil((this.count - limits.total + 1) / limits.parallel));
    return Math.max(1, Math.ceil((rounds * typical) / 60_000));
  }
}
