/**
 * Attack review 18 (HIGH, fixed: no issue is skipped for being closed as a duplicate; a way around 9556fac, the fix of report-issue-label-moved.test.ts):
 * a member closes the report issue "as a duplicate", and after the next restart every member's
 * record starts from nothing.
 *
 * The report issue is now the oldest issue this app opened (src/github/report-issue.ts
 * oldestReportIssue), but `firstOfOurs` skips any issue whose `state_reason` is `duplicate`:
 * meant for the duplicate the app closes itself when two processes opened one at once. Closing
 * an issue with a reason takes triage or write access, which every member has (they push to
 * main), and `duplicate` is one of the reasons GitHub offers ("Close as duplicate"; the REST
 * API's `state_reason`, which the app itself sends). So hong-gildong closes the report issue as a
 * duplicate. While the process runs the report's place is remembered; at the next start no issue
 * is the report, a new one is opened, and its report is made from nothing but the newest tree:
 * member-1's on-time week-1 note is shown late ('지각 제출'), every check-in and organizer mark is
 * gone from it, and so is the approved config (nothing approved: the file on main is adopted at
 * the next push, see config-adopted-while-report-gone.test.ts).
 *
 * The repro: as report-issue-label-moved.test.ts (the whole app against the fake GitHub server,
 * a restart between), the report issue closed with `state_reason: duplicate` instead of a label
 * put on another issue.
 */
import { describe, expect, it } from 'vitest';
import { appOnFakeGitHub, useAppOnFakeGitHub, weekCell } from '../helpers/app-on-fake-github.js';
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

describe('attack: a member closes the report issue as a duplicate', () => {
  it('HIGH (fixed): hong-gildong closes the report issue as a duplicate; after a restart member-1\'s on-time week-1 note is still on time (a duplicate is not skipped)', async () => {
    const { server, errors, base, push: pushFiles, restart, reports } = await appOnFakeGitHub({ config: CONFIG, base: 'label-base' });
    const push = (label: string, before: typeof base, sender: string, at: string, set: string[]) => pushFiles(label, before, sender, at, set.map((path) => ({ path, content: NOTE })));
    /** the report the bot wrote last: the one it now keeps up to date */
    const week1 = (name: string): string => weekCell(reports().at(-1) ?? '', name);

    // member-1 writes week 1 on time (session 2025-09-04 20:00 Seoul; due at week 2's session)
    const own = await push('label-own', base, 'member-1', '2025-09-04T11:05:00Z', ['study/week1/m1.md']);
    const reportIssue = server.issues[0]!.number;
    console.log(`report on issue #${reportIssue}; m1 week 1 = ${week1('m1')}`);
    expect(week1('m1')).toContain('제출 ✅');

    // hong-gildong closes the report issue as a duplicate (PATCH /issues/{n} {state: closed, state_reason: duplicate})
    Object.assign(server.issues.find((i) => i.number === reportIssue)!, { state: 'closed', state_reason: 'duplicate' });

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
