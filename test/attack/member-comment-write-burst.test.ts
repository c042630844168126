/**
 * Attack review 20 (open, MEDIUM; beside d571e01): a member's comments have no budget ("members are
 * never counted", commands/outsider-budget.ts), and one comment makes the bot write up to seven
 * times: five commands run (each refusal or usage a reply), the unknown commands and the "not
 * run" list each one more, and every reply after the first is an edit that re-sends the whole
 * growing reply (dispatch.ts oneReply). hong-gildong (on the roster, COLLABORATOR) posts
 * comments of `/config a` … `/config e`, `/x`, `/config f` (or any such mix; /출석 outside its
 * window, /verify while his own one runs are refusals too): measured below, 1 POST and 6 PATCH
 * per comment, so 30 of his comments a minute (within GitHub's 80 content-creating requests a
 * minute for him) ask the bot for 210 writes a minute: past GitHub's 900 points a minute for an
 * installation (5 points a write; the edits may count as content-creating requests too), which Probot's
 * Octokit does not retry. While he goes on, the bot's writes for everyone (push Check Runs,
 * /verify's ⏳ and results, the report, check-in reactions) fail or wait (not run against
 * GitHub: the fake server has no secondary limit; the count is what the app asks for).
 *
 * Severity MEDIUM (a member starves the bot's GitHub writes with comments alone).
 * Fix idea: a member's comments get a budget too (generous, per member and hour, e.g. 60
 * answered comments), and one comment's replies are gathered and written once (one POST, no
 * edits) after its handlers ran.
 *
 * Fixed (issue 17): one comment's answers are gathered and written once (commands/dispatch.ts
 * GatheredReply: one POST, no edits), and a member gets 6 answered comments a minute and 60 an
 * hour (commands/member-budget.ts); the first comment past it gets one short notice, the rest
 * nothing. The 30 comments now cost 7 writes: 6 replies and the notice.
 *
 * The repro: the whole app (createApp) against the fake GitHub server, GitHub's
 * issue_comment.created example from a collaborator on the roster; the writes are the fake
 * server's logged non-GET calls.
 */
import nock from 'nock';
import { Probot } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttendanceDeps } from '../../src/attendance/attendance-options.js';
import { createApp } from '../../src/app/create-app.js';
import { CONFIG_PATH } from '../../src/config/schema.js';
import { FakeGitHubServer } from '../helpers/fake-github-server.js';
import { webhookExample } from '../helpers/github-examples.js';
import { testOctokit, testPrivateKey } from '../helpers/probot-app.js';
import { FakeCommit, OWNER, REPO } from '../helpers/push-github.js';
import { sha } from '../helpers/push-probot.js';

const CONFIG = `# 스터디 설정
language: ko
members:
  - login: kim-cs
    name: 김철수
  - login: member-1
    name: m1
`;

let stop: (() => Promise<void>) | null = null;
beforeEach(() => nock.enableNetConnect('127.0.0.1'));
afterEach(async () => {
  await stop?.();
  stop = null;
  nock.disableNetConnect();
});

async function writesOf(lines: string[], login: string, association: string): Promise<{ writes: string[]; replies: string[] }> {
  const server = new FakeGitHubServer(OWNER, REPO);
  await server.start();
  stop = () => server.stop();
  const tasks: Promise<unknown>[] = [];
  const errors: unknown[] = [];
  const now = new Date('2025-09-04T11:05:00Z');
  server.now = () => now;
  const deps: AttendanceDeps = {
    clock: { now: () => now },
    background: (task) => void tasks.push(task().catch((error: unknown) => errors.push(error))),
    attendance: { ledgerSecrets: ['attack-secret'], retryDelaysMs: [0, 0] },
  };
  const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: testOctokit(), baseUrl: server.baseUrl, logLevel: 'fatal' });
  await probot.load(createApp(deps));
  server.add(new FakeCommit(sha('usage-base'), [{ path: CONFIG_PATH, content: CONFIG }, { path: 'README.md', content: '# eBPF 스터디\n' }]));
  for (const [i, line] of lines.entries()) {
    const payload = webhookExample('issue_comment', 'created');
    payload.comment = { ...payload.comment, id: 9000 + i, body: line, created_at: now.toISOString(), updated_at: now.toISOString(), author_association: association, user: { ...payload.comment.user, login, type: 'User' } };
    payload.sender = { ...payload.sender, login, type: 'User' };
    payload.repository = { ...payload.repository, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { ...payload.repository.owner, login: OWNER } };
    await probot.receive({ id: `flood-${i}`, name: 'issue_comment', payload } as never);
    while (tasks.length > 0) await Promise.all(tasks.splice(0));
  }
  expect(errors).toEqual([]);
  const writes = server.calls.filter((c) => c.method !== 'GET' && c.method !== 'HEAD' && !c.path.includes('/access_tokens')).map((c) => `${c.method} ${c.path}`);
  return { writes, replies: server.comments.map((c) => String(c.body)) };
}

const COMMENT = ['/config a', '/config b', '/config c', '/config d', '/config e', '/x', '/config f'].join('\n');

describe('attack review 20: a member\'s comments, unbudgeted, each a burst of writes', () => {
  it('MEDIUM: 30 comments of hong-gildong make the bot write at most a few times each, not 7', async () => {
    const { writes, replies } = await writesOf(Array.from({ length: 30 }, () => COMMENT), 'member-1', 'COLLABORATOR');
    const kinds = new Map<string, number>();
    for (const w of writes) kinds.set(w.replace(/\d+/g, 'N'), (kinds.get(w.replace(/\d+/g, 'N')) ?? 0) + 1);
    console.log(`30 comments: ${writes.length} writes by the bot (${JSON.stringify([...kinds])}); ${replies.length} reply comments, the last ${replies.at(-1)?.length ?? 0} characters`);
    // one reply per comment, written once; a member's flood answered within a budget
    expect(writes.length).toBeLessThanOrEqual(30 * 2);
    expect(writes).toEqual(Array.from({ length: 7 }, () => expect.stringMatching(/^POST \/repos\/.+\/issues\/\d+\/comments$/)));
    expect(replies.slice(0, 6).every((r) => r.includes('/x') && r.includes('/config f') && r.split('\n---\n').length === 7)).toBe(true);
    expect(replies[6]).toMatch(/^⏸️ .+\n\n⏸️ Too many command comments/);
  }, 120_000);

  it('one comment of seven command lines is one write: a POST with every answer in it', async () => {
    const { writes, replies } = await writesOf([COMMENT], 'member-1', 'COLLABORATOR');
    expect(writes).toEqual([expect.stringMatching(/^POST \/repos\/.+\/issues\/\d+\/comments$/)]);
    // five /config answers, the unknown /x, and /config f not run
    const parts = replies[0]!.split('\n\n---\n\n');
    expect(parts).toHaveLength(7);
    expect(parts[5]).toContain('/x');
    expect(parts[6]).toContain('/config f');
  }, 60_000);
});
