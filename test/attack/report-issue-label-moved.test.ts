/**
 * Attack review 18 (open, High): a member moves the report to an issue of their choosing with a
 * label, and after the next restart every member's record starts from nothing.
 *
 * The bot finds its report issue by the `study-report` label alone: the OLDEST issue that
 * carries it (src/github/report-issue.ts oldestReportIssue; findOrCreateReportIssue,
 * reportService.ledger, the nudges' reportIssue). Applying a label to an issue takes triage or
 * write access, which every member has (they push to main); nothing checks who labelled an
 * issue, and no `issues.labeled` event is read. So hong-gildong adds `study-report` to an old
 * issue (#1, "스터디 안내", older than the bot's report issue). While the process runs, the
 * report's place is remembered; at the next start (any deploy or crash) the refresh lists the
 * label, takes #1, finds no report comment there and writes a NEW one with a ledger made from
 * nothing but the newest tree: every note on main is first seen now. member-1's on-time week-1
 * note becomes "지각 제출" (late) in the bot's report, every check-in and organizer mark is
 * gone from it, and the approved config, kept in the same ledger, is gone too (nothing is
 * approved: the file on main is used as it is, see docs/push-checks.md "Config trust"). The
 * signed ledger on the real report issue is never read again.
 *
 * docs/attendance.md offers exactly this as the organizers' way "to start over: remove the
 * `study-report` label from the issue"; removing it works for a member just as well (the bot
 * then opens a new issue, same outcome).
 *
 * The repro: the whole app (createApp) against the fake GitHub server, as
 * rename-takes-others-record.test.ts builds it; the fake lists every issue for `labels=`, so
 * the labelled old issue is put first in its list (GitHub's `sort=created&direction=asc`).
 */
import { describe, expect, it } from 'vitest';
import { appOnFakeGitHub, useAppOnFakeGitHub, weekCell } from '../helpers/app-on-fake-github.js';
import { openapiExample } from '../helpers/github-examples.js';
import { GOOD_KCS } from '../helpers/push-world.js';

const CONFIG = `# 스터디 설정
language: ko
members:
  - login: hong-gildong
    name: hgd
    aliases: [홍길동]
  - login: member-1
    name: m1
    aliases: [김철수]
`;
const NOTE = GOOD_KCS.replace('# Week 1 - kcs', '# Week 1 - m1');

useAppOnFakeGitHub();

describe('attack: a member labels another issue as the report', () => {
  it('HIGH (fixed): hong-gildong adds `study-report` to an older issue; after a restart member-1\'s on-time week-1 note is still on time (the report is the issue the app opened)', async () => {
    const { server, errors, base, push: pushFiles, restart, reports } = await appOnFakeGitHub({ config: CONFIG, base: 'label-base' });
    const push = (label: string, before: typeof base, sender: string, at: string, set: string[]) => pushFiles(label, before, sender, at, set.map((path) => ({ path, content: NOTE })));
    /** the report the bot wrote last: the one it now keeps up to date */
    const week1 = (name: string): string => weekCell(reports().at(-1) ?? '', name);

    // member-1 writes week 1 on time (session 2025-09-04 20:00 Seoul; due at week 2's session)
    const own = await push('label-own', base, 'member-1', '2025-09-04T11:05:00Z', ['study/week1/m1.md']);
    const reportIssue = server.issues[0]!.number;
    console.log(`report on issue #${reportIssue}; m1 week 1 = ${week1('m1')}`);
    expect(week1('m1')).toContain('제출 ✅');

    // hong-gildong labels issue #1 (opened before the report issue) `study-report`
    const { pull_request: _pr, ...example } = openapiExample<Record<string, unknown>>('issue');
    server.issues.unshift({ ...example, number: 1, title: '스터디 안내', body: '첫 모임 공지', labels: [{ name: 'study-report' }] });

    // a deploy restarts the bot; hong-gildong pushes his week-2 note after week 1's deadline
    await restart();
    await push('label-after', own, 'hong-gildong', '2025-09-12T03:00:00Z', ['study/week2/hgd.md']);
    const reportComments = server.comments.filter((c) => String(c.body).includes('study-bot:ledger'));
    console.log(`after the restart: ${reportComments.length} report comments, on issues ${reportComments.map((c) => `#${c.issue_number}`).join(', ')}; m1 week 1 = ${week1('m1')}`);
    expect(errors).toEqual([]);
    // the bot's report still holds member-1's on-time record (it showed '지각 제출 ✅': late)
    expect(week1('m1')).toContain('제출 ✅');
    expect(week1('m1')).not.toContain('지각');
  }, 120_000);
});
