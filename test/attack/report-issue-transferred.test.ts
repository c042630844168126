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
 *
 * Fixed (report-trail.ts): every push check run records the report issue's number (a hidden
 * line only this app can write); with no report issue listed, the number is followed as GitHub
 * answers (301 to the new place), our app's signed ledger is read there and carried into a new
 * report issue with a note. Also covered: the `issues.transferred` webhook (GitHub's example
 * payload), a restart in between (the webhook missed), a destination the app cannot read (404:
 * nothing written, nothing adopted, the push check fails where organizers see it), and an
 * organizer's deletion (410: the documented way to start over still starts over).
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
import { openapiExample, webhookExample } from '../helpers/github-examples.js';
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

/** The app against the fake GitHub; `restart` builds a new app (nothing kept in memory) on the same GitHub. */
async function world() {
  const server = new FakeGitHubServer(OWNER, REPO);
  await server.start();
  stop = () => server.stop();
  const tasks: Promise<unknown>[] = [];
  const errors: unknown[] = [];
  let now = new Date('2025-09-04T11:05:00Z');
  let probot!: Probot;
  const restart = async () => {
    const deps: AttendanceDeps = {
      clock: { now: () => now },
      background: (task) => void tasks.push(task().catch((error: unknown) => errors.push(error))),
      attendance: { ledgerSecrets: [SECRET], retryDelaysMs: [0, 0] },
    };
    probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: testOctokit(), baseUrl: server.baseUrl, logLevel: 'fatal' });
    await probot.load(createApp(deps));
  };
  await restart();
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
  const reportBodies = () => server.comments.filter((c) => String(c.body).includes('study-bot:ledger'));
  const approved = (): string | undefined => {
    const decoded = decodeLedger(String(reportBodies().at(-1)?.body ?? ''), seal);
    return decoded.ok ? decoded.ledger.config?.text : undefined;
  };
  const week1 = (name: string): string =>
    (String(reportBodies().at(-1)?.body ?? '').split('\n').find((l) => l.startsWith(`| ${name}<br>`)) ?? '').split(' | ')[1] ?? '';
  // member-1's on-time note: the first push check adopts the organizers' config (bootstrap);
  // hong-gildong's config change: pending, not in effect
  const first = await push('gone-first', base, 'member-1', '2025-09-04T11:05:00Z', [{ path: 'study/week1/m1.md', content: NOTE }]);
  expect(approved()).toBe(CONFIG);
  const his = await push('gone-config', first, 'hong-gildong', '2025-09-04T11:30:00Z', [{ path: CONFIG_PATH, content: HIS }], true);
  console.log(`after his config push: check ${server.checkRuns.at(-1)?.conclusion}; approved = ${approved() === CONFIG ? 'the organizers\' config' : 'his'}`);
  expect(approved()).toBe(CONFIG);
  console.log(`before: m1 week 1 = ${week1('m1')}; report issue #${server.issues[0]?.number}`);
  expect(week1('m1')).toContain('제출 ✅');
  // the study has other issues (a member's question): GitHub never gives a number twice
  const { pull_request: _pr, ...question } = openapiExample<Record<string, unknown>>('issue');
  server.issues.push({ ...question, number: 100, title: '질문', labels: [] });
  // hong-gildong's week-2 note, a week later
  const pushWeek2 = () => push('moved-note', his, 'hong-gildong', '2025-09-12T03:00:00Z', [{ path: 'study/week2/hgd.md', content: NOTE.replace('# Week 1 - m1', '# Week 2 - hgd') }]);
  const reportIssue = server.issues[0]!;
  return { server, errors, settle, restart, approved, week1, pushWeek2, reportIssue, probot: () => probot, setNow: (at: string) => void (now = new Date(at)) };
}

const describeApproved = (text: string | undefined) => (text === CONFIG ? 'the organizers\' config' : text === HIS ? 'HIS (outsider, perHour 60)' : String(text));

/** The report issues the study lists now, and the note on the newest. */
const reportIssues = (server: FakeGitHubServer) => server.issues.filter((i) => (i.labels ?? []).some((l: { name?: string }) => l.name === 'study-report'));

describe('attack review 19: the report issue transferred away, then a push', () => {
  it('HIGH: hong-gildong transfers the report issue to another repository and pushes; his pending config is not adopted and member-1\'s on-time note stays on time', async () => {
    const w = await world();
    // the check runs record the report issue (a line only this app writes)
    expect(String(w.server.checkRuns.at(-1)?.output.summary)).toContain(`<!-- study-bot:report-issue ${w.reportIssue.number} -->`);
    // a week later he transfers the report issue (with its comments) to another repository of the owner
    w.server.transferIssue(w.reportIssue.number, 'notes');
    await w.pushWeek2();
    const after = w.approved();
    console.log(`after the transfer and his push: report issues ${w.server.issues.map((x) => `#${x.number}`).join(', ')}; approved = ${describeApproved(after)}; m1 week 1 = ${w.week1('m1')}; errors ${w.errors.length}`);
    // the organizers' config is still the one approved, member-1's note still on time
    expect(after).not.toBe(HIS);
    expect(after).toBe(CONFIG);
    expect(w.week1('m1')).toContain('제출 ✅');
    expect(w.week1('m1')).not.toContain('지각');
    // the record was carried into a new report issue, which says what happened (Korean first)
    const [fresh] = reportIssues(w.server);
    expect(fresh!.number).not.toBe(w.reportIssue.number);
    const note = w.server.comments.find((c) => c.issue_number === fresh!.number && String(c.body).startsWith('📦'));
    expect(String(note?.body)).toMatch(new RegExp(`^📦 이 스터디의 현황 이슈\\(#${w.reportIssue.number}\\)가 다른 저장소\\(${OWNER}/notes#1\\)로[^]*\n\n📦 This study's report issue`));
    expect(w.errors).toEqual([]);
    // the push check of his note ran (no bot error) with the organizers' config, his still pending
    const run = w.server.checkRuns.at(-1)!;
    expect(String(run.output.title)).not.toContain('study-bot 오류');
    expect(String(run.output.summary)).toContain('운영진이 마지막으로 승인한 설정');
    expect(String(run.output.summary)).toContain('`verify.perHour`: `6` → `60`');
  }, 120_000);

  it('the transfer\'s webhook (issues.transferred, GitHub\'s example payload): the record is carried into a new report issue at once', async () => {
    const w = await world();
    const moved = w.server.transferIssue(w.reportIssue.number, 'notes');
    const payload = webhookExample('issues', 'transferred');
    payload.repository = { ...payload.repository, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { ...payload.repository.owner, login: OWNER } };
    payload.issue = { ...payload.issue, ...w.reportIssue };
    payload.changes.new_issue = { ...payload.changes.new_issue, number: moved.number, html_url: moved.html_url };
    payload.changes.new_repository = { ...payload.changes.new_repository, name: 'notes', full_name: `${OWNER}/notes` };
    payload.installation = { id: 1, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
    const mark = w.server.calls.length;
    w.setNow('2025-09-05T09:00:00Z');
    await w.probot().receive({ id: 'transferred', name: 'issues', payload } as never);
    await w.settle();
    const calls = w.server.since(mark);
    console.log(`after the webhook: report issues ${reportIssues(w.server).map((x) => `#${x.number}`).join(', ')}; approved = ${describeApproved(w.approved())}; requests ${calls.length}`);
    expect(w.errors).toEqual([]);
    // read where it went (by the payload: no trail lookup needed), never from nothing
    expect(calls).toContain(`GET /repos/${OWNER}/notes/issues/${moved.number}/comments`);
    expect(calls.some((c) => c.includes('/check-runs'))).toBe(false);
    expect(reportIssues(w.server)).toHaveLength(1);
    expect(w.approved()).toBe(CONFIG);
    expect(w.week1('m1')).toContain('제출 ✅');
    await w.pushWeek2();
    expect(w.approved()).toBe(CONFIG);
    expect(w.week1('m1')).not.toContain('지각');
    expect(reportIssues(w.server)).toHaveLength(1);
    expect(w.errors).toEqual([]);
  }, 120_000);

  it('the webhook missed (a restart in between): the trail in the check runs and GitHub\'s 301 find the record', async () => {
    const w = await world();
    w.server.transferIssue(w.reportIssue.number, 'notes');
    await w.restart();
    await w.pushWeek2();
    console.log(`after a restart and his push: report issues ${reportIssues(w.server).map((x) => `#${x.number}`).join(', ')}; approved = ${describeApproved(w.approved())}; m1 week 1 = ${w.week1('m1')}`);
    expect(w.errors).toEqual([]);
    expect(w.approved()).toBe(CONFIG);
    expect(w.week1('m1')).toContain('제출 ✅');
    expect(w.week1('m1')).not.toContain('지각');
    expect(reportIssues(w.server)).toHaveLength(1);
    expect(w.server.since(0)).toContain(`GET /repos/${OWNER}/${REPO}/issues/${w.reportIssue.number}`);
  }, 120_000);

  it('moved where the app cannot read (GitHub answers 404): nothing is adopted, nothing written from nothing; the push check says the bot failed', async () => {
    const w = await world();
    const runsBefore = w.server.checkRuns.length;
    w.server.transferIssue(w.reportIssue.number, 'private-notes', { readable: false });
    await w.restart();
    await w.pushWeek2();
    const run = w.server.checkRuns.at(-1)!;
    console.log(`after his push: report issues ${reportIssues(w.server).length}; check ${run.conclusion}: ${run.output.title}; errors ${w.errors.length}`);
    // no new report issue, no ledger anywhere in the study: nothing adopted "(first use)"
    expect(reportIssues(w.server)).toHaveLength(0);
    expect(w.approved()).toBeUndefined();
    expect(w.server.checkRuns.length).toBe(runsBefore + 1);
    expect(String(run.output.title)).toContain('study-bot 오류');
    expect(String(run.output.summary)).toContain(`report issue #${w.reportIssue.number}`);
    expect(w.errors.length).toBeGreaterThan(0);
    expect(String(w.errors[0])).toContain('cannot read');
  }, 120_000);

  it('control: an organizer deleted the report issue (GitHub answers 410): the study starts over, as documented', async () => {
    const w = await world();
    w.server.deleteIssue(w.reportIssue.number);
    await w.restart();
    await w.pushWeek2();
    expect(w.errors).toEqual([]);
    expect(reportIssues(w.server)).toHaveLength(1);
    // a new report: no carried record, the file on main adopted at first use
    expect(w.server.comments.some((c) => String(c.body).startsWith('📦'))).toBe(false);
    expect(w.approved()).toBe(HIS);
  }, 120_000);
});
