/**
 * Attack review 14 (fixed, High; renamesIn pairs a roster member's note only with the same member's name): a member "renames" another member's week note to their own
 * name and so takes that member's first-seen time and deletes their record from the signed
 * ledger.
 *
 * `renamesIn` pairs a removed and an added study file of one week folder in one commit as a
 * rename, whoever owns either side, and `applyTree` then carries the old record's first-seen
 * time to the new key and deletes the old key (ledger.ts; meant for `jw.md` → `jiwoo.md`, one
 * member fixing their own file name). So after the week-1 deadline hong-gildong (hgd), who
 * never wrote week 1, pushes one commit `git mv study/week1/m1.md study/week1/hgd.md`: the
 * report, in the bot's name, says hgd submitted week 1 on time, and m1 has no week-1 record at
 * all. The record guard flags the push check (another member's file removed), but the ledger
 * has already changed; when m1 puts the file back, the bot sees it for the first time now:
 * m1's week 1 is "late" for good (the ledger is outside the repository, so no push undoes it).
 *
 * The repro: the whole app (createApp) against the fake GitHub server, three pushes. Seen:
 * after m1's push m1's week 1 = `제출 ✅`; after hgd's move (check run: failure, the guard)
 * m1 = `미제출`, hgd = `제출 ❌` (on time); after m1 restores the file m1 = `지각 제출 ✅`.
 */
import nock from 'nock';
import { Probot } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttendanceDeps } from '../../src/attendance/attendance-options.js';
import { createApp } from '../../src/app/create-app.js';
import { CONFIG_PATH } from '../../src/config/schema.js';
import { FakeGitHubServer } from '../helpers/fake-github-server.js';
import { testOctokit, testPrivateKey } from '../helpers/probot-app.js';
import { FakeCommit, OWNER, REPO } from '../helpers/push-github.js';
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
const NOTE = GOOD_KCS.replace('# Week 1 - kcs', '# Week 1 - m1');

let stop: (() => Promise<void>) | null = null;
beforeEach(() => nock.enableNetConnect('127.0.0.1'));
afterEach(async () => {
  await stop?.();
  stop = null;
  nock.disableNetConnect();
});

describe('attack: renaming another member\'s note to one\'s own name', () => {
  it('HIGH (fixed): hgd\'s `git mv study/week1/m1.md study/week1/hgd.md` after the deadline leaves m1 on time and gives hgd nothing', async () => {
    const server = new FakeGitHubServer(OWNER, REPO);
    await server.start();
    stop = () => server.stop();
    const tasks: Promise<unknown>[] = [];
    const errors: unknown[] = [];
    let now = new Date('2025-09-04T11:05:00Z');
    const deps: AttendanceDeps = {
      clock: { now: () => now },
      background: (task) => void tasks.push(task().catch((error: unknown) => errors.push(error))),
      attendance: { ledgerSecrets: ['attack-secret'], retryDelaysMs: [0, 0] },
    };
    const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: testOctokit(), baseUrl: server.baseUrl, logLevel: 'fatal' });
    await probot.load(createApp(deps));
    const base = new FakeCommit(sha('rename-base'), [
      { path: CONFIG_PATH, content: CONFIG },
      { path: 'README.md', content: '# eBPF 스터디\n' },
    ]);
    server.add(base);
    const push = async (label: string, before: FakeCommit, sender: string, at: string, change: { set?: string[]; remove?: string[] }) => {
      now = new Date(at);
      const after = before.with(sha(label), { set: (change.set ?? []).map((path) => ({ path, content: NOTE })), remove: change.remove });
      server.add(after);
      const payload = pushPayload({ before: before.sha, after: after.sha, sender, pushedAt: now, commits: [{ added: change.set ?? [], removed: change.remove ?? [] }] });
      await probot.receive({ id: label, name: 'push', payload } as never);
      while (tasks.length > 0) await Promise.all(tasks.splice(0));
      return after;
    };
    const row = (name: string): string =>
      (server.comments.map((c) => String(c.body)).find((b) => b.includes('study-bot:ledger')) ?? '').split('\n').find((l) => l.startsWith(`| ${name}<br>`)) ?? '';
    // The week-1 cell is the second one: `| name | week 1 | week 2 | ...`
    const week1 = (name: string): string => row(name).split(' | ')[1] ?? '';

    // m1 writes week 1 on time (session 2025-09-04 20:00 Seoul; due at week 2's session, 09-11 20:00)
    const own = await push('rename-own', base, 'member-1', '2025-09-04T11:05:00Z', { set: ['study/week1/m1.md'] });
    console.log(`after m1's push: m1 week 1 = ${week1('m1')}; hgd week 1 = ${week1('hgd')}`);
    expect(week1('m1')).toContain('제출');

    // after the deadline hgd moves m1's file to their own name, in one commit
    const moved = await push('rename-move', own, 'hong-gildong', '2025-09-12T03:00:00Z', { set: ['study/week1/hgd.md'], remove: ['study/week1/m1.md'] });
    console.log(`after hgd's move: m1 week 1 = ${week1('m1')}; hgd week 1 = ${week1('hgd')}; check run: ${server.checkRuns.at(-1)?.conclusion}`);
    const hgdAfterMove = week1('hgd');
    const m1AfterMove = week1('m1');

    // m1 puts the file back
    await push('rename-restore', moved, 'member-1', '2025-09-12T04:00:00Z', { set: ['study/week1/m1.md'] });
    console.log(`after m1 restores: m1 week 1 = ${week1('m1')}; hgd week 1 = ${week1('hgd')}`);
    expect(errors).toEqual([]);
    // hgd wrote nothing before the deadline: not an on-time submission
    expect(hgdAfterMove).not.toMatch(/(^|[^각] )제출/);
    // While the file is gone from main the row says so (미제출, as when m1 removes it), and the
    // guard fails the push check; m1's record is kept, so the restored note keeps its
    // first-seen time: on time, not late (it was '지각 제출' before the fix).
    expect(m1AfterMove).toContain('미제출');
    expect(week1('m1')).toContain('제출 ✅');
    expect(week1('m1')).not.toContain('지각');
  }, 120_000);
});
