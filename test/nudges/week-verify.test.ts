import { describe, expect, it } from 'vitest';
import { computeReport } from '../../src/attendance/compute-report.js';
import { buildSchedule } from '../../src/attendance/schedule.js';
import { buildDigest } from '../../src/nudges/digest.js';
import { discordMessage, renderDigest, slackMessage } from '../../src/nudges/render.js';
import { VERIFY_LISTED, VERIFY_PER_MEMBER, weekRequests } from '../../src/nudges/week-verify.js';
import { studyPaths } from '../../src/paths/study-paths.js';
import type { RecordedRequest } from '../../src/verify/verify-history.js';
import { longestTurn } from '../helpers/main-thread-cpu.js';
import { REALISTIC_NOW, realisticLedger, studyConfig } from './realistic.js';

/** A finished request as recordedRequests returns it (oldest first by startedAt). */
const request = (n: number, requester: string, path: string | null): RecordedRequest =>
  ({ requestId: `ic${n}`, requester, state: 'done', startedAt: 1_000_000 + n * 60_000, comment: { kind: 'issue', id: n }, ...(path ? { job: { path, checkRunId: 10_000 + n } } : {}) }) as never;

const week6 = (path: string) => /^study\/week6\//.test(path);

describe('the week\'s /verify requests the digest lists', () => {
  it('narrows to the week\'s notes before anything is cut: newer requests on other notes push nothing out', async () => {
    const records = [
      request(1, 'jiwoo-kim', 'study/week6/jiwoo.md'),
      ...Array.from({ length: 200 }, (_, i) => request(10 + i, 'hong-gildong', 'study/week5/hgd.md')),
      request(500, 'hong-gildong', null),
    ];
    const { listed, total } = await weekRequests(records, week6);
    expect(total).toBe(1);
    expect(listed.map((r) => r.requestId)).toEqual(['ic1']);
  });

  it('keeps each member\'s latest few, counts every request, and lists them oldest first', async () => {
    const records = [
      request(1, 'jiwoo-kim', 'study/week6/jiwoo.md'),
      ...Array.from({ length: 50 }, (_, i) => request(10 + i, i % 2 ? 'hong-gildong' : 'Hong-Gildong', 'study/week6/hgd.md')),
      request(100, 'lee-soo', 'study/week6/lee.md'),
    ];
    const { listed, total } = await weekRequests(records, week6);
    expect(total).toBe(52);
    // one member whatever the login's case: his latest three (ic57, ic58, ic59)
    expect(listed.map((r) => r.requestId)).toEqual(['ic1', 'ic57', 'ic58', 'ic59', 'ic100']);
    expect(VERIFY_PER_MEMBER).toBe(3);
  });

  it('takes members in turns: with more members than lines, each listed member has one line, the most recent members first', async () => {
    // 20 members, each with 4 requests; member m's requests are the m-th block
    const records = Array.from({ length: 20 }, (_, m) => Array.from({ length: 4 }, (_, k) => request(m * 10 + k, `member-${m}`, `study/week6/m${m}.md`))).flat();
    const { listed, total } = await weekRequests(records, week6);
    expect(total).toBe(80);
    expect(listed).toHaveLength(VERIFY_LISTED);
    const who = listed.map((r) => r.requester);
    expect(new Set(who).size).toBe(VERIFY_LISTED);
    // the 12 members who asked last, each with their latest request
    expect(who).toEqual(Array.from({ length: VERIFY_LISTED }, (_, i) => `member-${20 - VERIFY_LISTED + i}`));
    expect(listed.every((r) => r.requestId.endsWith('3'))).toBe(true);
    // with fewer members, the second and third latest fill the lines, everyone's before anyone's third
    const few = await weekRequests(records.filter((r) => Number(r.requester.slice(7)) < 5), week6);
    expect(few.listed).toHaveLength(VERIFY_LISTED);
    const perMember = new Map<string, number>();
    for (const r of few.listed) perMember.set(r.requester, (perMember.get(r.requester) ?? 0) + 1);
    expect([...perMember.values()].sort()).toEqual([2, 2, 2, 3, 3]);
  });

  it('walks a whole roster\'s week of records (tens of thousands) in turns', async () => {
    const paths = studyPaths(studyConfig());
    const isWeekNote = (path: string) => {
      const where = paths.classify(path);
      return where.kind === 'submission' && where.week === 6;
    };
    // 30 members at six an hour for eight days, half on a roster member's week-6 note, half on
    // paths of their own, each classified afresh: one loop held 620 ms of main-thread CPU
    const names = studyConfig().members.map((m) => m.name);
    const records = Array.from({ length: 30 * 6 * 24 * 8 }, (_, i) => request(i, `member-${i % 30}`, `study/week6/${names[i % names.length]}${i % 2 ? '' : `-${i}`}.md`));
    const { result, turn } = await longestTurn(() => weekRequests(records, isWeekNote));
    console.log(`${records.length} records: longest turn ${turn.cpuMs} ms of main-thread CPU (${turn.measuredCpu ? 'CPU' : 'wall'}), ${Math.round(turn.wallMs)} ms wall; ${result.listed.length} listed of ${result.total}`);
    expect(result.listed).toHaveLength(VERIFY_LISTED);
    expect(result.total).toBe(records.length / 2);
    expect(turn.cpuMs).toBeLessThan(300);
  }, 60_000);

  it('the digest says how many there were, lists no more than its lines, and sums up the rest', () => {
    const config = studyConfig();
    const report = computeReport({ config, schedule: buildSchedule(config), ledger: realisticLedger(), now: REALISTIC_NOW });
    const long = 'x'.repeat(300);
    const verify = Array.from({ length: 40 }, (_, i) => ({ requester: `${long}-${i}`, path: `study/week5/${long}.md`, outcome: 'success' }));
    const view = { lang: 'ko' as const, timeZone: 'Asia/Seoul', session: new Date(REALISTIC_NOW).toISOString(), dueAt: new Date(REALISTIC_NOW).toISOString(), final: true, now: new Date(REALISTIC_NOW) };
    const body = renderDigest(buildDigest({ report, week: 5, notes: new Map(), verify, verifyTotal: 90 }), view);
    expect(body).toContain('- **/verify**: 90건');
    expect(body.split('\n').filter((l) => l.startsWith('  - ✅'))).toHaveLength(VERIFY_LISTED);
    expect(body).toContain(`  - … 외 ${90 - VERIFY_LISTED}건`);
    // each line is cut (name 45, path 100): the list stays a few kilobytes at most
    const listLines = body.split('\n').filter((l) => l.startsWith('  - '));
    expect(Math.max(...listLines.map((l) => l.length))).toBeLessThan(200);
    expect(discordMessage(body, null).content.length).toBeLessThanOrEqual(2000);
    expect(slackMessage(body, null).text.length).toBeLessThanOrEqual(4000);
    const en = renderDigest(buildDigest({ report, week: 5, notes: new Map(), verify: verify.slice(0, 1), verifyTotal: 3 }), { ...view, lang: 'en' });
    expect(en).toContain('- **/verify**: 3 requests');
    expect(en).toContain('  - … 2 more');
  });
});
