import { describe, expect, it } from 'vitest';
import { buildSchedule, nextSession, openWindowAt } from '../../src/attendance/schedule.js';
import { formatZoned } from '../../src/attendance/zoned-time.js';
import { studyConfig, seoul } from '../helpers/attendance-study.js';

const iso = (d: Date, tz = 'Asia/Seoul') => formatZoned(d, tz);

describe('buildSchedule', () => {
  it('puts week N on the Nth Thursday at 20:00 Seoul, due at the next session', () => {
    const s = buildSchedule(studyConfig());
    expect(s.weeks).toHaveLength(8);
    expect(s.weeks.map((w) => iso(w.session))).toEqual([
      '2025-09-04T20:00:00+09:00',
      '2025-09-11T20:00:00+09:00',
      '2025-09-18T20:00:00+09:00',
      '2025-09-25T20:00:00+09:00',
      '2025-10-02T20:00:00+09:00',
      '2025-10-09T20:00:00+09:00',
      '2025-10-16T20:00:00+09:00',
      '2025-10-23T20:00:00+09:00',
    ]);
    expect(iso(s.weeks[0].deadline)).toBe('2025-09-11T20:00:00+09:00');
    expect(iso(s.weeks[7].deadline)).toBe('2025-10-30T20:00:00+09:00');
    expect(s.weeks.map((w) => w.mode)).toEqual(['offline', 'hybrid', 'hybrid', 'hybrid', 'hybrid', 'hybrid', 'hybrid', 'offline']);
  });

  it('skips holidays: every later week moves by a week', () => {
    const s = buildSchedule(studyConfig().schedule && { ...studyConfig(), schedule: { ...studyConfig().schedule, skip: ['2025-10-02'] } });
    expect(iso(s.weeks[3].session)).toBe('2025-09-25T20:00:00+09:00');
    expect(iso(s.weeks[3].deadline)).toBe('2025-10-09T20:00:00+09:00');
    expect(iso(s.weeks[4].session)).toBe('2025-10-09T20:00:00+09:00');
    expect(iso(s.weeks[7].session)).toBe('2025-10-30T20:00:00+09:00');
  });

  it('keeps 20:00 local across a daylight-saving change (Europe/Berlin, 26 Oct 2025)', () => {
    const base = studyConfig();
    const s = buildSchedule({ ...base, schedule: { ...base.schedule, timezone: 'Europe/Berlin', firstSession: '2025-10-16T20:00' } });
    expect(iso(s.weeks[0].session, 'Europe/Berlin')).toBe('2025-10-16T20:00:00+02:00');
    expect(iso(s.weeks[2].session, 'Europe/Berlin')).toBe('2025-10-30T20:00:00+01:00');
    expect(s.weeks[2].session.toISOString()).toBe('2025-10-30T19:00:00.000Z');
  });

  it('applies the grace period, and a per-week override exactly', () => {
    const base = studyConfig();
    const s = buildSchedule({ ...base, attendance: { ...base.attendance, graceMinutes: 120, deadlines: { '8': '2025-10-31T23:59' } } });
    expect(iso(s.weeks[0].deadline)).toBe('2025-09-11T22:00:00+09:00');
    expect(iso(s.weeks[7].deadline)).toBe('2025-10-31T23:59:00+09:00');
  });
});

describe('check-in windows', () => {
  const s = buildSchedule(studyConfig());
  it.each([
    ['2025-09-11T19:29', null],
    ['2025-09-11T19:30', 2],
    ['2025-09-11T20:45', 2],
    ['2025-09-11T21:00', 2],
    ['2025-09-11T21:01', null],
  ])('at %s the open week is %s', (local, week) => {
    expect(openWindowAt(s, new Date(seoul(local)))?.week ?? null).toBe(week);
  });
  it('names the next session after a closed window, and none after the last', () => {
    expect(nextSession(s, new Date(seoul('2025-09-11T21:01')))?.week).toBe(3);
    expect(nextSession(s, new Date(seoul('2025-10-23T21:01')))).toBeNull();
  });
});
