/**
 * GitHub cuts a recursive tree listing past 100,000 entries or 7 MB (`truncated: true`; GitHub's
 * OpenAPI description of GET /git/trees: "use the non-recursive method of fetching trees, and
 * fetch one sub-tree at a time"). Here the listing is cut at a few entries. The pushed notes
 * must still be checked, and the files the cut left out must never look removed (the record
 * guard would report another member's notes as wiped).
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFIG_PATH } from '../../src/config/schema.js';
import { acceptCheckRun, FakeCommit, githubScope, REPO_PATH, requestLines } from '../helpers/push-github.js';
import { buildPushApp, pushPayload, sha, type PushApp } from '../helpers/push-probot.js';
import { baseCommit, GOOD_HGD } from '../helpers/push-world.js';

type Body = Record<string, any>;

let app: PushApp;
let gh: ReturnType<typeof githubScope>;

beforeEach(async () => {
  app = await buildPushApp();
  gh = githubScope();
});

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

/** A large repository: 40 vendored files that sort before `study/`, so a short listing stops before the notes. */
function bigRepository(): FakeCommit {
  return baseCommit().with(sha('big'), {
    set: Array.from({ length: 40 }, (_, i) => ({ path: `lib/bpf-${String(i).padStart(2, '0')}.c`, content: `int x${i};\n` })),
  });
}

const CUT_AT = 12;

/**
 * `commit` as GitHub serves a repository past its limits: the recursive listing cut at CUT_AT
 * entries; every folder's own listing (non-recursive and recursive) served whenever asked.
 */
function serveCut(commit: FakeCommit, blobs: string[]): void {
  gh.scope.get(`${REPO_PATH}/git/trees/${commit.sha}`).query({ recursive: '1' }).reply(200, commit.truncatedTreeResponse(CUT_AT));
  const folders = ['', ...new Set([...commit.files.keys()].flatMap((p) => p.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))))];
  for (const folder of folders) {
    gh.scope.get(`${REPO_PATH}/git/trees/${commit.folderSha(folder)}`).times(2).optionally().reply(200, commit.folderResponse(folder, false));
    if (folder) {
      gh.scope
        .get(`${REPO_PATH}/git/trees/${commit.folderSha(folder)}`)
        .query({ recursive: '1' })
        .times(2)
        .optionally()
        .reply(200, commit.folderResponse(folder, true));
    }
  }
  for (const path of blobs) gh.scope.get(`${REPO_PATH}/git/blobs/${commit.shaOf(path)}`).reply(200, commit.blobResponse(path));
}

async function deliver(payload: Record<string, unknown>) {
  await app.probot.receive({ id: `cut-${Math.random()}`, name: 'push', payload } as never);
  return app.settle();
}

describe('a tree listing GitHub cut', () => {
  it('the cut listing really leaves out the notes (the test is about something)', () => {
    const listing = bigRepository().with(sha('x'), { set: [{ path: 'study/week1/hgd.md', content: GOOD_HGD }] }).truncatedTreeResponse(CUT_AT) as { tree: { path: string }[] };
    expect(listing.tree.map((e) => e.path)).not.toContain('study/week1/hgd.md');
    expect(listing.tree.map((e) => e.path)).not.toContain('study/week1/kcs.md');
  });

  it('a push of one note: the note is checked (the study folder is listed in full)', async () => {
    const before = bigRepository();
    const after = before.with(sha('cut-payload'), { set: [{ path: 'study/week1/hgd.md', content: GOOD_HGD }] });
    serveCut(after, [CONFIG_PATH, 'study/week1/hgd.md']);
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));

    const errors = await deliver(pushPayload({ before: before.sha, after: after.sha, commits: [{ added: ['study/week1/hgd.md'] }] }));

    expect(errors).toEqual([]);
    expect(created.conclusion).toBe('success');
    expect(created.output.summary).toContain('hgd');
    expect(created.output.summary).not.toMatch(/기록|wiped/);
    const lines = requestLines(gh.requests);
    expect(lines).toContain(`GET ${REPO_PATH}/git/trees/${after.folderSha('study')}`);
    expect(lines).toContain(`GET ${REPO_PATH}/git/blobs/${after.shaOf('study/week1/hgd.md')}`);
    // never the vendored folder: only the folders that matter are walked
    expect(lines).not.toContain(`GET ${REPO_PATH}/git/trees/${after.folderSha('lib')}`);
  });

  it('a force push compared tree to tree: another member’s notes beyond the cut are not taken for wiped, and the pushed note is checked', async () => {
    const before = bigRepository();
    const after = before.with(sha('cut-force'), { set: [{ path: 'study/week1/hgd.md', content: GOOD_HGD }] });
    serveCut(after, [CONFIG_PATH, 'study/week1/hgd.md']);
    serveCut(before, []);
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));

    const errors = await deliver(pushPayload({ before: before.sha, after: after.sha, forced: true, commits: [{ added: ['study/week1/hgd.md'] }] }));

    expect(errors).toEqual([]);
    // no record guard: the pusher's permission was never even asked
    expect(requestLines(gh.requests).some((l) => l.includes('/collaborators/'))).toBe(false);
    expect(created.conclusion).toBe('success');
    expect(created.output.title).not.toMatch(/지워|wiped/i);
    expect(created.output.summary).toContain('hgd');
    expect(created.output.summary).not.toContain('kcs.md');
  });
});
