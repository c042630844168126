import { describe, expect, it } from 'vitest';
import { longestTurn } from '../helpers/main-thread-cpu.js';

/** The stall tests' yardstick measures what it says: a busy turn, not an idle wait. */
describe('longestTurn (the stall tests’ measure)', () => {
  it('counts a turn that computes for 300 ms as about 300 ms, and a 300 ms idle wait as next to nothing', async () => {
    const busy = await longestTurn(async () => {
      await new Promise((r) => setTimeout(r, 20));
      // one turn of JavaScript that computes for 300 ms of CPU (not of wall: the machine may be loaded)
      const start = process.cpuUsage();
      const cpuMs = () => {
        const used = process.cpuUsage(start);
        return (used.user + used.system) / 1000;
      };
      while (cpuMs() < 300);
    });
    const idle = await longestTurn(() => new Promise((r) => setTimeout(r, 300)));
    console.log(`busy: ${busy.turn.cpuMs} ms (${busy.turn.measuredCpu ? 'CPU' : 'wall'}), idle: ${idle.turn.cpuMs} ms`);
    expect(busy.turn.cpuMs).toBeGreaterThanOrEqual(250);
    expect(idle.turn.cpuMs).toBeLessThan(100);
  });
});
