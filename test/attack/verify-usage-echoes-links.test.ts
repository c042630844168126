/**
 * Attack review 20 (open, LOW; around 5236ca1): the fix of review 18's Low quotes the command line
 * inert (commands/quote-command.ts), but /verify's usage problem, written under the quote, echoes
 * the words as written in backticks (parse-verify-command.ts: "`${more.join(' ')}`을(를) 이해하지
 * 못했습니다", "`${target}`은(는) 주차도 경로도 아닙니다", "`${value}`은(는) 커널 레이블이 아닙니다"),
 * and the usage reply is written before the access check (handle-verify-command.ts), so a drive-by
 * account (author_association NONE, one command an hour) gets it. Its
 * `/verify week1 x\` [📢 출석 정정 안내](https://evil.example/login) @kim-cs @member-1 \`y`
 * closes the code span with its own backtick: the bot's reply carries his link and mentions of
 * two members (each notified), in the bot's name.
 *
 * Severity LOW (links and mentions in the bot's name; no record changed).
 * Fix idea: the words a usage problem shows go through shownText with backticks replaced (as the
 * listings of 575a5af), or the problem names no argument at all; better, one helper for "a word
 * of the member's in a code span" used by every reply.
 *
 * Fixed (issue 17): the words a usage problem names are a code span nothing closes (shownName,
 * parse-verify-command.ts), as every member word in a reply now is.
 *
 * The repro: the whole app (createApp) against the fake GitHub server, GitHub's
 * issue_comment.created example from an account with no say in the repository.
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

async function replyTo(line: string): Promise<string[]> {
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
  payload.comment = { ...payload.comment, body: line, created_at: now.toISOString(), updated_at: now.toISOString(), author_association: 'NONE', user: { ...payload.comment.user, login: 'drive-by', type: 'User' } };
  payload.sender = { ...payload.sender, login: 'drive-by', type: 'User' };
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

describe('attack review 20: /verify usage problems echo the words', () => {
  it('LOW: a drive-by account\'s `/verify week1 x` [link](https://evil.example/login) @kim-cs `y` puts the link and the mentions into the bot\'s reply', async () => {
    const replies = await replyTo('/verify week1 x` [📢 출석 정정 안내](https://evil.example/login) @kim-cs @member-1 `y');
    console.log(`the bot's reply: ${JSON.stringify(replies[0]?.slice(0, 400))}`);
    expect(replies).toHaveLength(1);
    // the quote line is inert (5236ca1); the usage line under it is not
    const { links, mentions } = gfm(replies[0]!);
    console.log(`links: ${JSON.stringify(links)}; a member mentioned in plain text: ${mentions}`);
    expect(links.filter((u) => u.includes('evil.example'))).toEqual([]);
    expect(mentions).toBe(false);
  }, 60_000);

  it('LOW: the same through a kernel label: `/verify week1 --kernel x`[link](https://evil.example/login)`y`', async () => {
    const replies = await replyTo('/verify week1 --kernel x`[📢출석정정안내](https://evil.example/login)`y');
    console.log(`the bot's reply: ${JSON.stringify(replies[0]?.slice(0, 400))}`);
    expect(replies).toHaveLength(1);
    expect(gfm(replies[0]!).links.filter((u) => u.includes('evil.example'))).toEqual([]);
  }, 60_000);
});
