import { describe, expect, it } from 'vitest';
import { decideAttendanceCommand } from '../../src/attendance/organizer-commands.js';
import { RefreshQueue } from '../../src/attendance/refresh-queue.js';
import { buildSchedule } from '../../src/attendance/schedule.js';
import { studyConfig } from '../helpers/attendance-study.js';

const config = studyConfig();
const decide = (line: string) =>
  decideAttendanceCommand({ config, schedule: buildSchedule(config), lang: 'en', organizer: 'org', at: new Date(0), args: line.split(' ') });

describe('/attendance', () => {
  it.each([
    ['week 3 present @hong-gildong @jiwoo-kim', 3, 'present', ['hong-gildong', 'jiwoo-kim']],
    ['3주차 공결 hgd', 3, 'excused', ['hong-gildong']],
    ['week3 absent @Jiwoo-Kim, @jiwoo-kim', 3, 'absent', ['jiwoo-kim']],
    ['week 2 online @이영희', 2, 'online', ['lee-younghee']],
  ])('%s', (line, week, state, logins) => {
    const d = decide(line);
    expect(d).toMatchObject({ ok: true, week, state });
    if (d.ok) expect(d.marks.map((m) => m.login)).toEqual(logins);
  });
  it.each([
    ['present @hgd', 'Which week?'],
    ['week 9 present @hgd', 'There is no week 9'],
    ['week 3 here @hgd', 'state is missing or unknown'],
    // words that name Object's prototype members are not states
    ['week 3 constructor @hgd', 'state is missing or unknown'],
    ['week 3 toString @hgd', 'state is missing or unknown'],
    ['week 3 present', 'Whose attendance?'],
    ['week 1 online @hgd', 'must be attended in person'],
    ['week 3 present @hgd @nobody', 'Nothing was changed: not on the roster: `@nobody`'],
  ])('%s → refused', (line, message) => {
    const d = decide(line);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.message).toContain(message);
  });
});

describe('RefreshQueue', () => {
  it('serializes per key and coalesces what arrives during a run into one more run', async () => {
    const q = new RefreshQueue<number>();
    const runs: number[][] = [];
    let active = 0;
    const runner = async (items: number[]) => {
      active++;
      expect(active).toBe(1);
      runs.push(items);
      await new Promise((r) => setTimeout(r, 5));
      active--;
    };
    await Promise.all([1, 2, 3, 4, 5].map((n) => q.request('o/r', [n], runner)));
    expect(runs).toEqual([[1], [2, 3, 4, 5]]);
    expect(q.busy('o/r')).toBe(false);
  });
  it('a failed run rejects its own waiters only', async () => {
    const q = new RefreshQueue<number>();
    const runner = async (items: number[]) => {
      await new Promise((r) => setTimeout(r, 1));
      if (items.includes(1)) throw new Error('boom');
    };
    const results = await Promise.allSettled([q.request('k', [1], runner), q.request('k', [2], runner)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
  });
});
