/**
 * Attack review 18 (fixed, HIGH; src/attendance/flooded-strangers.ts): with a roster, 50,000
 * notes under names nobody has make every refresh of the report one turn of over a second.
 *
 * Fixed: past 1,000 stranger names their files are counted, not applied, and the tree's files
 * are classified a chunk per turn (study-files.ts studyFilesOf; 50,000 paths are more than
 * study-paths.ts remembers). Paired runs (load 5-10): before 1,540/1,580/2,430 ms (roster) and
 * 1,740/1,460/1,350 ms (empty roster, where m1's row was also missing); after 540/570/800 and
 * 630/630/870 ms, most of it reading the 50,000-entry tree itself (octokit's JSON parse) and the
 * fake server answering it in the same process.
 *
 * Every refresh re-reads the newest tree (refresh-report.ts pushChanges, `complete: true`) and
 * applies every study file in it to the ledger, strangers' too (study-files.ts keeps a note
 * under a name nobody has, for renames), then fits the ledger into its comment (fit-ledger.ts):
 * applyChanges sorts the tree's files with `localeCompare` and copies the ledger, and fitLedger
 * encodes (JSON, deflate, HMAC) the whole of it before trimming the strangers, then again. All
 * of it in one synchronous stretch, on the event loop, on every refresh (any member's push,
 * check-in or organizer command) for as long as the files stay on main. The review-14 fixes
 * bounded the rows and the comment's size, and empty-roster-rows-stall.test.ts measures 9,000
 * names under an EMPTY roster; with a roster the strangers are applied and encoded before they
 * are trimmed. hong-gildong pushes 50,000 one-line notes `study/week{1..8}/<12 hex>.md` (one
 * push; GitHub's recursive listing of that many is cut, and treePaths then lists `study/` in
 * full).
 *
 * Seen through the app (load 12-14): with 50,000 notes member-1's three pushes held the event
 * loop 1,920, 1,890 and 1,830 ms of main-thread CPU each; 40,000: 1,160, 1,210, 1,000 ms;
 * 60,000: 2,590, 2,400, 3,180 ms. Scratch (tsx, load ~12): applyChanges of 40,000 stranger
 * notes 515 ms of CPU, fitLedger 1,166 ms (20,000: 153 + 668 ms).
 *
 * The repro: the whole app (createApp) against the fake GitHub server, as
 * empty-roster-rows-stall.test.ts builds it; the 50,000 notes are on main from one push, then
 * member-1 pushes their own note three times; the longest turn in main-thread CPU
 * (test/helpers/main-thread-cpu.ts).
 */
import { createHash } from 'node:crypto';
import nock from 'nock';
import { Probot } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttendanceDeps } from '../../src/attendance/attendance-options.js';
import { createApp } from '../../src/app/create-app.js';
import { CONFIG_PATH } from '../../src/config/schema.js';
import { FakeGitHubServer } from '../helpers/fake-github-server.js';
import { testOctokit, testPrivateKey } from '../helpers/probot-app.js';
import { FakeCommit, OWNER, REPO } from '../helpers/push-github.js';
import { APP_STARTED, pushPayload, sha } from '../helpers/push-probot.js';
import { longestTurn } from '../helpers/main-thread-cpu.js';
import { GOOD_KCS } from '../helpers/push-world.js';

const CONFIG = `# 스터디 설정
language: ko
members:
  - login: hong-gildong
    name: hgd
  - login: member-1
    name: m1
`;
const EMPTY_ROSTER = `# 스터디 설정
language: ko
members: []
`;
const NAMES = 50_000;

let stop: (() => Promise<void>) | null = null;
beforeEach(() => nock.enableNetConnect('127.0.0.1'));
afterEach(async () => {
  await stop?.();
  stop = null;
  nock.disableNetConnect();
});

/** The flood, then member-1's three pushes: each push's longest turn in main-thread CPU. */
async function floodThenPush(config: string): Promise<void> {
    const server = new FakeGitHubServer(OWNER, REPO);
    await server.start();
    stop = () => server.stop();
    const tasks: Promise<unknown>[] = [];
    const errors: unknown[] = [];
    let minutes = 5;
    const deps: AttendanceDeps = {
      clock: { now: () => new Date(APP_STARTED.getTime() + minutes * 60_000) },
      background: (task) => void tasks.push(task().catch((error: unknown) => errors.push(error))),
      attendance: { ledgerSecrets: ['attack-secret'], retryDelaysMs: [0, 0] },
    };
    const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: testOctokit(), baseUrl: server.baseUrl, logLevel: 'fatal' });
    await probot.load(createApp(deps));
    const settle = async () => {
      while (tasks.length > 0) await Promise.all(tasks.splice(0));
    };
    const fixed = (commit: FakeCommit) => {
      const listing = commit.treeResponse();
      commit.treeResponse = () => listing;
      server.add(commit);
      return commit;
    };
    const base = fixed(new FakeCommit(sha('strangers-base'), [{ path: CONFIG_PATH, content: config }, { path: 'README.md', content: '# eBPF 스터디\n' }]));
    const flooded = Array.from({ length: NAMES }, (_, i) => `study/week${1 + (i % 8)}/${createHash('sha1').update(String(i)).digest('hex').slice(0, 12)}.md`);
    const flood = fixed(base.with(sha('strangers-flood'), { set: flooded.map((path) => ({ path, content: '# notes\n' })) }));
    await probot.receive({ id: 'strangers-flood', name: 'push', payload: pushPayload({ before: base.sha, after: flood.sha, sender: 'hong-gildong', commits: [{ added: [flooded[0]!] }] }) } as never);
    await settle();
    const report = () => server.comments.map((c) => String(c.body)).find((b) => b.includes('study-bot:ledger')) ?? '';

    const blocks: number[] = [];
    let head = flood;
    for (let k = 0; k < 3; k++) {
      minutes += 5;
      const path = `study/week${k + 1}/m1.md`;
      const next = fixed(head.with(sha(`strangers-own-${k}`), { set: [{ path, content: GOOD_KCS.replace('# Week 1 - kcs', `# Week ${k + 1} - m1`) }] }));
      const { turn } = await longestTurn(async () => {
        await probot.receive({
          id: `strangers-own-${k}`,
          name: 'push',
          payload: pushPayload({ before: head.sha, after: next.sha, sender: 'member-1', commits: [{ added: [path] }], pushedAt: new Date(APP_STARTED.getTime() + minutes * 60_000) }),
        } as never);
        await settle();
      });
      head = next;
      blocks.push(turn.cpuMs);
      console.log(`member-1's push ${k + 1}: longest event-loop turn ${turn.cpuMs} ms of main-thread CPU (${turn.wallMs.toFixed(0)} ms wall); report ${report().length} characters, m1's row ${/\| m1(<br>| \|)/.test(report()) ? 'shown' : 'missing'}`);
    }
    expect(errors).toEqual([]);
    // (with an empty roster a row has no login under the name)
    expect(report()).toMatch(/\| m1(<br>| \|)/);
  // the report still says the strangers' records were left out, and how many names
  expect(report()).toMatch(config === CONFIG ? /명단에 없는 이름의 노트·프로젝트 기록 \(이름 50,000개\)/ : /먼저 제출한 \d+명만 표에 넣었습니다 \(나머지 이름 49901개\)/);
    // the first push warms the caches; the later ones are what every member's event costs
    expect(Math.max(...blocks.slice(1))).toBeLessThan(1_000);
}

describe('attack review 18: stranger notes applied and encoded on every refresh', () => {
  it('(fixed) HIGH: after hong-gildong\'s 50,000 notes under made-up names, member-1\'s push holds the event loop over a second', () => floodThenPush(CONFIG), 300_000);

  // The same with an empty roster (implicit-roster.ts: the first 100 names are the rows, the
  // rest strangers): the tree's 50,000 names were applied and encoded as well.
  it('(fixed) HIGH, empty roster: the same 50,000 notes, member-1\'s push holds the event loop over a second', () => floodThenPush(EMPTY_ROSTER), 300_000);
});
