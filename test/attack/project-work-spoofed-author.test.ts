/**
 * Attack review 8 (open, High by the review's line): the fix of review 7 (vouchedFor in
 * src/project/project-work.ts) credits a commit in `project/m1/` to m1 when m1 pushed it OR
 * "GitHub names them its author or committer". That name is the push payload's
 * `commits[].author.username` / `committer.username`, which GitHub derives from the commit's
 * author/committer EMAIL, an unauthenticated string the committer types. Every account has a
 * public noreply address (`{id}+{login}@users.noreply.github.com`, id from GET /users/{login}),
 * and GitHub maps it to the account: `git -c user.email=12345+member-1@users.noreply.github.com
 * commit -m 'week5 BCC 과제'` pushed by hong-gildong arrives with author.username 'member-1'.
 * So the review-7 High is back with one git option: hgd's push into project/m1/ is signed into
 * the ledger as m1's week-5 work, and 60 such commits fill m1's week cap so m1's own commit is
 * not counted. The payload here is GitHub's push shape with exactly what GitHub would send for
 * such a commit (author/committer {name, email, username: 'member-1'}, sender hong-gildong).
 *
 * Seen (run as plain `it`): m1's row '📦 커밋 1 · 파일 1 <code>hello.py</code> ... 1 / 8'; after 60
 * spoofed commits then m1's own push: '📦 커밋 60 · 파일 30 filler-00.py ...', m1's file absent.
 *
 * Severity: High (the bot signs something false about another member's work / crowds out
 * their own). Fixed: only the pusher vouches (project-work.ts, vouchedFor).
 */
import nock from 'nock';
import { Probot } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttendanceDeps } from '../../src/attendance/attendance-options.js';
import { createApp } from '../../src/app/create-app.js';
import { CONFIG_PATH } from '../../src/config/schema.js';
import { FakeGitHubServer } from '../helpers/fake-github-server.js';
import { testOctokit, testPrivateKey } from '../helpers/probot-app.js';
import { FakeCommit, OWNER, REPO } from '../helpers/push-github.js';
import { APP_STARTED, pushPayload, sha } from '../helpers/push-probot.js';

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

// What GitHub puts in a push payload for a commit whose author e-mail is member-1's noreply address.
const SPOOF = { name: 'member-1', email: '90000001+member-1@users.noreply.github.com', username: 'member-1' };

let stop: (() => Promise<void>) | null = null;
beforeEach(() => nock.enableNetConnect('127.0.0.1'));
afterEach(async () => {
  await stop?.();
  stop = null;
  nock.disableNetConnect();
});

async function world() {
  const server = new FakeGitHubServer(OWNER, REPO);
  await server.start();
  stop = () => server.stop();
  const tasks: Promise<unknown>[] = [];
  const errors: unknown[] = [];
  const deps: AttendanceDeps = {
    clock: { now: () => new Date(APP_STARTED.getTime() + 5 * 60_000) },
    background: (task) => void tasks.push(task().catch((error: unknown) => errors.push(error))),
    attendance: { ledgerSecrets: ['attack-secret'], retryDelaysMs: [0, 0] },
  };
  const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: testOctokit(), baseUrl: server.baseUrl, logLevel: 'fatal' });
  await probot.load(createApp(deps));
  const base = new FakeCommit(sha('credit-base'), [
    { path: CONFIG_PATH, content: CONFIG },
    { path: 'README.md', content: '# eBPF 스터디\n' },
  ]);
  server.add(base);
  const push = async (label: string, before: FakeCommit, sender: string, commits: { message: string; added: string[] }[]) => {
    const after = before.with(sha(label), { set: commits.flatMap((c) => c.added).map((path) => ({ path, content: 'from bcc import BPF\n' })) });
    server.add(after);
    const payload = pushPayload({ before: before.sha, after: after.sha, sender, commits: commits.map((c) => ({ added: c.added, ...(sender === 'hong-gildong' ? { author: SPOOF } : {}) })) }) as Record<string, any>;
    payload.commits.forEach((c: Record<string, any>, i: number) => {
      c.message = commits[i].message;
      c.timestamp = `2025-09-04T20:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}+09:00`;
    });
    await probot.receive({ id: label, name: 'push', payload } as never);
    while (tasks.length > 0) await Promise.all(tasks.splice(0));
    expect(errors).toEqual([]);
    return after;
  };
  // m1's row of the report comment (the legend below the table mentions 📦 too)
  const report = (): string => server.comments.map((c) => String(c.body)).flatMap((b) => b.split('\n')).find((l) => l.startsWith('| m1<br>')) ?? '';
  return { server, base, push, report };
}

describe('attack 8: project work pushed into another member\'s folder with their noreply e-mail as author', () => {
  it('HIGH (fixed): a push by hgd into project/m1/, authored as m1\'s noreply e-mail, is not signed as m1\'s week-5 work', async () => {
    const { base, push, report } = await world();
    await push('credit-one', base, 'hong-gildong', [{ message: 'week5 BCC 과제', added: ['project/m1/hello.py'] }]);
    const row = report();
    // Before the fix: m1's row said 📦 week-5 work (hgd's commit and file) and 1 / 8 submitted.
    console.log(row);
    expect(row).toContain('member-1');
    expect(row).not.toContain('📦');
    expect(row).not.toContain('hello.py');
  }, 120_000);

  it('HIGH (fixed): 60 commits by hgd into project/m1/, authored as m1\'s noreply e-mail, do not crowd out m1\'s own week-5 commit', async () => {
    const { base, push, report } = await world();
    const filler = Array.from({ length: 60 }, (_, i) => ({ message: `week5 filler ${i}`, added: [`project/m1/filler-${String(i).padStart(2, '0')}.py`] }));
    const after = await push('credit-fill', base, 'hong-gildong', filler);
    await push('credit-own', after, 'member-1', [{ message: 'week5 my real BCC tool', added: ['project/m1/aaa-real-tool.py'] }]);
    const row = report();
    console.log(row);
    expect(row).toContain('member-1');
    // m1's own commit counts, and only it: hgd's 60 are nobody's work (before: 커밋 60 of hgd's, m1's not counted).
    expect(row).toMatch(/커밋 1\b/);
    expect(row).toContain('aaa-real-tool.py');
    expect(row).not.toContain('filler');
  }, 120_000);
});
