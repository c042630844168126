import { describe, expect, it } from 'vitest';
import { completionOf, computeReport } from '../../src/attendance/compute-report.js';
import { applyChanges, emptyLedger, encodeLedger, type LedgerChange } from '../../src/attendance/ledger.js';
import { pushChanges, type ReportGitHub } from '../../src/attendance/refresh-report.js';
import { renderOptionsFor, renderReport, reportCommentBody } from '../../src/attendance/render-report.js';
import { buildSchedule } from '../../src/attendance/schedule.js';
import type { StudyConfig } from '../../src/config/schema.js';
import { byteLength } from '../../src/github/text-limits.js';
import { REPORT_NOW, realisticLedger, seoul, studyConfig } from '../helpers/attendance-study.js';

const renderFor = (config: StudyConfig, ledger = realisticLedger(), now = REPORT_NOW) => {
  const schedule = buildSchedule(config);
  const report = computeReport({ config, schedule, ledger, now });
  const visible = renderReport(report, renderOptionsFor(config, schedule, now));
  return { report, visible, body: reportCommentBody(visible, encodeLedger(ledger)) };
};

describe('computeReport', () => {
  const { report } = renderFor(studyConfig());
  const byName = Object.fromEntries(report.members.map((m) => [m.name, m]));

  it('counts absences in past sessions only, excused ones excluded, and follows with the status', () => {
    expect(byName.dohyun).toMatchObject({ absences: 3, completion: 'failed' });
    expect(byName.seojin).toMatchObject({ absences: 2, completion: 'at-risk' });
    expect(byName.minsu).toMatchObject({ absences: 1, completion: 'on-track' });
    expect(byName.sora).toMatchObject({ absences: 0, completion: 'on-track' });
    expect(byName.sora.weeks['5'].attendance).toBe('excused');
    expect(byName.minsu.weeks['2'].attendance).toBe('present'); // the organizer's latest word
    expect(byName.hgd.weeks['7']).toEqual({ attendance: 'unknown', submission: null });
  });

  it('fills the submission contract: path, first-seen in the study time zone, on time, last check', () => {
    expect(byName.minsu.weeks['2'].submission).toEqual({
      path: 'study/week2/minsu.md',
      firstSeen: '2025-09-20T01:00:00+09:00',
      onTime: false,
      status: 'pass',
    });
    expect(byName.jiwoo.weeks['1'].submission?.path).toBe('study/week1/jw.md');
    expect(byName.sora.weeks['3'].submission?.status).toBe('fail');
    expect(byName.minsu.weeks['6'].submission?.status).toBeNull();
    expect(byName.dohyun.weeks['3'].submission).toBeNull();
    expect(report.weeks[0]).toEqual({ week: 1, session: '2025-09-04T20:00:00+09:00', deadline: '2025-09-11T20:00:00+09:00', mode: 'offline', accepts: 'note' });
  });

  it('treats a past week nobody has any record for as no data, not as absences', () => {
    const ledger = applyChanges(emptyLedger(), [
      { kind: 'mark', mark: { week: 2, login: 'hong-gildong', state: 'present', by: 'hong-gildong', at: seoul('2025-09-11T20:00'), source: 'check-in' } },
    ]);
    const { report: r } = renderFor(studyConfig(), ledger);
    expect(r.members[0].weeks['1'].attendance).toBe('unknown');
    expect(r.members[1].weeks['1'].attendance).toBe('unknown');
    expect(r.members[1].weeks['2'].attendance).toBe('absent');
    expect(r.members[1].absences).toBe(1);
  });

  it('completes the study once it is over, only where the sessions without data could not change that', () => {
    const { report: r, visible } = renderFor(studyConfig(), realisticLedger(), new Date(seoul('2025-10-24T12:00')));
    const completion = Object.fromEntries(r.members.map((m) => [m.name, m.completion]));
    // weeks 7 and 8 have no attendance data in this ledger: 2 sessions that could be absences
    expect(r.members.find((m) => m.name === 'seojin')).toMatchObject({ absences: 2, completion: 'unknown' });
    expect(r.members.find((m) => m.name === 'minsu')).toMatchObject({ absences: 1, completion: 'unknown' });
    expect(completion.hgd).toBe('completed'); // 0 absences + 2 unknown < 3: decided
    expect(completion.dohyun).toBe('failed');
    expect(visible).toContain('❔ 미정 (출석 기록 부족)');
  });

  it('never claims completion without attendance data', () => {
    const noMarks = { ...realisticLedger(), marks: {} };
    const { report: r, visible } = renderFor(studyConfig(), noMarks, new Date(seoul('2025-10-24T12:00')));
    expect(r.members.length).toBeGreaterThan(0);
    expect(r.members.every((m) => m.completion === 'unknown' && m.absences === 0)).toBe(true);
    expect(visible).not.toContain('🎓');
    expect(renderFor(studyConfig('', 'en'), noMarks, new Date(seoul('2025-10-24T12:00'))).visible).toContain('❔ unknown (attendance missing)');
  });

  it.each<[number, number, boolean, string]>([
    [0, 0, true, 'completed'],
    [2, 0, true, 'completed'],
    [0, 2, true, 'completed'],
    [0, 3, true, 'unknown'],
    [1, 2, true, 'unknown'],
    [3, 5, true, 'failed'],
    [3, 0, false, 'failed'],
    [2, 0, false, 'at-risk'],
    [0, 8, false, 'on-track'],
  ])('completionOf(absences %i, unknown %i, over %s) = %s', (absences, unknown, over, expected) => {
    expect(completionOf(absences, unknown, 3, over)).toBe(expected);
  });

  it('counts online on an in-person week as an absence and says why, like check-in refuses it', () => {
    const at = seoul('2025-09-04T20:10');
    const mark = (week: number, login: string, state: 'present' | 'online') =>
      ({ kind: 'mark', mark: { week, login, state, by: 'attendance-file', at, source: 'organizer' } }) as LedgerChange;
    const ledger = applyChanges(emptyLedger(), [
      mark(1, 'park-minsu', 'online'), // week 1 is offline: in person only
      mark(1, 'hong-gildong', 'present'),
      mark(2, 'park-minsu', 'online'), // week 2 is hybrid: online counts
      mark(8, 'park-minsu', 'online'), // week 8 is offline too, but still to come
    ]);
    const { report: r, visible } = renderFor(studyConfig(), ledger, new Date(seoul('2025-09-19T12:00')));
    const minsu = r.members.find((m) => m.name === 'minsu')!;
    expect(r.weeks[0].mode).toBe('offline');
    expect(minsu.weeks['1']).toMatchObject({ attendance: 'absent', refused: 'online-on-offline-week' });
    expect(minsu.weeks['2']).toMatchObject({ attendance: 'online' });
    expect(minsu.weeks['2']).not.toHaveProperty('refused');
    expect(minsu.weeks['8']).toMatchObject({ attendance: 'absent', refused: 'online-on-offline-week' });
    expect(minsu.absences).toBe(1); // week 8's session has not happened yet
    expect(r.members.find((m) => m.name === 'hgd')!.weeks['1']).toEqual({ attendance: 'present', submission: null });
    // the bot's comment says it too
    expect(visible).toMatch(/\| minsu<br><sub>park-minsu<\/sub> \| \*\*온라인 \(불인정\)\*\*<br>미제출 \| 온라인/);
    const en = renderFor(studyConfig('', 'en'), ledger, new Date(seoul('2025-09-19T12:00'))).visible;
    expect(en).toContain('**online (not accepted)**');
  });

  it('with an empty roster, the rows are whoever submitted', () => {
    const config = { ...studyConfig(), members: [] };
    const { report: r } = renderFor(config);
    expect(r.members.map((m) => m.name)).toContain('이영희');
    expect(r.members.every((m) => m.login === null)).toBe(true);
  });
});

describe('the report comment', () => {
  it('reads well in Korean (8 members, 8 weeks, mixed states)', async () => {
    const { visible } = renderFor(studyConfig());
    await expect(visible + '\n').toMatchFileSnapshot('../fixtures/attendance/report-comment.ko.md');
  });
  it('reads well in English', async () => {
    const { visible } = renderFor(studyConfig('', 'en'));
    await expect(visible + '\n').toMatchFileSnapshot('../fixtures/attendance/report-comment.en.md');
  });

  it('stays under 65,535 bytes for 40 members with every week filled and long Korean names', () => {
    const members = Array.from({ length: 40 }, (_, i) => ({
      login: `member-with-a-rather-long-login-${String(i).padStart(2, '0')}`,
      name: `스터디원이름이꽤긴사람${i}`,
      aliases: [],
    }));
    const config: StudyConfig = { ...studyConfig(), members };
    const changes: LedgerChange[] = [];
    for (const [i, m] of members.entries()) {
      for (let week = 1; week <= 8; week++) {
        const path = `study/week${week}/${m.name}.md`;
        changes.push({ kind: 'tree', files: [{ path, week, owner: m.name }], renames: [], seenAt: seoul('2025-09-05T10:00') + week * 7 * 86_400_000 + i * 1_234_567, complete: false });
        changes.push({ kind: 'check', files: [{ path, status: (['pass', 'warn', 'fail'] as const)[(i + week) % 3] }], at: seoul('2025-09-05T11:00') + week * 7 * 86_400_000 + i * 7_654_321 });
        changes.push({
          kind: 'mark',
          mark: { week, login: m.login, state: (['present', 'online', 'absent', 'excused'] as const)[(i * week) % 4], by: 'an-organizer-login', at: seoul('2025-09-04T20:10') + week * 7 * 86_400_000 + i * 97_531, source: i % 2 ? 'organizer' : 'check-in' },
        });
      }
    }
    const ledger = applyChanges(emptyLedger(), changes);
    const { body, visible } = renderFor(config, ledger, new Date(seoul('2025-11-01T12:00')));
    const size = byteLength(body);
    expect(size).toBeLessThan(65_535);
    expect(body).toContain(visible); // nothing was cut
    expect(body.split('\n').filter((l) => l.startsWith('| 스터디원'))).toHaveLength(40);
  });

  it('never lets a member name break the table', () => {
    const config = { ...studyConfig(), members: [{ login: 'evil', name: 'a|b<script>', aliases: [] }] };
    const { visible } = renderFor(config, emptyLedger());
    const row = visible.split('\n').find((l) => l.includes('evil'))!;
    expect(row).toContain('a\\|b&lt;script>');
  });
});

describe('the legend says the deadline the schedule computes', () => {
  const deadlineLine = (visible: string) => visible.split('\n').find((l) => l.startsWith('- 마감') || l.startsWith('- Deadline'));

  it('by default: the start of the next session', () => {
    expect(deadlineLine(renderFor(studyConfig()).visible)).toMatch(/^- 마감: 다음 세션 시작 시각\. /);
    expect(deadlineLine(renderFor(studyConfig('', 'en')).visible)).toMatch(/^- Deadline: the start of the next session\. /);
  });

  it('with a grace period and a per-week deadline, both as configured (and as the cells are judged)', () => {
    const extra = 'attendance:\n  graceMinutes: 90\n  deadlines: { "8": "2025-10-30T23:59" }\n';
    const ko = renderFor(studyConfig(extra));
    expect(deadlineLine(ko.visible)).toMatch(/^- 마감: 다음 세션 시작 1시간 30분 뒤 \(단, 8주차 10\/30 23:59\)\. /);
    expect(deadlineLine(renderFor(studyConfig(extra, 'en')).visible)).toMatch(
      /^- Deadline: 1 hour 30 minutes after the next session starts \(except week 8: 10\/30 23:59\)\. /,
    );
    // the rule in words is the rule in the contract
    expect(ko.report.weeks[0].deadline).toBe('2025-09-11T21:30:00+09:00');
    expect(ko.report.weeks[7].deadline).toBe('2025-10-30T23:59:00+09:00');
  });

  it('every week set exactly: only the dates', () => {
    const days = ['09-12', '09-19', '09-26', '10-03', '10-10', '10-17', '10-24', '10-31'];
    const all = Object.fromEntries(days.map((d, i) => [String(i + 1), `2025-${d}T12:00`]));
    const deadline = deadlineLine(renderFor(studyConfig(`attendance:\n  deadlines: ${JSON.stringify(all)}\n`)).visible)!;
    expect(deadline).toMatch(/^- 마감: 1주차 9\/12 12:00, 2주차 9\/19 12:00, .*8주차 10\/31 12:00\. /);
    expect(deadline).not.toContain('다음 세션');
  });
});

// A study folder too big to list (attack review 20: study/a000 … naming one tree): the refresh
// goes by the pushes' own file lists and the report says what it did not read.
describe('a study folder too big to list', () => {
  it('pushChanges records that the listing was cut, and the report says so above the table (Korean; English for an English study)', async () => {
    const config = studyConfig();
    const asked: string[] = [];
    const gh = {
      treePaths: async (sha: string, folder: string) => {
        asked.push(`${sha} ${folder}`);
        return null;
      },
    } as unknown as ReportGitHub;
    const seen: { listingCut?: string } = {};
    const changes = await pushChanges(gh, config, [{ after: 'a'.repeat(40), pushedAt: REPORT_NOW.getTime(), commits: [{ added: ['study/week1/hgd.md'] }] }], seen);
    expect(asked).toEqual([`${'a'.repeat(40)} study`]);
    expect(seen.listingCut).toBe('study');
    // only the push's own files, no "this is all of main" change
    expect(changes.every((c) => c.kind !== 'tree' || !c.complete)).toBe(true);

    const schedule = buildSchedule(config);
    const report = computeReport({ config, schedule, ledger: realisticLedger(), now: REPORT_NOW });
    const ko = renderReport(report, { ...renderOptionsFor(config, schedule, REPORT_NOW), listingCut: 'study' });
    expect(ko).toContain('> ⚠️ `study/` 폴더의 항목이 너무 많아');
    expect(renderReport(report, renderOptionsFor(config, schedule, REPORT_NOW))).not.toContain('`study/` 폴더의 항목이 너무 많아');
    const en = renderReport(report, { ...renderOptionsFor({ ...config, language: 'en' }, schedule, REPORT_NOW), listingCut: 'study' });
    expect(en).toContain('> ⚠️ `study/` has too many entries');
  });
});
