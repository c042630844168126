/**
 * Attack review 21 (open, HIGH; around 40b052e): the report-issue trail is read on the push's
 * before/after and the default branch's 10 newest commits, and only push check runs carry it.
 * The fix's author names "more than ten pushes without check runs" as the blind spot; ONE push
 * is enough. In a study whose organizers chose `checks.noStudyFiles: skip` (a documented option:
 * a push that touches no study file gets no check run at all), hong-gildong (a member, push
 * access) pushes his pending config change (a push check, recorded), then one ordinary
 * `git push` of eleven README-only commits (no study file: no check run, so the trail is not
 * carried forward onto the new head), transfers the report
 * issue to another repository of the owner (no restart needed if the `issues.transferred`
 * delivery is missed or the bot restarts in between, which the threat model says must lose
 * nothing), and pushes his week-2 note. The push's before (the README head) has no check run,
 * the 10 newest commits are his README commits: the trail answers 'none', the study is taken
 * for a new one, his pending config (outsider on the roster, verify.perHour 60) is adopted
 * "(first use)", and a NEW report issue is written from the tree alone.
 *
 * (With the default `noStudyFiles: neutral` the README push gets a check run that carries the
 * trail: seen held in this round; a bot-failure run, renderBotFailure, carries no trail line
 * either, so any push whose check fails the bot leaves the same gap.)
 *
 * Severity HIGH: a member changes the approved config (the roster: who is a member) and
 * every member's record restarts, with one push of eleven commits and a transfer.
 *
 * Fix idea: carry the trail onto every push's head (a check run, even a neutral "nothing to
 * check" one, on each default-branch push), or walk the first-parent history from the head
 * until a push check run of ours is found (bounded in requests, and on running out of budget
 * treat the study as lost, never as new: a study with any commit older than the app's
 * installation is not new); or keep the report issue's number where the app alone writes it
 * independently of commits (e.g. the app's own repository variable / a check run on a fixed
 * commit such as the root commit).
 */
import { describe, expect, it } from 'vitest';
import { CONFIG_PATH } from '../../src/config/schema.js';
import { appOnFakeGitHub, useAppOnFakeGitHub, weekCell } from '../helpers/app-on-fake-github.js';
import { pushPayload, sha } from '../helpers/push-probot.js';
import { GOOD_KCS } from '../helpers/push-world.js';

const CONFIG = `# 스터디 설정
language: ko
checks:
  noStudyFiles: skip
members:
  - login: hong-gildong
    name: hgd
    aliases: [홍길동]
  - login: member-1
    name: m1
    aliases: [김철수]
`;
const HIS = `${CONFIG}  - login: outsider
    name: friend
verify:
  perHour: 60
`;
const NOTE = GOOD_KCS.replace('# Week 1 - kcs', '# Week 1 - m1');

useAppOnFakeGitHub();

const reportIssues = (w: Awaited<ReturnType<typeof appOnFakeGitHub>>) =>
  w.server.issues.filter((i) => (i.labels ?? []).some((l: { name?: string }) => l.name === 'study-report'));

describe('attack review 21: the report-issue trail lost behind one push of eleven commits', () => {
  it.fails('HIGH: one push of eleven README commits, a transfer, a note: his pending config is not adopted and the record is kept', async () => {
    const w = await appOnFakeGitHub({ config: CONFIG, base: 'trail11-base' });
    const first = await w.push('trail11-first', w.base, 'member-1', '2025-09-04T11:05:00Z', [{ path: 'study/week1/m1.md', content: NOTE }]);
    expect(w.approvedConfig()).toBe(CONFIG);
    const his = await w.push('trail11-config', first, 'hong-gildong', '2025-09-04T11:30:00Z', [{ path: CONFIG_PATH, content: HIS }], 'modified');
    expect(w.approvedConfig()).toBe(CONFIG);
    expect(weekCell(w.reports().at(-1)!, 'm1')).toContain('제출 ✅');
    const reportIssue = reportIssues(w)[0]!;
    expect(String(w.server.checkRuns.at(-1)?.output.summary)).toContain(`<!-- study-bot:report-issue ${reportIssue.number} -->`);
    const runsBefore = w.server.checkRuns.length;

    // one `git push` of eleven commits, each a README edit
    let head = his;
    const ids: string[] = [];
    for (let i = 0; i < 11; i++) {
      head = head.with(sha(`trail11-readme-${i}`), { set: [{ path: 'README.md', content: `# eBPF 스터디\n\n${'오타 수정 '.repeat(i + 1)}\n` }] });
      w.server.add(head);
      ids.push(head.sha);
    }
    await w.receive('trail11-readme', 'push', pushPayload({
      before: his.sha,
      after: head.sha,
      sender: 'hong-gildong',
      pushedAt: new Date('2025-09-05T10:00:00Z'),
      commits: ids.map((id) => ({ id, modified: ['README.md'] })),
    }));
    const readmeRuns = w.server.checkRuns.length - runsBefore;
    console.log(`after the README push: ${readmeRuns} new check run(s)`);
    expect(readmeRuns).toBe(0);

    // the report issue transferred away (the webhook missed: a restart in between)
    w.server.transferIssue(reportIssue.number, 'notes');
    await w.restart();
    await w.push('trail11-week2', head, 'hong-gildong', '2025-09-12T03:00:00Z', [{ path: 'study/week2/hgd.md', content: NOTE.replace('# Week 1 - m1', '# Week 2 - hgd') }]);
    const approved = w.approvedConfig();
    const issues = reportIssues(w);
    console.log(`after the transfer and his note: report issues ${issues.map((x) => `#${x.number}`).join(', ')}; approved = ${approved === CONFIG ? "the organizers' config" : approved === HIS ? 'HIS (outsider, perHour 60)' : String(approved)}; carried note ${w.server.comments.some((c) => String(c.body).startsWith('📦'))}; errors ${w.errors.length}`);
    expect(approved).not.toBe(HIS);
    expect(approved).toBe(CONFIG);
    // carried over (the 📦 note), never a fresh start
    expect(w.server.comments.some((c) => String(c.body).startsWith('📦'))).toBe(true);
  }, 120_000);
});
