import { describe, expect, it } from 'vitest';
import { computeReport } from '../../src/attendance/compute-report.js';
import { buildSchedule } from '../../src/attendance/schedule.js';
import { applyChanges, decodeLedger, emptyLedger, encodeLedger } from '../../src/attendance/ledger.js';
import { buildDigest } from '../../src/nudges/digest.js';
import { decodeNudgeRecord, nudgeRecordSeal, sentOf, withRecord } from '../../src/nudges/nudge-record.js';
import { nudgePreference } from '../../src/nudges/nudge-command.js';
import { whoOwes, type NoteCheck } from '../../src/nudges/owed.js';
import { dueDigests, dueNudges, nextChange, weekTimes } from '../../src/nudges/plan.js';
import { discordMessage, inert, renderNudge, slackMessage } from '../../src/nudges/render.js';
import { parseConfig } from '../../src/config/load-config.js';
import { REALISTIC_NOW, realisticLedger, seoul, studyConfig, STUDY_YML } from './realistic.js';

function withSkip(extra: string) {
  const parsed = parseConfig(STUDY_YML.replace('  skip: []', '  skip: [2025-09-18]') + extra);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config;
}

describe('when reminders and digests are due', () => {
  const config = withSkip('nudges:\n  skipWeeks: [5]\n');
  const times = weekTimes(buildSchedule(config), config);

  it('week N is reminded 24 h before week N+1’s session, after the skipped date, and not in a skipped week', () => {
    // week 2's notes are due at week 3's session: 09-25 (09-18 is skipped)
    const w2 = times.find((t) => t.week === 2)!;
    expect(new Date(w2.dueAt).toISOString()).toBe(new Date(seoul('2025-09-25T20:00')).toISOString());
    expect(dueNudges(times, config, seoul('2025-09-24T19:59'))).toEqual([]);
    expect(dueNudges(times, config, seoul('2025-09-24T20:00'))).toEqual([2]);
    expect(dueNudges(times, config, seoul('2025-09-25T19:59'))).toEqual([2]);
    // once the session starts, a reminder missed while down is not sent any more
    expect(dueNudges(times, config, seoul('2025-09-25T20:00'))).toEqual([]);
    const w5 = times.find((t) => t.week === 5)!;
    expect(dueNudges(times, config, w5.nudgeAt + 1)).toEqual([]);
    expect(nextChange(times, seoul('2025-09-24T12:00'))).toBe(seoul('2025-09-24T20:00'));
  });

  it('a digest opens when the check-in window closes and is final once the notes are due', () => {
    const at = seoul('2025-09-04T21:00');
    expect(dueDigests(times, config, at - 1)).toEqual([]);
    expect(dueDigests(times, config, at)).toEqual([{ week: 1, final: false }]);
    expect(dueDigests(times, config, seoul('2025-09-11T21:00'))).toEqual([{ week: 1, final: true }, { week: 2, final: false }]);
  });

  it('off for the study: nothing is due', () => {
    const off = studyConfig('nudges:\n  enabled: false\n');
    const t = weekTimes(buildSchedule(off), off);
    expect(dueNudges(t, off, t[0].nudgeAt)).toEqual([]);
    expect(dueDigests(t, off, t[0].digestFrom)).toEqual([]);
  });
});

describe('who owes what', () => {
  const config = studyConfig();
  const schedule = buildSchedule(config);
  const report = computeReport({ config, schedule, ledger: realisticLedger(), now: REALISTIC_NOW });
  const failing: NoteCheck = {
    path: 'study/week3/sora.md',
    status: 'fail',
    findings: [
      { rule: 'sections', severity: 'error', message: '`## 실습` 섹션이 없습니다 @everyone', line: null },
      { rule: 'links', severity: 'warning', message: 'a warning never blocks', line: 3 },
    ],
  };
  const notes = new Map([[failing.path, failing]]);

  it('names only members who still owe, with the missing file, the failing items and the command', () => {
    const owing = whoOwes({ config, report, week: 3, optedOut: new Set(), notes });
    expect(owing.map((o) => o.login)).toEqual(['choi-sora', 'kang-dohyun']);
    expect(owing[0].items).toEqual([{ kind: 'failing', path: 'study/week3/sora.md', findings: [{ rule: 'sections', message: failing.findings[0].message, line: null }] }]);
    expect(owing[1].items).toEqual([{ kind: 'no-note', expectedPath: 'study/week3/dohyun.md' }]);
    expect(owing[1].checkCommand).toBe('study-bot check study/week3/dohyun.md');
    const text = renderNudge(owing, { lang: 'ko', timeZone: 'Asia/Seoul', week: 3, dueAt: new Date(seoul('2025-09-25T20:00')).toISOString(), hoursBefore: 24, nextOffline: false });
    expect(text).toContain('@choi-sora');
    expect(text).toContain('`sections`');
    expect(text).not.toContain('@everyone');
    expect(text).not.toContain('@hong-gildong');
  });

  it('a member who turned reminders off is not named; project work is asked for only in weeks that take it', () => {
    const noProject = new Map([['hong-gildong', 'none' as const]]);
    // week 3 takes the note (the curriculum's default): a missing project is nobody's debt
    const noteWeek = whoOwes({ config, report, week: 3, optedOut: new Set(['kang-dohyun']), notes, project: noProject });
    expect(noteWeek.map((o) => [o.login, o.items.map((i) => i.kind)])).toEqual([['choi-sora', ['failing']]]);
    // a week of project work: the note is not asked for, the project is
    const projectWeek = { ...report, weeks: report.weeks.map((w) => (w.week === 3 ? { ...w, accepts: 'project' as const } : w)) };
    const owing = whoOwes({ config, report: projectWeek, week: 3, optedOut: new Set(['kang-dohyun']), notes, project: noProject });
    expect(owing.find((o) => o.login === 'hong-gildong')?.items.map((i) => i.kind)).toEqual(['no-project']);
    expect(owing.find((o) => o.login === 'choi-sora')?.items.map((i) => i.kind)).toEqual(['no-project']);
  });
});

describe('the digest', () => {
  it('says what the report says for the week, and the most common finding', () => {
    const config = studyConfig();
    const schedule = buildSchedule(config);
    const report = computeReport({ config, schedule, ledger: realisticLedger(), now: REALISTIC_NOW });
    const note = (path: string, rules: string[]): NoteCheck => ({ path, status: 'warn', findings: rules.map((rule) => ({ rule, severity: 'warning', message: `${rule}!`, line: 1 })) });
    const notes = new Map([
      ['study/week5/hgd.md', note('study/week5/hgd.md', ['links', 'links', 'evidence'])],
      ['study/week5/jiwoo.md', note('study/week5/jiwoo.md', ['evidence'])],
      ['study/week5/minsu.md', note('study/week5/minsu.md', ['evidence'])],
    ]);
    const digest = buildDigest({ report, week: 5, notes, verify: [] });
    const cells = report.members.map((m) => [m.name, m.weeks['5']]);
    for (const [name, cell] of cells as [string, (typeof report.members)[0]['weeks'][string]][]) {
      expect(digest.attendance[cell.attendance]).toContain(name);
      if (!cell.submission) expect(digest.submissions.missing).toContain(name);
      else if (cell.submission.onTime) expect(digest.submissions.onTime).toContain(name);
      else expect(digest.submissions.late).toContain(name);
    }
    expect(digest.submissions.late).toEqual(['hana']);
    expect(digest.commonFinding).toEqual({ rule: 'evidence', notes: 3, example: 'evidence!' });
  });

  it('reads on Discord without mentions and on Slack in mrkdwn', () => {
    const md = '### 📋 Week 1\n\n- **Notes**: a, b <sub>x</sub>';
    expect(discordMessage(md, 'https://x/1')).toEqual({ content: '### 📋 Week 1\n\n- **Notes**: a, b x\nhttps://x/1', allowed_mentions: { parse: [] } });
    expect(slackMessage(md, null).text).toBe('*📋 Week 1*\n\n- *Notes*: a, b x');
    expect(discordMessage('x'.repeat(5000), null).content.length).toBe(2000);
  });
});

describe('records', () => {
  const seal = nudgeRecordSeal(['k'], { owner: 'o', repo: 'r' });
  it('a record the app signed is read back; a forged or other repository’s one is not', async () => {
    const body = withRecord('### hi\n- @a (a)', { kind: 'nudge', week: 3, logins: ['a'] }, seal);
    expect(decodeNudgeRecord(body, seal)).toEqual({ kind: 'nudge', week: 3, logins: ['a'] });
    expect(decodeNudgeRecord(body, nudgeRecordSeal(['k'], { owner: 'o', repo: 'other' }))).toBeNull();
    expect(decodeNudgeRecord(withRecord('hi', { kind: 'nudge', week: 3, logins: [] }, null), seal)).toBeNull();
    // only bot comments count, and the first one per week
    const sent = await sentOf([{ id: 2, body, userType: 'User' }, { id: 5, body, userType: 'Bot' }, { id: 9, body, userType: 'Bot' }], seal, null);
    expect([...sent.nudges.keys()]).toEqual([3]);
    expect(sent.nudges.get(3)!.id).toBe(5);
  });

  it('a comment GitHub says another app wrote (performed_via_github_app) is not read; the app’s own and one naming no app are', async () => {
    const record = (week: number) => withRecord('### hi\n- @a (a)', { kind: 'nudge', week, logins: ['a'] }, seal);
    const comments = [
      // a workflow's github-actions[bot] (GitHub Actions' app) with a copy of a signed record
      { id: 4, body: record(2), userType: 'Bot', appId: 15368 },
      { id: 5, body: record(3), userType: 'Bot', appId: 1 },
      { id: 9, body: record(4), userType: 'Bot', appId: null },
    ];
    expect([...(await sentOf(comments, seal, 1)).nudges.keys()].sort()).toEqual([3, 4]);
    // credentials that do not name the app: every bot comment is read, as before
    expect([...(await sentOf(comments, seal, null)).nudges.keys()].sort()).toEqual([2, 3, 4]);
    // the app's own comment is read however many other apps' come first
    expect((await sentOf(comments, seal, 15368)).nudges.has(3)).toBe(false);
  });

  it('a signed record counts only on its comment’s first line, after the marker: a copy quoted below does not', async () => {
    const real = withRecord('### hi', { kind: 'digest', week: 5, final: true, mirrored: ['discord'] }, seal);
    const [head, ...rest] = real.split('\n');
    const block = head.slice(head.indexOf('<!-- study-bot:nudge-record'));
    // a bot comment (a /verify reply, a digest) quoting a member's text that carries the copied block
    const quoted = `<!-- study-bot:verify -->\n| 1 | ${block} |\n${block}`;
    expect(decodeNudgeRecord(quoted, seal)).toBeNull();
    expect((await sentOf([{ id: 1, body: quoted, userType: 'Bot' }], seal, null)).digests.size).toBe(0);
    // the block alone on the first line, without the marker, is not the bot's either
    expect(decodeNudgeRecord(`${block}\n${rest.join('\n')}`, seal)).toBeNull();
    // a digest quoting another digest's block below its own record reads its own
    const own = withRecord(`quoted: ${block}`, { kind: 'digest', week: 6, final: false, mirrored: [] }, seal);
    expect(decodeNudgeRecord(own, seal)).toEqual({ kind: 'digest', week: 6, final: false, mirrored: [] });
    expect(decodeNudgeRecord(real.replace('\n', '\r\n'), seal)).toEqual({ kind: 'digest', week: 5, final: true, mirrored: ['discord'] });
  });

  it('the ledger keeps reminder preferences and digests through encoding and merging', () => {
    const l = applyChanges(emptyLedger(), [
      { kind: 'nudge-pref', login: 'A', off: true, at: 1_000_000 },
      { kind: 'nudge-pref', login: 'a', off: false, at: 500_000 },
      { kind: 'digest', week: 2, commentId: 77 },
    ]);
    const back = decodeLedger(encodeLedger(l));
    expect(back.ok && back.ledger.nudgePrefs).toEqual({ a: { off: true, at: 1_000_000 } });
    expect(back.ok && back.ledger.digests).toEqual({ '2': 77 });
  });

  it('commands and inert text', () => {
    expect(nudgePreference(['off'])).toBe(true);
    expect(nudgePreference(['켜기'])).toBe(false);
    expect(nudgePreference(['maybe'])).toBeNull();
    expect(inert('a\n@b <img> `x`\u202e')).toBe('a @\u200bb &lt;img> ˋxˋ');
  });
});

describe('GitHub’s limit on a comment', () => {
  it('a reminder for a huge roster is cut to 65,536 characters, and its record names only who is still in it', () => {
    const seal = nudgeRecordSeal(['k'], { owner: 'o', repo: 'r' });
    const owing = Array.from({ length: 500 }, (_, i) => ({
      login: `member-${i}`,
      name: `m${i}`,
      items: [{ kind: 'failing' as const, path: `study/week3/m${i}.md`, findings: Array.from({ length: 5 }, () => ({ rule: 'sections', message: 'x'.repeat(300), line: 1 })) }],
      checkCommand: `study-bot check study/week3/m${i}.md`,
    }));
    const visible = renderNudge(owing, { lang: 'ko', timeZone: 'Asia/Seoul', week: 3, dueAt: '2025-09-25T11:00:00Z', hoursBefore: 24, nextOffline: false });
    const body = withRecord(visible, { kind: 'nudge', week: 3, logins: owing.map((o) => o.login) }, seal);
    expect(body.length).toBeLessThanOrEqual(65_536);
    const record = decodeNudgeRecord(body, seal);
    const named = owing.filter((o) => body.includes(`\n- @${o.login} (`)).map((o) => o.login);
    expect(record).toEqual({ kind: 'nudge', week: 3, logins: named });
    expect(named.length).toBeGreaterThan(10);
    expect(named.length).toBeLessThan(500);
  });
});
