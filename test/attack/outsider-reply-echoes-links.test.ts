/**
 * Attack review 18 (LOW, fixed: commands/quote-command.ts quotes the line inert): an outsider's command line comes back in the bot's reply as
 * markdown: links and mentions in the bot's name.
 *
 * Anyone who can comment (on a public study repository, anyone at all) gets one command run an
 * hour (dispatch.ts MAX_OUTSIDER_COMMANDS, OutsiderBudget), and a refused `/출석` is answered
 * with the command line quoted as written (`> ${command.raw}`, handle-check-in.ts; the same
 * quote in /verify's, /config's, /nudge's and the organizer commands' refusals, and
 * unknownCommandReply for members), up to 4,000 characters of it. So a drive-by account
 * writes `/출석 [📢 스터디 저장소 이전 안내](https://evil.example/login) @kim-cs @member-1 …`
 * and the bot posts, in its own name, a comment with that link and mentions of every member
 * named (each account gets one an hour; the mention of a member in the bot's reply notifies
 * them). Issue 17 asks for links and mentions to be neutralised wherever member text is shown
 * (src/text/shown-text.ts); the quoted command is not.
 *
 * The repro: the whole app (createApp) against the fake GitHub server (as
 * rename-takes-others-record.test.ts builds it), GitHub's issue_comment.created example from
 * an account with no say in the repository (author_association NONE).
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
const LINE = '/출석 [📢 스터디 저장소 이전 안내](https://evil.example/login) @kim-cs @member-1';

let stop: (() => Promise<void>) | null = null;
beforeEach(() => nock.enableNetConnect('127.0.0.1'));
afterEach(async () => {
  await stop?.();
  stop = null;
  nock.disableNetConnect();
});

describe('attack: an outsider\'s command quoted back', () => {
  it('LOW (fixed): a drive-by account\'s `/출석 [link](https://evil.example/login) @kim-cs @member-1` comes back inert in the bot\'s reply: no link, no mention', async () => {
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
    server.add(new FakeCommit(sha('outsider-base'), [{ path: CONFIG_PATH, content: CONFIG }, { path: 'README.md', content: '# eBPF 스터디\n' }]));

    const payload = webhookExample('issue_comment', 'created');
    payload.comment = { ...payload.comment, body: LINE, created_at: now.toISOString(), updated_at: now.toISOString(), author_association: 'NONE', user: { ...payload.comment.user, login: 'drive-by', type: 'User' } };
    payload.sender = { ...payload.sender, login: 'drive-by', type: 'User' };
    payload.repository = { ...payload.repository, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { ...payload.repository.owner, login: OWNER } };
    await probot.receive({ id: 'outsider-1', name: 'issue_comment', payload } as never);
    while (tasks.length > 0) await Promise.all(tasks.splice(0));
    const replies = server.comments.map((c) => String(c.body)).filter((b) => !b.includes('study-bot:ledger'));
    console.log(`the bot's reply: ${JSON.stringify(replies[0]?.slice(0, 300))}`);
    expect(errors).toEqual([]);
    expect(replies).toHaveLength(1);
    // the quote is inert: no link to evil.example, no mention of a member
    expect(replies[0]).not.toContain('](https://evil.example/login)');
    expect(replies[0]).not.toMatch(/(^|[^\w\u200B\u2060])@kim-cs\b/m);
    // read as GitHub reads it (GFM): no link node at all in the reply's quote
    const links: string[] = [];
    visit(unified().use(remarkParse).use(remarkGfm).parse(replies[0]!), 'link', (node: { url: string }) => void links.push(node.url));
    expect(links.filter((url) => url.includes('evil.example'))).toEqual([]);
  }, 60_000);
});
