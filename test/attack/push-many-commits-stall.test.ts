/**
 * Attack review 12 (issue 17): a push of 2,048 commits (GitHub's cap on a push payload's
 * commits) that each modify the same 450 files in the pusher's own project folder
 * (`project/hgd/aN.c`; a 20.2 MB payload, under the 25 MB webhook cap: a script of commits,
 * nothing GitHub refuses). Path classification is memoised since review 6 (StudyPaths.prime),
 * but nothing bounds the (commit, file) pairs walked on the event loop: `pushProjectWork`
 * (src/project/push-work.ts) calls `projectOwnerOf` for every file of every commit, then
 * `attributeCommits` (src/project/project-work.ts) does it again with `vouchedFor`, an NFC
 * normalisation and `isEbpfSource` per pair: 921,600 pairs in one synchronous run, though
 * only 450 distinct paths and 20 prefix reads are ever used.
 *
 * Measured (shared 2-core machine): the whole app (createApp against the fake GitHub server)
 * held the event loop 2,286 ms at once, 3.6 s of CPU (load 4.4); with 250 files a commit
 * (512,000 pairs, 13 MB) 2,096 ms, 2.2 s CPU (load 4.9). `pushProjectWork` alone on the
 * 512,000 pairs: 1.6-2.8 s synchronous (load 4.8). Every other member's webhook, /verify and
 * /ping waits that long, and the member can push again at will.
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

const COMMITS = 2_048;
const FILES_PER_COMMIT = 450;

let stop: (() => Promise<void>) | null = null;
beforeEach(() => nock.enableNetConnect('127.0.0.1'));
afterEach(async () => {
  await stop?.();
  stop = null;
  nock.disableNetConnect();
});

describe('attack: a push of 2,048 commits each touching the same 450 project files', () => {
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
    const files = Array.from({ length: FILES_PER_COMMIT }, (_, i) => `project/hgd/a${i}.c`);
    const after = base.with(sha('stall-after'), { set: files.map((path) => ({ path, content: 'int x;\n' })) });
    server.add(base);
    server.add(after);
    // Only the app on the clock: the stand-in's listing of 9,000 entries is made once, now.
    for (const commit of [base, after]) {
      const listing = commit.treeResponse();
      commit.treeResponse = () => listing;
    }
    const payload = pushPayload({ before: base.sha, after: after.sha, commits: Array.from({ length: COMMITS }, () => ({ modified: files })) });
    console.log(`push payload: ${(JSON.stringify(payload).length / 1e6).toFixed(1)} MB, ${COMMITS * FILES_PER_COMMIT} paths`);

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
      `push of ${COMMITS * FILES_PER_COMMIT} paths: longest event-loop turn ${maxMs.toFixed(0)} ms of CPU (${turn.wallMs.toFixed(0)} ms wall), ${((used.user + used.system) / 1000).toFixed(0)} ms CPU, ${(performance.now() - t0).toFixed(0)} ms wall`,
    );
    // The push was handled: a check run, and the report written.
    expect(errors).toEqual([]);
    expect(server.checkRuns.length).toBe(1);
    expect(server.comments.length).toBeGreaterThan(0);
    expect(maxMs, `the event loop was held for ${maxMs.toFixed(0)} ms`).toBeLessThan(1_000);
  }, 600_000);
});
