/**
 * Attack review 19 (open, HIGH; around 9556fac/a9d2a12/6d6932b): a member can do what the fixes
 * leave to organizers only, "start over: an organizer deletes the issue", by TRANSFERRING the
 * report issue. GitHub lets anyone with write access to both repositories move an issue, with
 * its comments, to another repository of the same owner (an organization member may create one;
 * docs: "Transferring an issue to another repository"); it is then gone from the study's issue
 * listing, and its comment from the study's comment API. Nothing reads the `issues.transferred`
 * event. So, with no restart: the approval read (reportService.ledger) finds no report issue
 * and answers null, the push check takes the study for a new one and adopts hong-gildong's
 * pending config "(first use)" (outsider on the roster, verify.perHour 60), and the refresh
 * opens a NEW report issue (created: not 'orphaned') and writes a report made from the newest
 * tree alone: what this process wrote last is for the old issue number and is not merged.
 * A week later, member-1's on-time week-1 note shows '지각 제출 ⏳' (late, its check gone) in the new report.
 *
 * The repro: config-adopted-while-report-gone.test.ts (review 18's, fixed) with the transfer in
 * place of the deletion: the fake GitHub no longer has the issue nor its comments.
 */
import nock from 'nock';
import { Probot } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttendanceDeps } from '../../src/attendance/attendance-options.js';
import { createApp } from '../../src/app/create-app.js';
import { decodeLedger } from '../../src/attendance/ledger.js';
import { ledgerSeal } from '../../src/attendance/ledger-seal.js';
import { CONFIG_PATH } from '../../src/config/schema.js';
import { FakeGitHubServer } from '../helpers/fake-github-server.js';
import { openapiExample } from '../helpers/github-examples.js';
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
const HIS = `${CONFIG}  - login: outsider
    name: friend
verify:
  perHour: 60
`;
const NOTE = GOOD_KCS.replace('# Week 1 - kcs', '# Week 1 - m1');
const SECRET = 'attack-secret';

let stop: (() => Promise<void>) | null = null;
beforeEach(() => nock.enableNetConnect('127.0.0.1'));
afterEach(async () => {
  await stop?.();
  stop = null;
  nock.disableNetConnect();
});

describe('attack review 19: the report issue transferred away, then a push', () => {
  it.fails('HIGH: hong-gildong transfers the report issue to another repository and pushes; his pending config is not adopted and member-1\'s on-time note stays on time', async () => {
    const server = new FakeGitHubServer(OWNER, REPO);
    await server.start();
    stop = () => server.stop();
    const tasks: Promise<unknown>[] = [];
    const errors: unknown[] = [];
    let now = new Date('2025-09-04T11:05:00Z');
    const deps: AttendanceDeps = {
      clock: { now: () => now },
      background: (task) => void tasks.push(task().catch((error: unknown) => errors.push(error))),
      attendance: { ledgerSecrets: [SECRET], retryDelaysMs: [0, 0] },
    };
    const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: testOctokit(), baseUrl: server.baseUrl, logLevel: 'fatal' });
    await probot.load(createApp(deps));
    const settle = async () => {
      while (tasks.length > 0) await Promise.all(tasks.splice(0));
    };
    const base = new FakeCommit(sha('gone-base'), [
      { path: CONFIG_PATH, content: CONFIG },
      { path: 'README.md', content: '# eBPF 스터디\n' },
    ]);
    server.add(base);
    const push = async (label: string, before: FakeCommit, sender: string, at: string, files: { path: string; content: string }[], modified = false) => {
      now = new Date(at);
      const after = before.with(sha(label), { set: files });
      server.add(after);
      const paths = files.map((f) => f.path);
      const payload = pushPayload({ before: before.sha, after: after.sha, sender, pushedAt: now, commits: [modified ? { modified: paths } : { added: paths }] });
      await probot.receive({ id: label, name: 'push', payload } as never);
      await settle();
      return after;
    };
    const seal = ledgerSeal([SECRET], { owner: OWNER, repo: REPO });
    const approved = (): string | undefined => {
      const reports = server.comments.filter((c) => String(c.body).includes('study-bot:ledger'));
      const decoded = decodeLedger(String(reports.at(-1)?.body ?? ''), seal);
      return decoded.ok ? decoded.ledger.config?.text : undefined;
    };

    // member-1's note: the first push check adopts the organizers' config (bootstrap)
    const first = await push('gone-first', base, 'member-1', '2025-09-04T11:05:00Z', [{ path: 'study/week1/m1.md', content: NOTE }]);
    expect(approved()).toBe(CONFIG);
    // hong-gildong's config change: pending, not in effect
    const his = await push('gone-config', first, 'hong-gildong', '2025-09-04T11:30:00Z', [{ path: CONFIG_PATH, content: HIS }], true);
    console.log(`after his config push: check ${server.checkRuns.at(-1)?.conclusion}; approved = ${approved() === CONFIG ? 'the organizers\' config' : 'his'}`);
    expect(approved()).toBe(CONFIG);

    const week1 = (name: string): string => {
      const reports = server.comments.filter((c) => String(c.body).includes('study-bot:ledger'));
      return (String(reports.at(-1)?.body ?? '').split('\n').find((l) => l.startsWith(`| ${name}<br>`)) ?? '').split(' | ')[1] ?? '';
    };
    console.log(`before: m1 week 1 = ${week1('m1')}; report issue #${server.issues[0]?.number}`);
    expect(week1('m1')).toContain('제출 ✅');

    // a week later he transfers the report issue (with its comments) to another repository of the owner
    const moved = server.issues.splice(0, 1)[0]!;
    // the study has other issues (a member's question): GitHub never gives a number twice
    const { pull_request: _pr, ...question } = openapiExample<Record<string, unknown>>('issue');
    server.issues.push({ ...question, number: 100, title: '질문', labels: [] });
    for (let k = server.comments.length - 1; k >= 0; k--) if (server.comments[k]!.issue_number === moved.number) server.comments.splice(k, 1);
    await push('moved-note', his, 'hong-gildong', '2025-09-12T03:00:00Z', [{ path: 'study/week2/hgd.md', content: NOTE.replace('# Week 1 - m1', '# Week 2 - hgd') }]);
    const after = approved();
    console.log(`after the transfer and his push: report issues ${server.issues.map((x) => `#${x.number}`).join(', ')}; approved = ${after === CONFIG ? 'the organizers\' config' : after === HIS ? 'HIS (outsider, perHour 60)' : after}; m1 week 1 = ${week1('m1')}; errors ${errors.length}`);
    // the organizers' config is still the one approved, member-1's note still on time
    expect(after).not.toBe(HIS);
    expect(week1('m1')).toContain('제출 ✅');
    expect(week1('m1')).not.toContain('지각');
  }, 120_000);
});
