// `npm run bench -- freeze`: /ping latency while a /verify with a hostile note runs (bench/freeze-over-http.ts).
import nock from 'nock';
import { freezeOverHttp, type FreezeAttack } from './freeze-over-http.js';

export async function benchFreezeOverHttp() {
  nock.enableNetConnect('127.0.0.1');
  const out = [];
  for (const attack of ['heading', 'message'] as FreezeAttack[]) {
    const r = await freezeOverHttp(attack, process.env.BENCH_NPM_START === '1' ? 'npm-start' : 'tsx');
    out.push({ name: `/ping during a /verify with the ${attack} attack`, figures: { 'answered (ms)': r.answeredMs ?? 'no answer', pings: r.pings, 'p50 (ms)': r.p50Ms, 'p99 (ms)': r.p99Ms, 'max (ms)': r.maxMs } });
  }
  return out;
}
