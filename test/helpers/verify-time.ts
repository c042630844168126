import type { Clock, Timer } from '../../src/app/deps.js';

/**
 * A clock and a timer that only move when the test says so: `advance(ms)` moves the clock and
 * runs every task that fell due, in order. Nothing really waits.
 */
export function manualTime(start = '2025-09-04T11:00:00Z') {
  let now = new Date(start).getTime();
  const tasks: { at: number; task: () => void; cancelled: boolean }[] = [];
  const clock: Clock = { now: () => new Date(now) };
  const timer: Timer = {
    schedule(delayMs, task) {
      const entry = { at: now + Math.max(0, delayMs), task, cancelled: false };
      tasks.push(entry);
      return () => {
        entry.cancelled = true;
      };
    },
  };
  return {
    clock,
    timer,
    /** tasks scheduled and neither run nor cancelled */
    get scheduled(): number {
      return tasks.filter((t) => !t.cancelled).length;
    },
    advance(ms: number): void {
      now += ms;
      for (;;) {
        const due = tasks.filter((t) => !t.cancelled && t.at <= now).sort((a, b) => a.at - b.at)[0];
        if (!due) return;
        due.cancelled = true;
        due.task();
      }
    },
  };
}
