/**
 * Attack review 21 (open, HIGH; around 40b052e): the fail-safe for a report issue transferred
 * where the app cannot read (GitHub answers 404: "nothing written, nothing approved or adopted
 * '(first use)', the push check fails with the reason") undoes itself after one push, in the
 * default config. The failing push check is a bot-failure run (renderBotFailure), and that
 * summary carries no `<!-- study-bot:report-issue N -->` line; the trail is read only on the
 * push's before/after and the default branch's 10 newest commits.
 *
 * hong-gildong (a member; an organization member may create a repository, and one outside the
 * app's installation is unreadable to it) pushes his pending config change (recorded with the
 * trail), transfers the report issue into that repository, then makes ONE `git push` of eleven
 * commits (a README edit each): its check fails (404: 'lost'), with no trail line. His next
 * push (his week-2 note): its `before` is that failed head, the 10 newest commits are his, none
 * carries the trail: the study is taken for a new one, his pending config (outsider on the
 * roster, verify.perHour 60) is adopted "(first use)" and a new report issue is written from the
 * tree alone: member-1's on-time week-1 note now shows '지각 제출 ⏳' (late), the marks and the
 * approvals gone (seen: report issue #8, approved = his config).
 *
 * Severity HIGH: a member changes the approved config (who is a member) and wipes every
 * member's record, with a transfer and two pushes.
 *
 * Fix idea: a bot-failure run of the push check carries the trail line too (the number it
 * could not follow: 'lost' must stay lost); better, a 'lost' outcome is kept where only the app
 * writes and is not forgotten by distance: walk first parents from the head until a push check
 * run of ours is found, and when the walk runs out treat the study as lost (organizers decide),
 * never as new; a study is new only when no check run of ours exists on any commit of it.
 */
import { describe, expect, it } from 'vitest';
import { CONFIG_PATH } from '../../src/config/schema.js';
import { appOnFakeGitHub, useAppOnFakeGitHub, weekCell } from '../helpers/app-on-fake-github.js';
import { pushPayload, sha } from '../helpers/push-probot.js';
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
const HIS = `${CONFIG}  - login: outsider
    name: friend
verify:
  perHour: 60
`;
const NOTE = GOOD_KCS.replace('# Week 1 - kcs', '# Week 1 - m1');

useAppOnFakeGitHub();

const reportIssues = (w: Awaited<ReturnType<typeof appOnFakeGitHub>>) =>
  w.server.issues.filter((i) => (i.labels ?? []).some((l: { name?: string }) => l.name === 'study-report'));

describe('attack review 21: the lost report forgotten after one push', () => {
  it.fails('HIGH: transferred where the app cannot read, one push of eleven commits, a note: nothing adopted, no report from nothing', async () => {
    const w = await appOnFakeGitHub({ config: CONFIG, base: 'lost-base' });
    const first = await w.push('lost-first', w.base, 'member-1', '2025-09-04T11:05:00Z', [{ path: 'study/week1/m1.md', content: NOTE }]);
    expect(w.approvedConfig()).toBe(CONFIG);
    const his = await w.push('lost-config', first, 'hong-gildong', '2025-09-04T11:30:00Z', [{ path: CONFIG_PATH, content: HIS }], 'modified');
    expect(w.approvedConfig()).toBe(CONFIG);
    expect(weekCell(w.reports().at(-1)!, 'm1')).toContain('제출 ✅');
    const reportIssue = reportIssues(w)[0]!;
    expect(String(w.server.checkRuns.at(-1)?.output.summary)).toContain(`<!-- study-bot:report-issue ${reportIssue.number} -->`);

    // moved where the app cannot read (a repository outside its installation); the webhook missed
    w.server.transferIssue(reportIssue.number, 'private-notes', { readable: false });
    await w.restart();

    // one `git push` of eleven commits, each a README edit: its check fails ('lost', as designed)
    let head = his;
    const ids: string[] = [];
    for (let i = 0; i < 11; i++) {
      head = head.with(sha(`lost-readme-${i}`), { set: [{ path: 'README.md', content: `# eBPF 스터디\n\n${'오타 수정 '.repeat(i + 1)}\n` }] });
      w.server.add(head);
      ids.push(head.sha);
    }
    await w.receive('lost-readme', 'push', pushPayload({
      before: his.sha,
      after: head.sha,
      sender: 'hong-gildong',
      pushedAt: new Date('2025-09-05T10:00:00Z'),
      commits: ids.map((id) => ({ id, modified: ['README.md'] })),
    }));
    const failed = w.server.checkRuns.at(-1)!;
    console.log(`the README push's check: ${failed.conclusion}: ${failed.output.title}; trail line ${String(failed.output.summary).includes('study-bot:report-issue')}`);
    expect(failed.head_sha).toBe(head.sha);
    expect(String(failed.output.title)).toContain('study-bot 오류');
    expect(reportIssues(w)).toHaveLength(0);
    expect(w.approvedConfig()).toBeUndefined();

    // his week-2 note
    await w.push('lost-week2', head, 'hong-gildong', '2025-09-12T03:00:00Z', [{ path: 'study/week2/hgd.md', content: NOTE.replace('# Week 1 - m1', '# Week 2 - hgd') }]);
    const approved = w.approvedConfig();
    const run = w.server.checkRuns.at(-1)!;
    console.log(`after his note: check ${run.conclusion}: ${run.output.title}; report issues ${reportIssues(w).map((x) => `#${x.number}`).join(', ') || 'none'}; approved = ${approved === CONFIG ? "the organizers' config" : approved === HIS ? 'HIS (outsider, perHour 60)' : String(approved)}; m1 week 1 = ${weekCell(w.reports().at(-1) ?? '', 'm1')}`);
    // still lost: nothing adopted, no report written from nothing
    expect(approved).not.toBe(HIS);
    expect(reportIssues(w)).toHaveLength(0);
    expect(String(run.output.title)).toContain('study-bot 오류');
  }, 120_000);
});
