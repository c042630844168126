/**
 * Attack review 18 (HIGH, fixed: a report issue opened over 15 minutes ago with no comment and no copy is not written from nothing (refresh-report.ts FRESH_ISSUE_MS); around 6d6932b, the fix of config-adopted-while-report-gone.test.ts):
 * the same attack after a restart, with two pushes.
 *
 * 6d6932b keeps a deleted report comment's record in what the process wrote last, and with the
 * report issue there, its comment gone and no such copy (after a restart), the approval read
 * fails rather than adopt. But the refresh of a push does not fail in that state: with no
 * comment, no copy and nothing unreadable it writes a new report from an empty ledger
 * (refresh-report.ts: `currentProblem` is null when there is no comment at all), and from then
 * on the approval read finds that new comment, which verifies and holds no approval: the study
 * looks new again and the next push check adopts the file on main. So after any restart (a
 * deploy) hong-gildong deletes the report comment and pushes twice before the deletion's
 * webhook is handled (GitHub does not order deliveries, and durability.test.ts covers a deletion
 * whose webhook comes after a refresh re-made the comment): the first push's refresh makes the
 * empty report, the second push's check adopts his pending config (an outsider on the roster,
 * `verify.perHour: 60`), and it stays adopted after the deletion's webhook merges the old ledger
 * back (approvals merge newest-wins). Until that webhook, every record is gone from the report
 * too, and for good if it never comes.
 *
 * The repro: config-adopted-while-report-gone.test.ts with a restart (a new app, the same
 * fake GitHub) before the deletion, and a second push.
 */
import { describe, expect, it } from 'vitest';
import { CONFIG_PATH } from '../../src/config/schema.js';
import { appOnFakeGitHub, commentDeletedPayload, useAppOnFakeGitHub } from '../helpers/app-on-fake-github.js';
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

describe('attack: the report comment deleted after a restart, then two pushes', () => {
  it('HIGH (fixed): after a restart hong-gildong deletes the report comment and pushes twice; his pending config (outsider on the roster, perHour 60) is not adopted, and no report is made from nothing', async () => {
    const { server, errors, base, push, receive, restart, approvedConfig: approved } = await appOnFakeGitHub({ config: CONFIG, base: 'gone-base' });

    // member-1's note: the first push check adopts the organizers' config (bootstrap)
    const first = await push('gone-first', base, 'member-1', '2025-09-04T11:05:00Z', [{ path: 'study/week1/m1.md', content: NOTE }]);
    expect(approved()).toBe(CONFIG);
    // hong-gildong's config change: pending, not in effect
    const his = await push('gone-config', first, 'hong-gildong', '2025-09-04T11:30:00Z', [{ path: CONFIG_PATH, content: HIS }], 'modified');
    console.log(`after his config push: check ${server.checkRuns.at(-1)?.conclusion}; approved = ${approved() === CONFIG ? 'the organizers\' config' : 'his'}`);
    expect(approved()).toBe(CONFIG);

    // a deploy restarts the bot; an hour later he deletes the report comment, then pushes twice
    await restart();
    const index = server.comments.findIndex((c) => String(c.body).includes('study-bot:ledger'));
    const [gone] = server.comments.splice(index, 1);
    const note = await push('gone-note', his, 'hong-gildong', '2025-09-04T12:30:00Z', [{ path: 'study/week1/hgd.md', content: NOTE.replace('# Week 1 - m1', '# Week 1 - hgd') }]);
    console.log(`after his first push with the report gone: ${server.comments.filter((c) => String(c.body).includes('study-bot:ledger')).length} report comment(s); approved = ${approved() === CONFIG ? 'the organizers\' config' : approved() === HIS ? 'HIS' : String(approved())}`);
    await push('gone-note-2', note, 'hong-gildong', '2025-09-04T12:31:00Z', [{ path: 'study/week2/hgd.md', content: NOTE.replace('# Week 1 - m1', '# Week 2 - hgd') }]);
    console.log(`after his second push: approved = ${approved() === CONFIG ? 'the organizers\' config' : approved() === HIS ? 'HIS (outsider, perHour 60)' : approved()}`);
    // the deletion's webhook (GitHub's example, the app's comment, deleted by him)
    await receive('gone-deleted', 'issue_comment', commentDeletedPayload(gone!, 'hong-gildong'));
    const after = approved();
    console.log(`after the deletion's webhook: approved = ${after === CONFIG ? 'the organizers\' config' : after === HIS ? 'HIS (outsider, perHour 60)' : after}`);
    // until the deletion's webhook, nothing was read or written: each push's approval read and
    // each refresh failed saying the comment is gone (no report made from nothing)
    const messages = errors.map((e) => String((e as Error).message));
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) expect(message).toContain('the report comment on issue #7 is gone');
    // the organizers' config is still the one approved (his was adopted "at first use")
    expect(after).toBe(CONFIG);
  }, 120_000);
});
