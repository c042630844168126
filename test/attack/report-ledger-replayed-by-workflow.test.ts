/**
 * Attack review 19 (open, HIGH): after a restart the report comment is the first BOT comment on
 * the report issue whose ledger verifies, and a member's workflow is a bot; a copy of an old
 * signed report body replaces the record.
 *
 * The ledger's signature binds it to the repository only (ledger-seal.ts), not to the comment
 * it stands in, and every body the bot ever wrote is readable (the comment itself, GitHub's edit
 * history of it). refreshReport and reportService.ledger find the comment with
 * findMarkedComment (src/github/marker-comment.ts): the first comment carrying the marker
 * whose user.type is 'Bot' and whose ledger verifies. It does not ask which app wrote it
 * (performed_via_github_app), as the nudges' sentOf and the /verify records now do
 * (refused-record-copies.test.ts). Any member can push a workflow that comments as
 * github-actions[bot] (user.type 'Bot', performed_via_github_app: GitHub Actions).
 *
 * So: hong-gildong saves the report body as it was after his own week-1 push (before member-1's
 * note), and his workflow posts it on the report issue. At the next start (any deploy or crash)
 * he edits the bot's report comment into something that does not verify (anyone with write
 * access can edit any comment). The refresh of the edit's webhook and of every later push now
 * takes HIS copy for the report: the edit's previous body (the real record) is dropped, since
 * it "belongs to the comment as it is" and that is now his copy; the bot rewrites his comment
 * from the old ledger. member-1's on-time week-1 note is first seen again at the next push
 * and shown '지각 제출' (late) in the bot's report; the real record is never read again.
 * (Deleting instead of editing heals: the deletion's restore applies to the replacing comment.)
 *
 * The repro: the whole app (createApp) against the fake GitHub server, as
 * report-issue-label-moved.test.ts builds it; the workflow's comment in GitHub's shape
 * (nudge-records-bot-flood.test.ts), the edit's webhook from GitHub's example.
 */
import nock from 'nock';
import { Probot } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttendanceDeps } from '../../src/attendance/attendance-options.js';
import { createApp } from '../../src/app/create-app.js';
import { CONFIG_PATH } from '../../src/config/schema.js';
import { FakeGitHubServer } from '../helpers/fake-github-server.js';
import { openapiExample, webhookExample, ourAppNamed } from '../helpers/github-examples.js';
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
const ACTIONS_APP = 15368;

let stop: (() => Promise<void>) | null = null;
beforeEach(() => nock.enableNetConnect('127.0.0.1'));
afterEach(async () => {
  await stop?.();
  stop = null;
  nock.disableNetConnect();
});

describe('attack: an old signed report body posted by a member\'s workflow', () => {
  it('HIGH: after a restart hong-gildong edits the report comment; his workflow\'s copy of an old body becomes the record and member-1\'s on-time week-1 note is shown late', async () => {
    const server = new FakeGitHubServer(OWNER, REPO);
    await server.start();
    stop = () => server.stop();
    const tasks: Promise<unknown>[] = [];
    const errors: unknown[] = [];
    let now = new Date('2025-09-04T10:00:00Z');
    const start = async () => {
      const deps: AttendanceDeps = {
        clock: { now: () => now },
        background: (task) => void tasks.push(task().catch((error: unknown) => errors.push(error))),
        attendance: { ledgerSecrets: ['attack-secret'], retryDelaysMs: [0, 0] },
      };
      const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: testOctokit(), baseUrl: server.baseUrl, logLevel: 'fatal' });
      await probot.load(createApp(deps));
      return probot;
    };
    let probot = await start();
    const settle = async () => {
      while (tasks.length > 0) await Promise.all(tasks.splice(0));
    };
    const base = new FakeCommit(sha('replay-base'), [
      { path: CONFIG_PATH, content: CONFIG },
      { path: 'README.md', content: '# eBPF 스터디\n' },
    ]);
    server.add(base);
    const push = async (label: string, before: FakeCommit, sender: string, at: string, set: string[]) => {
      now = new Date(at);
      const after = before.with(sha(label), { set: set.map((path) => ({ path, content: NOTE })) });
      server.add(after);
      const payload = pushPayload({ before: before.sha, after: after.sha, sender, pushedAt: now, commits: [{ added: set }] });
      await probot.receive({ id: label, name: 'push', payload } as never);
      await settle();
      return after;
    };
    /** the comment the bot wrote last (updated_at): the one it keeps as the report now */
    const report = (): string =>
      String([...server.comments].filter((c) => String(c.body).includes('study-bot:ledger')).sort((a, b) => String(a.updated_at).localeCompare(String(b.updated_at))).at(-1)?.body ?? '');
    const week1 = (name: string): string => (report().split('\n').find((l) => l.startsWith(`| ${name}<br>`)) ?? '').split(' | ')[1] ?? '';

    // hong-gildong's own week-1 note, then member-1's, both on time (session 2025-09-04 20:00 Seoul)
    server.now = () => now;
    const hisNote = await push('replay-his', base, 'hong-gildong', '2025-09-04T10:00:00Z', ['study/week1/hgd.md']);
    const ours = server.comments.find((c) => String(c.body).includes('study-bot:ledger'))!;
    const saved = String(ours.body); // readable by anyone (and in the comment's edit history)
    const m1Note = await push('replay-m1', hisNote, 'member-1', '2025-09-04T11:05:00Z', ['study/week1/m1.md']);
    console.log(`before: m1 week 1 = ${week1('m1')}`);
    expect(week1('m1')).toContain('제출 ✅');
    expect(week1('m1')).not.toContain('지각');

    // his workflow posts the saved body on the report issue as github-actions[bot]
    now = new Date('2025-09-05T00:00:00Z');
    const example = openapiExample<Record<string, any>>('issue-comment');
    server.comments.push({
      ...example,
      id: 8000,
      issue_number: ours.issue_number,
      body: saved,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
      user: { ...example.user, login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
      performed_via_github_app: { ...openapiExample<Record<string, any>>('integration'), id: ACTIONS_APP, slug: 'github-actions', name: 'GitHub Actions' },
    });

    // a deploy restarts the bot; he edits the bot's report comment (its webhook is delivered)
    probot = await start();
    now = new Date('2025-09-05T00:10:00Z');
    const before = String(ours.body);
    ours.body = '🙂';
    ours.updated_at = now.toISOString();
    const payload = webhookExample('issue_comment', 'edited');
    payload.issue.number = ours.issue_number;
    payload.comment = { ...payload.comment, id: ours.id, body: ours.body, user: { ...payload.comment.user, login: 'study-bot[bot]', type: 'Bot' }, performed_via_github_app: ourAppNamed() };
    payload.changes = { body: { from: before } };
    payload.sender = { ...payload.sender, login: 'hong-gildong', type: 'User' };
    // an app's webhook names its installation (as GitHub's issue_comment.created example with one does)
    payload.installation = { id: 1, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
    payload.repository = { ...payload.repository, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { ...payload.repository.owner, login: OWNER } };
    await probot.receive({ id: 'replay-edited', name: 'issue_comment', payload } as never);
    await settle();

    // the next push (his week-2 note)
    await push('replay-after', m1Note, 'hong-gildong', '2025-09-12T03:00:00Z', ['study/week2/hgd.md']);
    const kept = server.comments.filter((c) => String(c.body).includes('study-bot:ledger'));
    console.log(`after: report comments ${kept.map((c) => `${c.id} by ${c.user?.login}`).join(', ')}; ours now '${String(ours.body).slice(0, 20)}'; m1 week 1 = ${week1('m1')}`);
    expect(errors).toEqual([]);
    // the bot's report still shows member-1's on-time record (it shows '지각 제출 ✅': late)
    expect(week1('m1')).toContain('제출 ✅');
    expect(week1('m1')).not.toContain('지각');
  }, 120_000);
});
