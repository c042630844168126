/**
 * Attack review 14 (fixed, High; src/attendance/fit-ledger.ts): one push of files under a week folder, named for nobody on
 * the roster, grows the signed ledger past what one comment holds, and from then on the report
 * is never written again: every later submission, check-in and organizer mark is lost.
 *
 * `studyFileOf` keeps a note under a `{name}` nobody has (`study/week1/<anything>.md`) as a
 * ledger submission (so a rename `jw.md` → `jiwoo.md` carries its first-seen time), with no
 * bound on how many; a removed file keeps its record (onMain false) for good. The ledger lives
 * in the report comment, and `reportCommentBody` throws when the ledger block alone leaves
 * less than 1 KiB of GitHub's 65,536 characters. Every refresh then fails (retried, then
 * dropped): the push that follows, from another member, is not recorded, and removing the
 * files does not shrink the ledger.
 *
 * Measured here: 2,000 files named by 64 hex digits in one commit (a 0.33 MB payload) make a
 * ledger block of 122,386 characters; the refresh of that push and of member-1's push after it
 * both fail ("the attendance ledger alone is 122386 characters: too large for one comment") and
 * m1's row stays empty. About 1,100 such files are enough. The same overflow needs no attacker at the config's
 * own bounds: 40 members x 52 weeks of ordinary check-ins, notes and checks (2,080 of each,
 * applied as the bot applies them) encode to 71,730 characters (second test; the config allows
 * 500 x 52); 500 x 8 encoded to ~116,000-124,000 and 100 x 52 to ~166,000 in the review's
 * scratch measurement. Past that, the report stops for everyone.
 *
 * The repro: the whole app (createApp) against the fake GitHub server; hong-gildong pushes the
 * 2,000 files, then member-1 pushes their own week-1 note. The report must show member-1's
 * submission and no refresh may fail.
 */
import { createHash } from 'node:crypto';
import nock from 'nock';
import { Probot } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttendanceDeps } from '../../src/attendance/attendance-options.js';
import { createApp } from '../../src/app/create-app.js';
import { parseConfig } from '../../src/config/load-config.js';
import { CONFIG_PATH, studyConfigSchema } from '../../src/config/schema.js';
import { computeReport } from '../../src/attendance/compute-report.js';
import { applyChanges, emptyLedger, encodeLedger, type LedgerChange } from '../../src/attendance/ledger.js';
import { ledgerSeal } from '../../src/attendance/ledger-seal.js';
import { LEDGER_BLOCK_MAX, renderOptionsFor, renderReport, reportCommentBody } from '../../src/attendance/render-report.js';
import { buildSchedule } from '../../src/attendance/schedule.js';
import { FakeGitHubServer } from '../helpers/fake-github-server.js';
import { testOctokit, testPrivateKey } from '../helpers/probot-app.js';
import { FakeCommit, OWNER, REPO } from '../helpers/push-github.js';
import { APP_STARTED, pushPayload, sha } from '../helpers/push-probot.js';
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

const FLOOD = 2_000;

let stop: (() => Promise<void>) | null = null;
beforeEach(() => nock.enableNetConnect('127.0.0.1'));
afterEach(async () => {
  await stop?.();
  stop = null;
  nock.disableNetConnect();
});

describe('attack: the ledger grown past one comment by a push', () => {
  it('HIGH (fixed): after hgd pushes 2,000 notes under names nobody has, member-1\'s own week-1 note is still recorded', async () => {
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

    const base = new FakeCommit(sha('outgrow-base'), [
      { path: CONFIG_PATH, content: CONFIG },
      { path: 'README.md', content: '# eBPF 스터디\n' },
    ]);
    server.add(base);
    const names = Array.from({ length: FLOOD }, (_, i) => createHash('sha256').update(`n${i}`).digest('hex'));
    const flooded = names.map((n) => `study/week1/${n}.md`);
    const flood = base.with(sha('outgrow-flood'), { set: flooded.map((path) => ({ path, content: '# notes\n' })) });
    server.add(flood);
    const floodPayload = pushPayload({ before: base.sha, after: flood.sha, sender: 'hong-gildong', commits: [{ added: flooded }] });
    console.log(`flood payload: ${(JSON.stringify(floodPayload).length / 1e6).toFixed(2)} MB, ${FLOOD} paths`);
    await probot.receive({ id: 'outgrow-flood', name: 'push', payload: floodPayload } as never);
    await settle();
    const afterFlood = errors.splice(0);
    console.log(`after the flood: ${afterFlood.length} refresh error(s): ${afterFlood.map((e) => (e as Error).message).join(' | ')}`);

    // member-1's own week-1 note, pushed a few minutes later
    minutes = 10;
    const own = flood.with(sha('outgrow-own'), { set: [{ path: 'study/week1/m1.md', content: GOOD_KCS.replace('# Week 1 - kcs', '# Week 1 - m1') }] });
    server.add(own);
    await probot.receive({
      id: 'outgrow-own',
      name: 'push',
      payload: pushPayload({ before: flood.sha, after: own.sha, sender: 'member-1', commits: [{ added: ['study/week1/m1.md'] }], pushedAt: new Date(APP_STARTED.getTime() + 10 * 60_000) }),
    } as never);
    await settle();
    const afterOwn = errors.splice(0);
    console.log(`after member-1's push: ${afterOwn.length} refresh error(s): ${afterOwn.map((e) => (e as Error).message).join(' | ')}`);

    const report = server.comments.map((c) => String(c.body)).find((b) => b.includes('study-bot:ledger')) ?? '';
    const row = report.split('\n').find((l) => l.startsWith('| m1<br>')) ?? '';
    console.log(`report comment: ${report.length} characters; m1's row: ${row.slice(0, 120)}`);
    expect([...afterFlood, ...afterOwn]).toEqual([]);
    expect(row).toContain('제출');
    // the organizers are told what gave way (the strangers' records), above the table
    expect(report).toContain('명단에 없는 이름의 노트·프로젝트 기록');
  }, 120_000);
});

describe('the ledger at the config\'s own bounds (no attacker)', () => {
  // Fixed by a bound on the config (members x weeks <= 1,200, schema.ts): 40 x 52 is refused
  // with the reason, and the largest studies it accepts keep every record in the comment.
  it('HIGH (fixed): 40 members x 52 weeks is refused with the reason; the largest rosters allowed fit with every check-in, note and check recorded', () => {
    const refused = parseConfig(`weeks: 52\nmembers:\n${Array.from({ length: 40 }, (_, i) => `  - login: member-${i}\n    name: m${i}\n`).join('')}`);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(JSON.stringify(refused.problems)).toContain('1200');
    for (const [count, weeks] of [[150, 8], [40, 30], [23, 52]] as const) {
      const { ledger, visible } = fullStudy(count, weeks);
      const block = encodeLedger(ledger, ledgerSeal(['attack-secret'], { owner: OWNER, repo: REPO }));
      console.log(`${count} x ${weeks}: ${Object.keys(ledger.marks).length} marks, ${Object.keys(ledger.submissions).length} notes, ledger block ${block.length} characters`);
      expect(block.length).toBeLessThanOrEqual(LEDGER_BLOCK_MAX);
      expect(() => reportCommentBody(visible, block)).not.toThrow();
    }
  });
});

/** A study with every check-in, note and check recorded, as the bot records them. */
function fullStudy(count: number, weekCount: number) {
    const members = Array.from({ length: count }, (_, i) => ({ login: `member-${i}`, name: `m${i}`, aliases: [] }));
    const config = studyConfigSchema.parse({ weeks: weekCount, members });
    const schedule = buildSchedule(config);
    // the minutes of a check-in and of a push vary, as they do (a fixed pseudo-random sequence)
    let seed = 17;
    const jitter = (range: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % range);
    const changes: LedgerChange[] = schedule.weeks.flatMap((week) =>
      members.flatMap(({ login, name }): LedgerChange[] => {
        const session = week.session.getTime();
        const path = `study/week${week.week}/${name}.md`;
        const pushed = session + jitter(3 * 86_400_000);
        return [
          { kind: 'mark', mark: { week: week.week, login, state: 'present', by: login, at: session - 600_000 + jitter(3_600_000), source: 'check-in' } },
          { kind: 'tree', files: [{ path, week: week.week, owner: name }], renames: [], seenAt: pushed, complete: false },
          { kind: 'check', files: [{ path, status: 'pass' }], at: pushed + 60_000 },
        ];
      }),
    );
    const ledger = applyChanges(emptyLedger(), changes);
    const now = new Date(schedule.weeks[weekCount - 1]!.session.getTime() + 86_400_000);
    const visible = renderReport(computeReport({ config, schedule, ledger, now }), renderOptionsFor(config, schedule, now));
    return { ledger, visible };
}
