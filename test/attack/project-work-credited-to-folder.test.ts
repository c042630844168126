/**
 * Attack review 7 (fixed; issue 17, the push check's attribution): a member's push into ANOTHER
 * member's project folder is signed into the report's ledger as that other member's week work.
 *
 * `projectOwnerOf` credits a commit under `project/{name}/` to the folder's owner, whoever
 * pushed it (docs/project-work.md: "attributed the way notes are"). The push webhook names the
 * pusher (`sender`), the bot uses it for the record guard, but adding files to another member's
 * folder is never flagged (findWipedRecords skips `added`) and the ledger's work record keeps
 * no pusher. So member hong-gildong (hgd) pushes one commit `week5 BCC 과제` adding a file under
 * `project/m1/`, and the report comment, in the bot's name, says m1 submitted week 5 on time
 * with hgd's commit, file and lines; nothing in the check run or the report says who pushed.
 * The 60-commit / 30-file caps per member-week are filled the same way: after hgd's 60
 * commits into `project/m1/`, m1's own week-5 commit is not counted (its file is not listed).
 *
 * Severity: High by the review's line ("make the bot sign something false about another
 * member's work"): the signed ledger says m1 did week 5's project work (report: 📦, 1 / 8
 * submitted) when m1 did nothing, the pusher known to the bot and dropped; the ledger is kept
 * out of the repository, so m1 cannot undo it by removing the files. With the caps filled,
 * m1's own week-5 commit is not counted at all. The docs call folder-owner attribution
 * intended (notes are credited from the tree the same way, study/week3/m1.md written by
 * someone else: not tested here), which is why the lead may weigh it lower.
 *
 * Fixed: a commit in a member's folder is their work only when they pushed it or GitHub names
 * them its author or committer (project-work.ts, vouchedFor).
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
    const payload = pushPayload({ before: before.sha, after: after.sha, sender, commits: commits.map((c) => ({ added: c.added })) }) as Record<string, any>;
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

describe('attack: project work pushed into another member\'s folder', () => {
  it('HIGH (fixed): a push by hgd into project/m1/ is not signed as m1\'s week-5 work', async () => {
    const { base, push, report } = await world();
    await push('credit-one', base, 'hong-gildong', [{ message: 'week5 BCC 과제', added: ['project/m1/hello.py'] }]);
    const row = report();
    // Before the fix: m1's row said 📦 week-5 work (hgd's commit and file) and 1 / 8 submitted.
    console.log(row);
    expect(row).toContain('member-1');
    expect(row).not.toContain('📦');
    expect(row).not.toContain('hello.py');
  }, 120_000);

  it('HIGH (fixed): 60 commits by hgd into project/m1/ do not crowd out m1\'s own week-5 commit', async () => {
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
