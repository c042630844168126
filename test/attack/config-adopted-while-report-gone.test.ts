/**
 * Attack review 18 (HIGH, fixed without a restart: the ledger this process wrote last stands for a deleted comment; with the issue there and no copy, nothing is approved or adopted): a member's unapproved config is adopted as approved while the
 * report comment is gone.
 *
 * The approved config lives in the report comment's signed ledger (docs/push-checks.md, "Config
 * trust"), and the push check reads it through reportService.approval: when the comment is
 * gone (anyone with write access can delete any comment), ledger() finds no report and answers
 * null, which the push check takes for a study where nothing was ever approved: the bootstrap
 * (config-trust.ts) adopts the file on main as it is, recorded "(first use)" at the push's time.
 * The deletion's own webhook then restores the old ledger, but approvals merge newest-wins, so
 * the adopted one stays. No restart is needed, only a push checked before the deletion's
 * webhook is handled (GitHub does not order deliveries; durability.test.ts covers "a deletion
 * whose webhook came after a refresh already re-made the comment" for the records, not for
 * the approval), and more than a minute since the bot last read the approval (APPROVAL_TTL_MS).
 *
 * So: hong-gildong pushes a config that adds his friend `outsider` to the roster and sets
 * `verify.perHour: 60`; it is pending (not in effect). An hour later he deletes the report
 * comment and pushes his week-1 note. The bot adopts his config: `outsider` is a member,
 * the limits are his; the record says it was adopted at first use.
 *
 * The repro: the whole app (createApp) against the fake GitHub server, as
 * rename-takes-others-record.test.ts builds it, the deletion's webhook from GitHub's example
 * (issue_comment.deleted, the comment the app's).
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

describe('attack: the report comment deleted, then a push', () => {
  it('HIGH (fixed): hong-gildong deletes the report comment and pushes; his pending config (outsider on the roster, perHour 60) is not adopted', async () => {
    const { server, errors, base, push, receive, approvedConfig: approved } = await appOnFakeGitHub({ config: CONFIG, base: 'gone-base' });

    // member-1's note: the first push check adopts the organizers' config (bootstrap)
    const first = await push('gone-first', base, 'member-1', '2025-09-04T11:05:00Z', [{ path: 'study/week1/m1.md', content: NOTE }]);
    expect(approved()).toBe(CONFIG);
    // hong-gildong's config change: pending, not in effect
    const his = await push('gone-config', first, 'hong-gildong', '2025-09-04T11:30:00Z', [{ path: CONFIG_PATH, content: HIS }], 'modified');
    console.log(`after his config push: check ${server.checkRuns.at(-1)?.conclusion}; approved = ${approved() === CONFIG ? 'the organizers\' config' : 'his'}`);
    expect(approved()).toBe(CONFIG);

    // an hour later: he deletes the report comment, then pushes his note
    const index = server.comments.findIndex((c) => String(c.body).includes('study-bot:ledger'));
    const [gone] = server.comments.splice(index, 1);
    await push('gone-note', his, 'hong-gildong', '2025-09-04T12:30:00Z', [{ path: 'study/week1/hgd.md', content: NOTE.replace('# Week 1 - m1', '# Week 1 - hgd') }]);
    console.log(`after his push with the report gone: approved = ${approved() === CONFIG ? 'the organizers\' config' : approved() === HIS ? 'HIS (outsider, perHour 60)' : approved()}`);
    // the deletion's webhook (GitHub's example, the app's comment, deleted by him)
    await receive('gone-deleted', 'issue_comment', commentDeletedPayload(gone!, 'hong-gildong'));
    const after = approved();
    console.log(`after the deletion's webhook: approved = ${after === CONFIG ? 'the organizers\' config' : after === HIS ? 'HIS (outsider, perHour 60)' : after}`);
    expect(errors).toEqual([]);
    // the organizers' config is still the one approved (his was adopted "at first use")
    expect(after).toBe(CONFIG);
  }, 120_000);
});
