/**
 * Attack review 16 (open, High; a way around c1f53b6, review 15's fix): with an empty roster a
 * name is brought by "any pusher of a note under it", but the ledger keeps one pusher per
 * (week, name): the pusher of the EARLIEST sighting. hong-gildong pushes, an hour before the
 * first session, `study/week1/aaa-1.md`..`aaa-3.md` and a placeholder `study/week1/member-1.md`
 * (the same week as member-1's note: "a file for everyone to fill in"). member-1 fills in their
 * own week-1 note on time (11:05Z, pushed by member-1): the submission's earliest sighting is
 * still hong-gildong's, so the only pusher under `member-1` is hong-gildong, whose 3 names are
 * spent; member-1 is neither among his 3 nor among the names nobody brought: no row. After the
 * deadline hong-gildong's flood of 2,000 made-up names (tree only) outgrows the comment, the
 * fit's 'strangers' step drops member-1's on-time record, and member-1's next push brings the
 * note back first seen then (late).
 *
 * The repro: test/attack/implicit-roster-name-taken.test.ts with the placeholder in week 1.
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

describe('attack review 16: another member\'s placeholder takes member-1\'s implicit row', () => {
  it('HIGH (fixed: a note keeps everyone who pushed it): hong-gildong pushes 3 names and a placeholder study/week1/member-1.md; member-1 fills it in on time, gets no row, and the fit drops the record', async () => {
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
    const row = () => report().split('\n').find((l) => l.startsWith('| member-1 '))?.slice(0, 60) ?? '(none)';

    const base = add(new FakeCommit(sha('placeholder-base'), [{ path: CONFIG_PATH, content: CONFIG }, { path: 'README.md', content: '# eBPF 스터디\n' }]));
    // an hour before the first session: hong-gildong's 3 names, then one under member-1's name, all listed
    const decoys = ['study/week1/aaa-1.md', 'study/week1/aaa-2.md', 'study/week1/aaa-3.md', 'study/week1/member-1.md'];
    const first = await push('placeholder-first', base, 'hong-gildong', '2025-09-04T10:00:00Z', decoys.map((path) => ({ path, content: '# notes\n' })), decoys);
    // member-1's week-1 note, on time, pushed by member-1
    const note = { path: 'study/week1/member-1.md', content: GOOD_KCS.replace('# Week 1 - kcs', '# Week 1 - member-1') };
    const own = await push('placeholder-own', first, 'member-1', '2025-09-04T11:05:00Z', [note], [note.path]);
    const before = record();
    console.log(`after member-1's note: report ${report().length} characters, member-1's row: ${row()}; ledger record: ${JSON.stringify(before)}`);
    // after the deadline: 2,000 made-up names the tree shows (one listed), the ledger outgrows its comment
    const names = Array.from({ length: FLOOD }, (_, i) => `study/week2/${createHash('sha256').update(`n${i}`).digest('hex')}.md`);
    const flood = await push('placeholder-flood', own, 'hong-gildong', '2025-09-12T03:00:00Z', names.map((path) => ({ path, content: '# notes\n' })), [names[0]]);
    console.log(`after the flood: report ${report().length} characters, member-1's row: ${row()}; ledger record: ${JSON.stringify(record())}`);
    await push('placeholder-next', flood, 'member-1', '2025-09-12T04:00:00Z', [{ path: 'study/week2/member-1.md', content: GOOD_KCS.replace('# Week 1 - kcs', '# Week 2 - member-1') }], ['study/week2/member-1.md']);
    console.log(`after member-1's next push: member-1's row: ${row()}; ledger record: ${JSON.stringify(record())}`);
    // the placeholder's push is the earliest sighting (before the deadline either way)
    expect(before?.firstSeen).toBe(Date.parse('2025-09-04T10:00:00Z'));
    expect(errors).toEqual([]);
    // member-1 pushed a note under their own name: their record survives the flood, on time
    expect(record()?.firstSeen).toBe(Date.parse('2025-09-04T10:00:00Z'));
    expect(row()).not.toBe('(none)');
  }, 120_000);
});
