/**
 * Attack review 6 (issue 17, the push check and what it feeds): one push of many files under
 * the project root, in folders named for nobody on the roster, holds the event loop for
 * seconds.
 *
 * Every path of a push is classified (src/paths/classify-path.ts) several times on the event
 * loop, with no bound on how many: the push check (`checkChangedFiles`, the record guard's
 * owners under both rosters), the report's `pushChanges` (`studyFileOf` for every added path)
 * and `pushProjectWork` (`projectOwnerOf` twice per path: to pick the commits, then in
 * `attributeCommits`). A `{name}` that is nobody's goes through `suggestMember`, a Levenshtein
 * distance against every roster spelling, for every path, every time (nothing is cached). A
 * folder named for the project rather than its owner (`project/ebpf-monitor/`) is the
 * documented, legitimate case; its name may be as long as git allows.
 *
 * The push: a member of a 12-member study (one Korean alias each) pushes 3 commits of 3,000
 * files each (GitHub's commit API lists up to 3,000 files per commit; the payload, 2.6 MB, is
 * far under the 25 MB webhook cap) into `project/<a 200-character name>-N/`. The whole app
 * (createApp: push check, report, project work) runs against the fake GitHub server; the fake
 * server's tree listing is computed before the push so that only the app's own work is on
 * the clock. Measured here (shared 2-core machine, two runs, load 4.8-7.4): the longest single
 * event-loop block (monitorEventLoopDelay) 4.7 s and 8.95 s, 9.4-10.1 s of CPU for the push; every other member's webhook, /verify
 * and /ping waits that long. One classification of such a path costs ~150 us (42 us for a
 * short name), and each path is classified six or seven times. The same push into the
 * ordinary `project/ebpf-monitor-N/` (a 0.5 MB payload: a member vendoring a library) held
 * the loop 1.97 s at once (4.7 s of CPU, load 5.7).
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
import { APP_STARTED, pushPayload, sha } from '../helpers/push-probot.js';
import { longestTurn } from '../helpers/main-thread-cpu.js';
import { GOOD_KCS } from '../helpers/push-world.js';

const KOREAN = ['홍길동', '김철수', '이영희', '박민수', '최지우', '정하늘', '강다은', '조현우', '윤서연', '장도윤', '임수빈', '한지민'];
const CONFIG = `# 스터디 설정
language: ko
members:
${KOREAN.map((alias, i) => `  - login: ${i === 0 ? 'hong-gildong' : `member-${i}`}\n    name: ${i === 0 ? 'hgd' : `m${i}`}\n    aliases: [${alias}]`).join('\n')}
`;

const FOLDERS = 3;
const FILES_PER_COMMIT = 3_000;

let stop: (() => Promise<void>) | null = null;
beforeEach(() => nock.enableNetConnect('127.0.0.1'));
afterEach(async () => {
  await stop?.();
  stop = null;
  nock.disableNetConnect();
});

describe('attack: a push of 9,000 files in project folders named for nobody on the roster', () => {
  it('HIGH (fixed): the app handles it without holding the event loop for a second or more', async () => {
    const server = new FakeGitHubServer(OWNER, REPO);
    await server.start();
    stop = () => server.stop();
    const tasks: Promise<unknown>[] = [];
    const errors: unknown[] = [];
    const deps: AttendanceDeps = {
      clock: { now: () => new Date(APP_STARTED.getTime() + 5 * 60_000) },
      background: (task) => void tasks.push(task().catch((error: unknown) => errors.push(error))),
      attendance: { ledgerSecrets: ['attack-secret'], retryDelaysMs: [0, 0] },
    };
    const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: testOctokit(), baseUrl: server.baseUrl, logLevel: 'fatal' });
    await probot.load(createApp(deps));

    const base = new FakeCommit(sha('stall-base'), [
      { path: CONFIG_PATH, content: CONFIG },
      { path: 'README.md', content: '# eBPF 스터디\n' },
      { path: 'study/week1/m1.md', content: GOOD_KCS },
    ]);
    const name = 'ebpf-' + 'x'.repeat(200);
    const commits = Array.from({ length: FOLDERS }, (_, c) => Array.from({ length: FILES_PER_COMMIT }, (_, i) => `project/${name}-${c}/src/f${i}.txt`));
    const after = base.with(sha('stall-after'), { set: commits.flat().map((path) => ({ path, content: 'x\n' })) });
    server.add(base);
    server.add(after);
    // Only the app on the clock: the stand-in's listing of 9,000 entries is made once, now.
    for (const commit of [base, after]) {
      const listing = commit.treeResponse();
      commit.treeResponse = () => listing;
    }
    const payload = pushPayload({ before: base.sha, after: after.sha, commits: commits.map((added) => ({ added })) });
    console.log(`push payload: ${(JSON.stringify(payload).length / 1e6).toFixed(1)} MB, ${commits.flat().length} paths`);

    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const { turn } = await longestTurn(async () => {
      await probot.receive({ id: 'stall-push', name: 'push', payload } as never);
      while (tasks.length > 0) await Promise.all(tasks.splice(0));
    });
    const used = process.cpuUsage(cpu);
    // the turn's main-thread CPU: what the code decides, whatever the machine's load (helpers/main-thread-cpu.ts)
    const maxMs = turn.cpuMs;
    console.log(
      `push of ${commits.flat().length} paths: longest event-loop turn ${maxMs.toFixed(0)} ms of CPU (${turn.wallMs.toFixed(0)} ms wall), ${((used.user + used.system) / 1000).toFixed(0)} ms CPU, ${(performance.now() - t0).toFixed(0)} ms wall`,
    );
    // The push was handled: a check run, and the report written.
    expect(errors).toEqual([]);
    expect(server.checkRuns.length).toBe(1);
    expect(server.comments.length).toBeGreaterThan(0);
    expect(maxMs, `the event loop was held for ${maxMs.toFixed(0)} ms`).toBeLessThan(1_000);
  }, 600_000);
});
