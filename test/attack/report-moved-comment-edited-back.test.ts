/**
 * Attack review 21 (open, HIGH; around 40b052e): the record carried over from a transferred
 * report issue is read from our app's comments there AS THEY ARE NOW; the seal is bound to the
 * study repository, not to a version, and nobody checks whether the comment was edited. In the
 * destination repository the member has write access, so he can edit any comment there, our
 * app's report comment included (GitHub lets anyone with write access edit any comment).
 *
 * hong-gildong keeps a copy of the report comment's body from an earlier day (it is public; its
 * edit history is too). member-1 pushes her week-2 note on time. He transfers the report issue
 * to a repository of the owner the app can read, edits our app's report comment there back to
 * the old body (an older ledger, its seal still valid), and the transfer's webhook is missed (a
 * restart). His next push follows the trail (301), carries the OLD ledger into a new report
 * issue, and member-1's week-2 note, no longer in the record, is seen anew at his push's time:
 * '지각 제출 ⏳' (late). The same replay rolls back check-ins and the approved config to any
 * earlier state.
 *
 * Condition: the `issues.transferred` delivery is missed or fails (a deploy, a restart, a GitHub
 * delivery failure), which the threat model says must lose nothing; with the webhook handled at
 * once the carry happens before he can edit. Seen: a new report issue (#8) with the 📦 note,
 * member-1's week 2 '제출 ❌' (on time) -> '지각 제출 ⏳'.
 *
 * Severity HIGH: a member changes another member's record (and the approvals) at will.
 *
 * Fix idea: carry a comment only as it was first written by the app or last written by it:
 * skip (or read the history of, as the study's own report comment is: originalBodies / GraphQL
 * userContentEdits) a comment whose updated_at is later than what the app last wrote; better,
 * bind the seal to the comment id and a write counter kept in the check runs' trail line
 * (the trail records `issue N, ledger hash H`), so only the newest ledger verifies.
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

const reportIssues = (w: Awaited<ReturnType<typeof appOnFakeGitHub>>) =>
  w.server.issues.filter((i) => (i.labels ?? []).some((l: { name?: string }) => l.name === 'study-report'));

describe('attack review 21: the carried record edited back in the destination', () => {
  it.fails('HIGH: his edit of our comment where the report went rolls back member-1\'s on-time week-2 note', async () => {
    const w = await appOnFakeGitHub({ config: CONFIG, base: 'edit-base' });
    const first = await w.push('edit-first', w.base, 'member-1', '2025-09-04T11:05:00Z', [{ path: 'study/week1/m1.md', content: NOTE }]);
    const old = w.reports().at(-1)!;
    expect(weekCell(old, 'm1')).toContain('제출 ✅');
    const second = await w.push('edit-week2', first, 'member-1', '2025-09-10T09:00:00Z', [{ path: 'study/week2/m1.md', content: NOTE.replace('# Week 1 - m1', '# Week 2 - m1') }]);
    console.log(`member-1's week 2 before: ${weekCell(w.reports().at(-1)!, 'm1', 2)}`);
    // on time (its check's verdict aside: the week-2 rubric asks for more than this note has)
    expect(weekCell(w.reports().at(-1)!, 'm1', 2)).toMatch(/^제출 /);

    // transferred where the app can read; he edits our comment there back to the old body
    const reportIssue = reportIssues(w)[0]!;
    const moved = w.server.transferIssue(reportIssue.number, 'notes');
    const there = (w.server as unknown as { elsewhere: Map<string, { comments: Record<string, any>[] }> }).elsewhere.get('notes')!;
    const ours = there.comments.filter((c) => c.issue_number === moved.number && String(c.body).includes('study-bot:ledger'));
    expect(ours.length).toBeGreaterThan(0);
    for (const c of ours) Object.assign(c, { body: old, updated_at: '2025-09-15T00:00:00Z' });
    await w.restart();

    await w.push('edit-his', second, 'hong-gildong', '2025-09-20T03:00:00Z', [{ path: 'study/week3/hgd.md', content: NOTE.replace('# Week 1 - m1', '# Week 3 - hgd') }]);
    const cell = weekCell(w.reports().at(-1) ?? '', 'm1', 2);
    console.log(`after his edit and push: report issues ${reportIssues(w).map((x) => `#${x.number}`).join(', ')}; carried note ${w.server.comments.some((c) => String(c.body).startsWith('📦'))}; member-1's week 2 = ${cell}; errors ${w.errors.length}`);
    expect(w.errors).toEqual([]);
    expect(cell).toMatch(/^제출 /);
    expect(cell).not.toContain('지각');
  }, 120_000);
});
