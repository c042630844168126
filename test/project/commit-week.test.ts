import { describe, expect, it } from 'vitest';
import { buildSchedule } from '../../src/attendance/schedule.js';
import { weekByWindow, weekNamedIn, weekOfCommit } from '../../src/project/commit-week.js';
import { parseConfig } from '../../src/config/load-config.js';

const config = (() => {
  const parsed = parseConfig('schedule:\n  firstSession: "2026-09-03T20:00"\n');
  if (!parsed.ok) throw new Error('config');
  return parsed.config;
})();
const schedule = buildSchedule(config);
const seoul = (local: string) => Date.parse(`${local}:00+09:00`);

describe('the week a commit message names', () => {
  // The messages of a real study repository of this course (issue 15), then their neighbours.
  it.each([
    ['week3 for yhc', 3],
    ['add: 4week assignment', 4],
    ['week5', 5],
    ['week6 yhc', 6],
    ['add: week7 kyj', 7],
    ['week7 ljw', 7],
    ['6주차', 6],
    ['6 주차 과제: BCC로 execsnoop', 6],
    ['week 5', 5],
    ['WEEK-2 notes', 2],
    ['4th week: tc 실습', 4],
    ['w5 xdp drop counter', 5],
    ['feat: xdp counter\n\nweek 3 body text is not read', null],
    ['fix typo', null],
    ['week 12 (an 8-week study has none)', null],
    ['week 3 → week 4 notes', null],
    ['bump libbpf to 1.4.0', null],
    ['add 2 weeks of data', 2],
  ] as const)('%j → %s', (message, week) => {
    expect(weekNamedIn(message, 8)).toBe(week);
  });

  it('reads only a bounded subject: a 1 MB message costs no more than its first 200 characters', () => {
    expect(weekNamedIn(`${'x'.repeat(1_000_000)} week5`, 8)).toBeNull();
    expect(weekNamedIn(`week5 ${' '.repeat(1_000_000)}`, 8)).toBe(5);
  });
});

describe("the schedule's windows", () => {
  it("week N runs to week N's deadline (week N+1's session); before week 1 is week 1, after the last is the last", () => {
    expect(weekByWindow(schedule, seoul('2026-08-01T10:00'))).toBe(1);
    expect(weekByWindow(schedule, seoul('2026-09-10T20:00'))).toBe(1); // week 1's deadline, inclusive
    expect(weekByWindow(schedule, seoul('2026-09-10T20:01'))).toBe(2);
    expect(weekByWindow(schedule, seoul('2026-10-12T11:00'))).toBe(6); // week 6: 10/8, due 10/15
    expect(weekByWindow(schedule, seoul('2027-01-01T00:00'))).toBe(8);
  });

  it("a message's week wins over the window (the member's own word)", () => {
    expect(weekOfCommit('week4 kim', seoul('2026-10-12T11:00'), schedule)).toEqual({ week: 4, by: 'message' });
    expect(weekOfCommit('kprobe 추가', seoul('2026-10-12T11:00'), schedule)).toEqual({ week: 6, by: 'window' });
  });
});
