// `npm run bench -- freeze`: /ping latency over real HTTP while hostile /verify requests run (bench/freeze-over-http.ts).
import nock from 'nock';
import { loadavg } from 'node:os';
import { freezeOverHttp, PHASES, type FreezePhase } from './freeze-over-http.js';

export async function benchFreezeOverHttp() {
  nock.enableNetConnect('127.0.0.1');
  const load = loadavg()[0]!.toFixed(2);
  // FREEZE_PHASES=idle,headings and FREEZE_WAIT_MS=60000: one attack, a bounded wait (a frozen app never answers)
  const phases = process.env.FREEZE_PHASES ? (process.env.FREEZE_PHASES.split(',') as FreezePhase[]).filter((p) => PHASES.includes(p)) : PHASES;
  const run = await freezeOverHttp({ phases, ...(process.env.FREEZE_WAIT_MS ? { waitMs: Number(process.env.FREEZE_WAIT_MS) } : {}) });
  return run.phases.map((p) => ({
    name: `/ping every 20 ms, ${p.phase === 'idle' ? 'nothing asked' : `during a /verify (${p.phase})`}`,
    figures: {
      ...(p.phase === 'idle' ? {} : { 'answered (ms)': p.answeredMs === undefined ? 'no answer' : Math.round(p.answeredMs) }),
      pings: p.pings,
      'p50 (ms)': +p.p50Ms.toFixed(1),
      'p99 (ms)': +p.p99Ms.toFixed(1),
      'max (ms)': +p.maxMs.toFixed(1),
      unanswered: p.unanswered,
      'load (1 min) at start': load,
    },
  }));
}
