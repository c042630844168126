/**
 * Attack review 20 (open, LOW; beside 5236ca1 and verify-usage-echoes-links.test.ts): two more
 * replies show a member's words raw in backticks under the inert quote. `/출석` with words it does
 * not know answers "`${args.join(' ')}`은(는) 알 수 없는 출석 방식입니다" (attendance/check-in.ts),
 * and a comment with more than five commands names those not run as "`${c.raw.slice(0, 80)}`"
 * (commands/dispatch.ts notRunReply). hong-gildong (on the roster, COLLABORATOR) writes
 * `/출석 x` [📢 출석 정정 안내](https://evil.example/login) @kim-cs `y`, or a sixth command line
 * `/nudge x` [📢 안내](https://evil.example/a) @kim-cs `y`: his backtick closes the span, and the
 * bot's reply carries his link and a mention of kim-cs, in the bot's name. (The quote line above
 * is inert; a drive-by account gets neither reply: the first needs the roster, the second an insider.)
 *
 * Severity LOW (links and mentions in the bot's name; no record changed).
 * Fix idea: one helper for "a member's words in a code span" (shownText, backticks replaced, as
 * 575a5af's listings) used by every reply that names what was written.
 *
 * Fixed (issue 17): both name the words with shownName (a code span nothing closes: a backtick is
 * shown as \u0060), as every member word in a reply now is.
 *
 * The repro: the whole app (createApp) against the fake GitHub server, GitHub's
 * issue_comment.created example from a collaborator on the roster.
 */
import nock from 'nock';
import { Probot } from 'probot';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
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

async function replyTo(line: string, login = 'drive-by', association = 'NONE'): Promise<string[]> {
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
  const payload = webhookExample('issue_comment', 'created');
  payload.comment = { ...payload.comment, body: line, created_at: now.toISOString(), updated_at: now.toISOString(), author_association: association, user: { ...payload.comment.user, login, type: 'User' } };
  payload.sender = { ...payload.sender, login, type: 'User' };
  payload.repository = { ...payload.repository, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { ...payload.repository.owner, login: OWNER } };
  await probot.receive({ id: 'usage-1', name: 'issue_comment', payload } as never);
  while (tasks.length > 0) await Promise.all(tasks.splice(0));
  expect(errors).toEqual([]);
  return server.comments.map((c) => String(c.body)).filter((b) => !b.includes('study-bot:ledger'));
}

/** Links and plain-text mentions in a body as GitHub reads it (GFM). */
function gfm(body: string): { links: string[]; mentions: boolean } {
  const links: string[] = [];
  const texts: string[] = [];
  const md = unified().use(remarkParse).use(remarkGfm).parse(body);
  visit(md, 'link', (node: { url: string }) => void links.push(node.url));
  visit(md, 'text', (node: { value: string }) => void texts.push(node.value));
  return { links, mentions: texts.some((t) => /(^|[^\w\u200B\u2060])@(kim-cs|member-1)\b/.test(t)) };
}

describe('attack review 20: a member\'s words raw in the bot\'s replies', () => {
  it('LOW: `/출석 x` [link](https://evil.example/login) @kim-cs `y` by a member comes back as a link and a mention', async () => {
    const replies = await replyTo('/출석 x` [📢 출석 정정 안내](https://evil.example/login) @kim-cs `y', 'member-1', 'COLLABORATOR');
    console.log(`the bot's reply: ${JSON.stringify(replies[0]?.slice(0, 300))}`);
    expect(replies).toHaveLength(1);
    const { links, mentions } = gfm(replies[0]!);
    console.log(`links: ${JSON.stringify(links)}; kim-cs mentioned in plain text: ${mentions}`);
    expect(links.filter((u) => u.includes('evil.example'))).toEqual([]);
    expect(mentions).toBe(false);
  }, 60_000);

  it('LOW: a sixth command line `/nudge x` [link](https://evil.example/a) @kim-cs `y` is named raw in "not run"', async () => {
    const lines = ['/config', '/config a', '/config b', '/config c', '/config d', '/nudge x` [📢 안내](https://evil.example/a) @kim-cs `y'];
    const replies = await replyTo(lines.join('\n'), 'member-1', 'COLLABORATOR');
    console.log(`the bot's reply: ${JSON.stringify(replies[0]?.slice(-300))}`);
    expect(replies).toHaveLength(1);
    const { links, mentions } = gfm(replies[0]!);
    console.log(`links: ${JSON.stringify(links)}; kim-cs mentioned in plain text: ${mentions}`);
    expect(links.filter((u) => u.includes('evil.example'))).toEqual([]);
    expect(mentions).toBe(false);
  }, 60_000);
});
