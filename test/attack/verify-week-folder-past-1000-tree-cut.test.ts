/**
 * Attack review 19 (open, MEDIUM; around 22e5d75): /verify week N reads a week folder listed
 * with 1,000 entries again with the trees API (readNote: a.study.listFiles, the study folder
 * only) and takes what it lists, without asking whether the listing is complete (`complete`,
 * which listFiles returns and readNote drops; listFolder, the read of one folder by its exact
 * path that /verify project falls back on, is not used). When the repository's recursive tree is
 * cut (GitHub: 100,000 entries or 7 MB) and so is the study folder's, completeTree walks the
 * folder level by level within WALK_REQUEST_BUDGET (200 requests), breadth first in git's name
 * order: hong-gildong's 250 one-file folders study/a000 … study/a249 (they sort before
 * `week1`) use the budget up before study/week1 is read. With his 1,000 files in study/week1
 * as in review 18's attack, kim-cs's /verify week1 answers that there is no week-1 note; his
 * note is on main and nothing runs.
 *
 * (Control, run by hand: with 10 such folders the note is found and its 4 one-liners run.)
 * The repro: verify-week-folder-past-1000.test.ts (review 18's, fixed) with both tree listings
 * cut and the study folder holding the 250 folders (GitHub's git-tree shape).
 */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { openapiExample } from '../helpers/github-examples.js';
import { createTestProbot, mockInstallationToken } from '../helpers/probot-app.js';
import { fakeVerifier } from '../helpers/verify-fake-verifier.js';
import { API, HEAD_SHA, STUDY, issueCommentEvent, mockAck, mockCheckRun, mockCommentUpdate, mockConfig, sent, studyYaml, submission } from '../helpers/verify-github.js';

afterEach(() => {
  nock.cleanAll();
});

const NAME = '김철수.md';
const LIMIT = 1_000;

describe('attack review 19: a week folder past 1,000 entries in a study folder too big to list', () => {
  it.fails('MEDIUM: with hong-gildong\'s 1,000 files in study/week1/ and 250 folders study/a000… (the tree cut), kim-cs\'s /verify week1 still finds the note', async () => {
    const verifier = fakeVerifier();
    const { probot, settle } = await createTestProbot({ verifier });
    const s = sent();
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockAck(scope, s, 'issue', 1, { memberComment: 55 });
    scope.get(`/repos/${STUDY.owner}/${STUDY.repo}`).reply(200, { ...openapiExample<any>('full-repository'), default_branch: 'main' });
    scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/ref/heads%2Fmain`).reply(200, { ...openapiExample<any>('git-ref'), ref: 'refs/heads/main' });
    const markdown = submission();
    const listing = openapiExample<any>('content-file-response-if-content-is-a-directory') as any[];
    const entry = (n: string, size: number) => ({ ...listing[0], name: n, path: `study/week1/${n}`, size });
    const folder = [...Array.from({ length: LIMIT }, (_, i) => entry(`a${String(i).padStart(3, '0')}.md`, 20)), entry(NAME, Buffer.byteLength(markdown))];
    // GitHub's listing: by name, the first 1,000 entries
    const byName = [...folder].sort((a, b) => (Buffer.from(a.name) < Buffer.from(b.name) ? -1 : 1));
    scope.get(/\/contents\/study(?:\/|%2F)week1(?:\?.*)?$/).query({ ref: HEAD_SHA }).reply(200, byName.slice(0, LIMIT));
    // The trees API: the repository's listing and the study folder's are both cut (too many entries)
    const tree = openapiExample<any>('git-tree');
    const blob = tree.tree.find((e: any) => e.type === 'blob');
    const folderEntry = tree.tree.find((e: any) => e.type === 'tree') ?? { ...blob, type: 'tree', mode: '040000' };
    const sub = (name: string, sha: string) => ({ ...folderEntry, path: name, type: 'tree', mode: '040000', sha, size: undefined });
    const STUDY_TREE = 'c'.repeat(40);
    const WEEK1_TREE = 'd'.repeat(40);
    const junk = Array.from({ length: 250 }, (_, i) => sub(`a${String(i).padStart(3, '0')}`, `e${String(i).padStart(39, '0')}`));
    const base = `/repos/${STUDY.owner}/${STUDY.repo}/git/trees`;
    scope.get(`${base}/${HEAD_SHA}`).query({ recursive: '1' }).reply(200, { ...tree, sha: HEAD_SHA, tree: [{ ...blob, path: 'README.md' }], truncated: true });
    scope.get(`${base}/${HEAD_SHA}`).reply(200, { ...tree, sha: HEAD_SHA, tree: [{ ...blob, path: 'README.md' }, sub('study', STUDY_TREE)], truncated: false });
    scope.get(`${base}/${STUDY_TREE}`).query({ recursive: '1' }).reply(200, { ...tree, sha: STUDY_TREE, tree: [], truncated: true });
    scope.get(`${base}/${STUDY_TREE}`).reply(200, { ...tree, sha: STUDY_TREE, tree: [...junk, sub('week1', WEEK1_TREE)], truncated: false });
    scope.get(new RegExp(`${base}/e[0-9]{39}$`)).times(250).optionally().reply(200, (uri) => ({ ...tree, sha: uri.slice(-40), tree: [{ ...blob, path: 'x.md', size: 20 }], truncated: false }));
    const blobs = folder.map((e) => ({ ...blob, path: e.name, size: e.size, sha: e.sha }));
    scope.get(`${base}/${WEEK1_TREE}`).optionally().reply(200, { ...tree, sha: WEEK1_TREE, tree: blobs, truncated: false });
    scope.get(`${base}/${WEEK1_TREE}`).query({ recursive: '1' }).optionally().reply(200, { ...tree, sha: WEEK1_TREE, tree: blobs, truncated: false });
    const file = openapiExample<any>('content-file-response-if-content-is-a-file');
    scope
      .get(new RegExp(`/contents/study(?:/|%2F)week1(?:/|%2F)${encodeURIComponent(NAME)}(?:\\?.*)?$`))
      .query({ ref: HEAD_SHA })
      .optionally()
      .reply(200, { ...file, name: NAME, path: `study/week1/${NAME}`, content: Buffer.from(markdown).toString('base64'), size: Buffer.byteLength(markdown) });
    mockCheckRun(scope, s, 4, 1);
    mockCommentUpdate(scope, s, 'issue');

    await probot.receive(issueCommentEvent('/verify week1', 'kim-cs', 55));
    await settle().catch(() => undefined);
    const answer = [...s.replies, ...s.commentUpdates].at(-1) ?? '';
    console.log(`kim-cs's /verify week1: one-liners run ${verifier.calls.map((c) => c.length)}; answer: ${answer.replace(/<!--[^]*?-->/g, '').replace(/\n+/g, ' ').slice(0, 260)}`);
    // kim-cs's note is on main: its one-liners run
    expect(verifier.calls).toHaveLength(1);
  }, 60_000);
});
