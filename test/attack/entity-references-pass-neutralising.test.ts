/**
 * Attack review 20 (open, LOW; around 5236ca1 and 80e5d80): text/shown-text.ts neutralises what
 * links or mentions by looking for the characters themselves (`@`, `#1`, `://`, `www.`), and the
 * quote of a command (commands/quote-command.ts) and the report's name cells (render-report.ts)
 * escape `[`, `]`, `\` and `<` but not `&`. A decimal reference (`&#64;`) is broken by the `#1`
 * rule (`&#\u200b64;`), but GitHub's markdown decodes hex and named character references too:
 * `&#x40;kim-cs` and `&commat;member-1` are the text `@kim-cs` and `@member-1` (mentions, which
 * GitHub finds in the rendered text), `https&colon;//evil.example/login` and
 * `www&period;evil&#x2e;example` are URLs that GFM autolinks (as remark-gfm, the reading the
 * attack tests use, links them; not tried on github.com). So a drive-by account's
 * `/출석 📢 출석 정정 안내 https&colon;//evil.example/login &#x40;kim-cs &commat;member-1` comes back in
 * the bot's reply as a link and two mentions, as before 5236ca1; and with an empty roster
 * hong-gildong's notes study/week1/&#x40;kim-cs.md and study/week1/www&period;evil&#x2e;example.md
 * put a mention and a link into the bot's report, as before 80e5d80.
 *
 * Severity LOW (links and mentions in the bot's name; no record changed).
 * Fix idea: shownText (or every markdown-text caller) escapes `&` as `&amp;` (render-verify.ts
 * cell() does), so no character reference of member text reaches GitHub's renderer.
 *
 * Fixed (issue 17): withoutLinks (so shownText, the quote and the report's cells) breaks every
 * `&` before `#` or a letter with the same zero-width space: no character reference is left.
 *
 * The repro: the whole app (createApp) against the fake GitHub server: GitHub's
 * issue_comment.created example from an account with no say in the repository, and one push
 * (as report-row-names-not-neutralised.test.ts); both bodies read as GFM (remark-gfm).
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
import { pushPayload, sha } from '../helpers/push-probot.js';
import { GOOD_KCS } from '../helpers/push-world.js';

let stop: (() => Promise<void>) | null = null;
beforeEach(() => nock.enableNetConnect('127.0.0.1'));
afterEach(async () => {
  await stop?.();
  stop = null;
  nock.disableNetConnect();
});

async function app() {
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
  const settle = async () => {
    while (tasks.length > 0) await Promise.all(tasks.splice(0));
    expect(errors).toEqual([]);
  };
  return { server, probot, now, settle };
}

/** Links and plain-text mentions of a body as GFM reads it. */
function gfm(body: string): { links: string[]; mentions: string[] } {
  const links: string[] = [];
  const mentions: string[] = [];
  const md = unified().use(remarkParse).use(remarkGfm).parse(body);
  visit(md, 'link', (node: { url: string }) => void links.push(node.url));
  visit(md, 'text', (node: { value: string }) => void mentions.push(...(node.value.match(/(?<![\w\u200B\u2060])@(?:kim-cs|member-1)\b/g) ?? [])));
  return { links, mentions };
}

describe('attack review 20: character references get past the neutralising', () => {
  it('LOW: a drive-by account\'s `/출석 … https&colon;//evil.example/login &#x40;kim-cs &commat;member-1` comes back as a link and two mentions', async () => {
    const { server, probot, now, settle } = await app();
    server.add(new FakeCommit(sha('entity-base'), [{ path: CONFIG_PATH, content: '# 스터디 설정\nlanguage: ko\nmembers:\n  - login: kim-cs\n    name: 김철수\n  - login: member-1\n    name: m1\n' }, { path: 'README.md', content: '# eBPF 스터디\n' }]));
    const payload = webhookExample('issue_comment', 'created');
    const line = '/출석 📢 출석 정정 안내 https&colon;//evil.example/login &#x40;kim-cs &commat;member-1';
    payload.comment = { ...payload.comment, body: line, created_at: now.toISOString(), updated_at: now.toISOString(), author_association: 'NONE', user: { ...payload.comment.user, login: 'drive-by', type: 'User' } };
    payload.sender = { ...payload.sender, login: 'drive-by', type: 'User' };
    payload.repository = { ...payload.repository, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { ...payload.repository.owner, login: OWNER } };
    await probot.receive({ id: 'entity-1', name: 'issue_comment', payload } as never);
    await settle();
    const replies = server.comments.map((c) => String(c.body)).filter((b) => !b.includes('study-bot:ledger'));
    expect(replies).toHaveLength(1);
    const { links, mentions } = gfm(replies[0]!);
    console.log(`the bot's reply: ${JSON.stringify(replies[0]!.split('\n')[0])}; links ${JSON.stringify(links)}; mentions ${JSON.stringify(mentions)}`);
    expect(links.filter((u) => u.includes('evil.example'))).toEqual([]);
    expect(mentions).toEqual([]);
  }, 60_000);

  it('LOW: with an empty roster, hong-gildong\'s notes &#x40;kim-cs.md and www&period;evil&#x2e;example.md put a mention and a link into the report', async () => {
    const { server, probot, now, settle } = await app();
    const MENTION = 'study/week1/&#x40;kim-cs.md';
    const LINK = 'study/week1/www&period;evil&#x2e;example.md';
    const base = new FakeCommit(sha('entity-names-base'), [
      { path: CONFIG_PATH, content: '# 스터디 설정 (명단은 아직 없음)\nlanguage: ko\n' },
      { path: 'README.md', content: '# eBPF 스터디\n' },
    ]);
    server.add(base);
    const after = base.with(sha('entity-names-push'), { set: [MENTION, LINK].map((path) => ({ path, content: GOOD_KCS })) });
    server.add(after);
    const payload = pushPayload({ before: base.sha, after: after.sha, sender: 'hong-gildong', pushedAt: now, commits: [{ added: [MENTION, LINK] }] });
    await probot.receive({ id: 'entity-names-push', name: 'push', payload } as never);
    await settle();
    const report = String(server.comments.find((c) => String(c.body).includes('study-bot:ledger'))?.body ?? '');
    const rows = report.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| 이름') && !l.startsWith('| ---') && !l.startsWith('|---'));
    const { links, mentions } = gfm(report);
    console.log(`report rows: ${JSON.stringify(rows.map((r) => r.split(' | ')[0]))}; links ${JSON.stringify(links.filter((u) => u.includes('evil')))}; mentions ${JSON.stringify(mentions)}`);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(links.filter((u) => u.includes('evil.example'))).toEqual([]);
    expect(mentions).toEqual([]);
  }, 120_000);
});
