/**
 * Attack review 14 (High; found in the fix of review 14's ledger overflow, d0d6479, and fixed
 * for this order by 9e7ec45, which landed while it was written: the first 100 names to arrive
 * are the rows and count as members for the fit). Before 9e7ec45: with
 * an empty roster, fitting the ledger into its comment drops EVERY member's note records.
 *
 * fitLedger's second step drops "records of names nobody on the roster has", and
 * refreshReport decides that by `config.members`; with no `members` every `{name}` is a member
 * (classify-path.ts, computeReport's rows), but for the trim every name is a stranger. So one
 * member who pushes enough notes under made-up names to overflow the ledger (2,000 names of 64
 * hex digits) makes the bot drop member-1's on-time week-1 record with them, and everyone
 * else's: every refresh re-reads the 2,000 from the tree, overflows and drops them all again.
 *
 * Seen: after member-1's push, week 1 = `제출 ✅`; after the flood the report comment is 1,116
 * characters with no row at all, above it the bot's note "… 출석과 `main`에 있는 노트의 기록은
 * 그대로입니다" (the records of notes on main are kept: they are not); after member-1's next
 * push, still no row. The first-seen times are gone from the signed ledger for good (removing
 * the flood would bring the notes back as first seen then, after the deadline: late).
 *
 * Still open (second test): the other order. The implicit roster is the first 100 names to
 * arrive, so when hong-gildong's 2,000 made-up names arrive first (an hour before the first
 * session), member-1's on-time week-1 note, pushed at 11:05Z, is a stranger: no row, and the
 * fit drops its record from the signed ledger (seen: report 20,183 characters, member-1's row
 * none, ledger record for 1/member-1 undefined, after member-1's next push still undefined).
 * When the organizers then write the roster, the note is first seen then: late.
 *
 * The repro: the whole app (createApp) against the fake GitHub server. member-1's note is
 * pushed in week 1; after the deadline hong-gildong's push puts the 2,000 notes on main (the
 * fake's tree holds them, the payload lists one: the content check of 2,000 notes is left out
 * to keep the test short); then member-1 pushes another file.
 */
import { createHash } from 'node:crypto';
import nock from 'nock';
import { Probot } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttendanceDeps } from '../../src/attendance/attendance-options.js';
import { createApp } from '../../src/app/create-app.js';
import { CONFIG_PATH } from '../../src/config/schema.js';
import { decodeLedger } from '../../src/attendance/ledger.js';
import { ledgerSeal } from '../../src/attendance/ledger-seal.js';
import { FakeGitHubServer } from '../helpers/fake-github-server.js';
import { testOctokit, testPrivateKey } from '../helpers/probot-app.js';
import { FakeCommit, OWNER, REPO } from '../helpers/push-github.js';
import { pushPayload, sha } from '../helpers/push-probot.js';
import { GOOD_KCS } from '../helpers/push-world.js';

const CONFIG = '# 스터디 설정\nlanguage: ko\n';
const FLOOD = 2_000;

let stop: (() => Promise<void>) | null = null;
beforeEach(() => nock.enableNetConnect('127.0.0.1'));
afterEach(async () => {
  await stop?.();
  stop = null;
  nock.disableNetConnect();
});

describe('attack: the ledger trimmed under an empty roster', () => {
  it('HIGH (fixed by 9e7ec45, the implicit roster of the first 100 names): made-up names that overflow the ledger do not cost member-1 their on-time week-1 record', async () => {
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
    const add = (commit: FakeCommit) => {
      const listing = commit.treeResponse();
      commit.treeResponse = () => listing;
      server.add(commit);
      return commit;
    };
    const push = async (label: string, before: FakeCommit, sender: string, at: string, set: { path: string; content: string }[], listed: string[]) => {
      now = new Date(at);
      const after = add(before.with(sha(label), { set }));
      await probot.receive({ id: label, name: 'push', payload: pushPayload({ before: before.sha, after: after.sha, sender, pushedAt: now, commits: [{ added: listed }] }) } as never);
      while (tasks.length > 0) await Promise.all(tasks.splice(0));
      return after;
    };
    const report = () => server.comments.map((c) => String(c.body)).find((b) => b.includes('study-bot:ledger')) ?? '';
    const week1 = (): string => (report().split('\n').find((l) => l.startsWith('| member-1 ')) ?? '').split(' | ')[1] ?? '';

    const base = add(new FakeCommit(sha('trim-base'), [{ path: CONFIG_PATH, content: CONFIG }, { path: 'README.md', content: '# eBPF 스터디\n' }]));
    const note = { path: 'study/week1/member-1.md', content: GOOD_KCS.replace('# Week 1 - kcs', '# Week 1 - member-1') };
    const own = await push('trim-own', base, 'member-1', '2025-09-04T11:05:00Z', [note], [note.path]);
    console.log(`after member-1's push: week 1 = ${week1()}`);
    expect(week1()).toMatch(/^제출/);

    // after the week-1 deadline (week 2's session, 2025-09-11 20:00 Seoul)
    const names = Array.from({ length: FLOOD }, (_, i) => `study/week2/${createHash('sha256').update(`n${i}`).digest('hex')}.md`);
    const flood = await push('trim-flood', own, 'hong-gildong', '2025-09-12T03:00:00Z', names.map((path) => ({ path, content: '# notes\n' })), [names[0]]);
    const afterFlood = week1();
    console.log(`after the flood: report ${report().length} characters; trimmed note: ${report().split('\n').find((l) => /기록|ledger|trim/i.test(l) && !l.startsWith('|') && !l.startsWith('<!--'))?.slice(0, 160)}; member-1 week 1 = ${afterFlood}`);

    await push('trim-next', flood, 'member-1', '2025-09-12T04:00:00Z', [{ path: 'study/week2/member-1.md', content: GOOD_KCS.replace('# Week 1 - kcs', '# Week 2 - member-1') }], ['study/week2/member-1.md']);
    console.log(`after member-1's next push: week 1 = ${week1()}`);
    expect(errors).toEqual([]);
    expect(afterFlood).toMatch(/^제출/);
    expect(week1()).toMatch(/^제출/);
  }, 120_000);

  it('HIGH (fixed: at most 3 implicit names per pusher): 2,000 made-up names pushed BEFORE member-1\'s first note take the 100 implicit rows, and the fit then drops member-1\'s on-time record', async () => {
    const server = new FakeGitHubServer(OWNER, REPO);
    await server.start();
    stop = () => server.stop();
    const tasks: Promise<unknown>[] = [];
    const errors: unknown[] = [];
    let now = new Date('2025-09-04T10:00:00Z');
    const deps: AttendanceDeps = {
      clock: { now: () => now },
      background: (task) => void tasks.push(task().catch((error: unknown) => errors.push(error))),
      attendance: { ledgerSecrets: ['attack-secret'], retryDelaysMs: [0, 0] },
    };
    const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: testOctokit(), baseUrl: server.baseUrl, logLevel: 'fatal' });
    await probot.load(createApp(deps));
    const add = (commit: FakeCommit) => {
      const listing = commit.treeResponse();
      commit.treeResponse = () => listing;
      server.add(commit);
      return commit;
    };
    const push = async (label: string, before: FakeCommit, sender: string, at: string, set: { path: string; content: string }[], listed: string[]) => {
      now = new Date(at);
      const after = add(before.with(sha(label), { set }));
      await probot.receive({ id: label, name: 'push', payload: pushPayload({ before: before.sha, after: after.sha, sender, pushedAt: now, commits: [{ added: listed }] }) } as never);
      while (tasks.length > 0) await Promise.all(tasks.splice(0));
      return after;
    };
    const report = () => server.comments.map((c) => String(c.body)).find((b) => b.includes('study-bot:ledger')) ?? '';
    const seal = ledgerSeal(['attack-secret'], { owner: OWNER, repo: REPO });
    const record = () => {
      const decoded = decodeLedger(report(), seal);
      return decoded.ok ? decoded.ledger.submissions['1/member-1'] : undefined;
    };

    const base = add(new FakeCommit(sha('first-base'), [{ path: CONFIG_PATH, content: CONFIG }, { path: 'README.md', content: '# eBPF 스터디\n' }]));
    // an hour before the first session: hong-gildong's 2,000 made-up names (week 2's folder)
    const names = Array.from({ length: FLOOD }, (_, i) => `study/week2/${createHash('sha256').update(`n${i}`).digest('hex')}.md`);
    const flood = await push('first-flood', base, 'hong-gildong', '2025-09-04T10:00:00Z', names.map((path) => ({ path, content: '# notes\n' })), [names[0]]);
    // member-1's week-1 note, on time
    const note = { path: 'study/week1/member-1.md', content: GOOD_KCS.replace('# Week 1 - kcs', '# Week 1 - member-1') };
    const own = await push('first-own', flood, 'member-1', '2025-09-04T11:05:00Z', [note], [note.path]);
    console.log(`after member-1's note: report ${report().length} characters, member-1's row: ${report().split('\n').find((l) => l.startsWith('| member-1 '))?.slice(0, 60) ?? '(none)'}; ledger record: ${JSON.stringify(record())}`);
    await push('first-next', own, 'member-1', '2025-09-12T04:00:00Z', [{ path: 'study/week2/member-1.md', content: GOOD_KCS.replace('# Week 1 - kcs', '# Week 2 - member-1') }], ['study/week2/member-1.md']);
    console.log(`after member-1's next push: ledger record: ${JSON.stringify(record())}`);
    expect(errors).toEqual([]);
    // the bot's signed record keeps member-1's on-time first-seen time, whoever arrived first
    expect(record()?.firstSeen).toBe(Date.parse('2025-09-04T11:05:00Z'));
  }, 120_000);
});
