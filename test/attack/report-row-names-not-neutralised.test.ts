/**
 * Attack review 18 (LOW, fixed: a cell's text is neutralised as text/shown-text.ts does, and brackets escaped): with an empty roster, names taken from file names reach the
 * report comment as markdown: links, mentions and references in the bot's own comment.
 *
 * With no `members` every `{name}` of a note is a row (implicit-roster.ts: the first 100 names,
 * 3 per pusher), and the report renders a row's name through `cellText` (render-report.ts),
 * which escapes only `|`, `\`, `<` and line breaks. Git allows almost any byte in a file name,
 * so hong-gildong's push of `study/week1/@kim-cs.md` and `study/week1/[출석 정정 안내](https:evil.example).md`
 * makes the bot's report show a mention of kim-cs and a link of his choosing in the name column,
 * in the bot's name, on every refresh. Issue 17 asks for autolinks, mentions and references to be
 * neutralised in every place member text is shown (src/text/shown-text.ts does it for the
 * /verify replies, the Check Runs and the digest: `inert`); the report's names are not.
 *
 * The repro: the whole app (createApp) against the fake GitHub server, as
 * rename-takes-others-record.test.ts builds it, one push.
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
import { testOctokit, testPrivateKey } from '../helpers/probot-app.js';
import { FakeCommit, OWNER, REPO } from '../helpers/push-github.js';
import { pushPayload, sha } from '../helpers/push-probot.js';
import { GOOD_KCS } from '../helpers/push-world.js';

const CONFIG = '# 스터디 설정 (명단은 아직 없음)\nlanguage: ko\n';
const MENTION = 'study/week1/@kim-cs.md';
const LINK = 'study/week1/[출석 정정 안내](https:evil.example).md';

let stop: (() => Promise<void>) | null = null;
beforeEach(() => nock.enableNetConnect('127.0.0.1'));
afterEach(async () => {
  await stop?.();
  stop = null;
  nock.disableNetConnect();
});

describe('attack: names from file names in the report comment', () => {
  it('LOW (fixed): hong-gildong\'s notes @kim-cs.md and [출석 정정 안내](https:evil.example).md put no mention and no link into the bot\'s report', async () => {
    const server = new FakeGitHubServer(OWNER, REPO);
    await server.start();
    stop = () => server.stop();
    const tasks: Promise<unknown>[] = [];
    const errors: unknown[] = [];
    const now = new Date('2025-09-04T11:05:00Z');
    const deps: AttendanceDeps = {
      clock: { now: () => now },
      background: (task) => void tasks.push(task().catch((error: unknown) => errors.push(error))),
      attendance: { ledgerSecrets: ['attack-secret'], retryDelaysMs: [0, 0] },
    };
    const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: testOctokit(), baseUrl: server.baseUrl, logLevel: 'fatal' });
    await probot.load(createApp(deps));
    const base = new FakeCommit(sha('names-base'), [
      { path: CONFIG_PATH, content: CONFIG },
      { path: 'README.md', content: '# eBPF 스터디\n' },
    ]);
    server.add(base);
    const after = base.with(sha('names-push'), { set: [MENTION, LINK].map((path) => ({ path, content: GOOD_KCS })) });
    server.add(after);
    const payload = pushPayload({ before: base.sha, after: after.sha, sender: 'hong-gildong', pushedAt: now, commits: [{ added: [MENTION, LINK] }] });
    await probot.receive({ id: 'names-push', name: 'push', payload } as never);
    while (tasks.length > 0) await Promise.all(tasks.splice(0));
    const report = String(server.comments.find((c) => String(c.body).includes('study-bot:ledger'))?.body ?? '');
    const rows = report.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| 이름') && !l.startsWith('| ---') && !l.startsWith('|---'));
    console.log(`report rows: ${JSON.stringify(rows.map((r) => r.split(' | ')[0]))}`);
    expect(errors).toEqual([]);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    // the names are shown inert: no mention of @kim-cs, no link to evil.example
    expect(report).not.toMatch(/(^|[^\w\u200B\u2060])@kim-cs\b/m);
    // read as GitHub reads it (GFM): no link node anywhere in the report points at evil.example
    const links: string[] = [];
    visit(unified().use(remarkParse).use(remarkGfm).parse(report), 'link', (node: { url: string }) => void links.push(node.url));
    expect(links.filter((url) => url.includes('evil.example'))).toEqual([]);
    expect(report).toContain('출석 정정 안내');
  }, 120_000);
});
