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
 *
 * Fixed (issue 17): past the contents API's 1,000 entries the week folder is read from its own
 * tree, found by its exact path one level at a time (verify-study-repository.ts readFolder,
 * push-git.ts readFolderAt; /verify project's listFolder uses the same), three requests for
 * study/week1 whatever lies beside it. The half fixes the other cases catch: a bigger walk
 * budget (5,000 folders), the week folder's sha taken from the study folder's contents listing
 * (it stops at 1,000 entries, all of them hong-gildong's), and a cut week-folder tree passed off
 * as the whole folder (the reply must say the list was cut).
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

/**
 * kim-cs's /verify week1 with hong-gildong's `junk` one-file folders study/a0000… beside
 * study/week1 and his 1,000 files in it; `weekCut`: GitHub cuts study/week1's own tree before the
 * note. Answers what the bot said, what ran, and which tree listings it asked for.
 */
async function verifyWeek1(junk: number, weekCut = false) {
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
  const junkFolders = Array.from({ length: junk }, (_, i) => sub(`a${String(i).padStart(4, '0')}`, `e${String(i).padStart(39, '0')}`));
  // The study folder's contents listing: the first 1,000 entries, all hong-gildong's (a week1 sha read from it is missing)
  scope
    .get(/\/contents\/study(?:\?.*)?$/)
    .query({ ref: HEAD_SHA })
    .optionally()
    .reply(200, junkFolders.slice(0, LIMIT).map((f) => ({ ...listing[1], name: f.path, path: `study/${f.path}`, sha: f.sha })));
  const base = `/repos/${STUDY.owner}/${STUDY.repo}/git/trees`;
  const asked: string[] = [];
  const ask = (uri: string) => void asked.push(uri.replace(/^.*\/git\/trees\//, ''));
  scope.get(`${base}/${HEAD_SHA}`).query({ recursive: '1' }).optionally().reply(200, (uri) => (ask(uri), { ...tree, sha: HEAD_SHA, tree: [{ ...blob, path: 'README.md' }], truncated: true }));
  scope.get(`${base}/${HEAD_SHA}`).reply(200, (uri) => (ask(uri), { ...tree, sha: HEAD_SHA, tree: [{ ...blob, path: 'README.md' }, sub('study', STUDY_TREE)], truncated: false }));
  scope.get(`${base}/${STUDY_TREE}`).query({ recursive: '1' }).optionally().reply(200, (uri) => (ask(uri), { ...tree, sha: STUDY_TREE, tree: [], truncated: true }));
  scope.get(`${base}/${STUDY_TREE}`).reply(200, (uri) => (ask(uri), { ...tree, sha: STUDY_TREE, tree: [...junkFolders, sub('week1', WEEK1_TREE)], truncated: false }));
  scope
    .get(new RegExp(`${base}/e[0-9]{39}$`))
    .times(junk)
    .optionally()
    .reply(200, (uri) => (ask(uri), { ...tree, sha: uri.slice(-40), tree: [{ ...blob, path: 'x.md', size: 20 }], truncated: false }));
  const blobs = byName.map((e) => ({ ...blob, path: e.name, size: e.size, sha: e.sha }));
  const week1 = weekCut ? { ...tree, sha: WEEK1_TREE, tree: blobs.slice(0, LIMIT), truncated: true } : { ...tree, sha: WEEK1_TREE, tree: blobs, truncated: false };
  scope.get(`${base}/${WEEK1_TREE}`).optionally().reply(200, (uri) => (ask(uri), week1));
  scope.get(`${base}/${WEEK1_TREE}`).query({ recursive: '1' }).optionally().reply(200, (uri) => (ask(uri), week1));
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
  const answer = ([...s.replies, ...s.commentUpdates].at(-1) ?? '').replace(/<!--[^]*?-->/g, '');
  return { verifier, answer, asked };
}

describe('attack review 19: a week folder past 1,000 entries in a study folder too big to list', () => {
  it('MEDIUM (fixed): with hong-gildong\'s 1,000 files in study/week1/ and 250 folders study/a000… (the tree cut), kim-cs\'s /verify week1 still finds the note', async () => {
    const { verifier, answer, asked } = await verifyWeek1(250);
    console.log(`kim-cs's /verify week1: one-liners run ${verifier.calls.map((c) => c.length)}; trees asked ${asked.length}; answer: ${answer.replace(/\n+/g, ' ').slice(0, 200)}`);
    // kim-cs's note is on main: its one-liners run
    expect(verifier.calls).toHaveLength(1);
    expect(verifier.calls[0]).toHaveLength(4);
  }, 60_000);

  it('with 5,000 such folders (past any walk budget) and a study folder whose contents listing holds only his: found, with three non-recursive tree listings and none of his folders', async () => {
    const { verifier, asked } = await verifyWeek1(5_000);
    expect(verifier.calls).toHaveLength(1);
    expect(verifier.calls[0]).toHaveLength(4);
    expect(asked).toEqual([HEAD_SHA, 'c'.repeat(40), 'd'.repeat(40)]);
  }, 60_000);

  it('when GitHub cuts study/week1\'s own tree before the note, the reply says the list was cut and how to name the note', async () => {
    const { verifier, answer } = await verifyWeek1(250, true);
    expect(verifier.calls).toHaveLength(0);
    expect(answer).toContain('1주차 노트를 찾지 못했습니다');
    expect(answer).toContain('GitHub이 폴더의 파일 목록을 다 보내지 않았습니다');
    expect(answer).toContain('`/verify 경로`로 노트를 직접 지정해 주세요');
  }, 60_000);
});
