/**
 * Attack review 18 (MEDIUM, fixed: a listing of 1,000 entries is read again with the trees API): 1,000 files in a week folder make everyone else's
 * `/verify weekN` answer that their note does not exist.
 *
 * readNote (src/verify/handle-verify-command.ts) finds a member's note by listing the week
 * folder with the contents API (verify-study-repository.ts listDir: GET /repos/{o}/{r}/contents/
 * {dir}), and GitHub documents that listing as cut at 1,000 entries ("This API has an upper
 * limit of 1,000 files for a directory. If you need to retrieve more files, use the Git Trees
 * API"), with nothing in the answer saying so. Issue 17 lists the cut (item 12); `/verify
 * project` moved to the trees API, the notes did not. hong-gildong pushes 1,000 files named to
 * sort first (`a000.md` ... `a999.md`) into `study/week1/`; from then on every member whose
 * note sorts after them (every Hangul name, most logins) is told "I found no week-1 notes",
 * the folder's notes listed as his, and nothing runs, for as long as the files stay on main.
 * (`/verify study/week1/김철수.md` by path fails the same way: lookUp lists the folder too.)
 *
 * The repro: the whole app (createTestProbot), GitHub by nock in its own shapes, as
 * test/verify/verify-local.test.ts runs `/verify week1`; the folder's listing is answered as
 * GitHub answers it, its first 1,000 entries by name. (Since review 19 the folder's tree is
 * found by its exact path, level by level: verify-week-folder-past-1000-tree-cut.test.ts.)
 */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { openapiExample } from '../helpers/github-examples.js';
import { verifyByNock } from '../helpers/verify-by-nock.js';
import { HEAD_SHA, STUDY, submission } from '../helpers/verify-github.js';

afterEach(() => {
  nock.cleanAll();
});

const NAME = '김철수.md';
const LIMIT = 1_000;

describe('attack review 18: a week folder past the contents API\'s 1,000 entries', () => {
  it('MEDIUM (fixed): with hong-gildong\'s 1,000 files in study/week1/, kim-cs\'s /verify week1 still finds the note (the trees API lists the folder whole)', async () => {
    const { answer, verifier } = await verifyByNock({
      command: '/verify week1',
      mockRepo: (scope) => {
        const markdown = submission();
        const listing = openapiExample<any>('content-file-response-if-content-is-a-directory') as any[];
        const entry = (n: string, size: number) => ({ ...listing[0], name: n, path: `study/week1/${n}`, size });
        const folder = [...Array.from({ length: LIMIT }, (_, i) => entry(`a${String(i).padStart(3, '0')}.md`, 20)), entry(NAME, Buffer.byteLength(markdown))];
        // GitHub's listing: by name, the first 1,000 entries
        const byName = [...folder].sort((a, b) => (Buffer.from(a.name) < Buffer.from(b.name) ? -1 : 1));
        scope.get(/\/contents\/study(?:\/|%2F)week1(?:\?.*)?$/).query({ ref: HEAD_SHA }).reply(200, byName.slice(0, LIMIT));
        // The fix: a listing of 1,000 entries may be cut, so the folder is read with the trees API
        // (GitHub's git-tree shape), found level by level by its exact path (review 19).
        const tree = openapiExample<any>('git-tree');
        const blob = tree.tree.find((e: any) => e.type === 'blob');
        const dir = (path: string, sha: string) => ({ ...blob, path, type: 'tree', mode: '040000', sha, size: undefined });
        const blobs = byName.map((e) => ({ ...blob, path: e.name, size: e.size, sha: e.sha }));
        const trees = `/repos/${STUDY.owner}/${STUDY.repo}/git/trees`;
        scope.get(`${trees}/${HEAD_SHA}`).reply(200, { ...tree, sha: HEAD_SHA, tree: [dir('study', 'c'.repeat(40))], truncated: false });
        scope.get(`${trees}/${'c'.repeat(40)}`).reply(200, { ...tree, sha: 'c'.repeat(40), tree: [dir('week1', 'd'.repeat(40))], truncated: false });
        scope.get(`${trees}/${'d'.repeat(40)}`).reply(200, { ...tree, sha: 'd'.repeat(40), tree: blobs, truncated: false });
        const file = openapiExample<any>('content-file-response-if-content-is-a-file');
        scope
          .get(new RegExp(`/contents/study(?:/|%2F)week1(?:/|%2F)${encodeURIComponent(NAME)}(?:\\?.*)?$`))
          .query({ ref: HEAD_SHA })
          .optionally()
          .reply(200, { ...file, name: NAME, path: `study/week1/${NAME}`, content: Buffer.from(markdown).toString('base64'), size: Buffer.byteLength(markdown) });
      },
    });
    console.log(`kim-cs's /verify week1: one-liners run ${verifier.calls.map((c) => c.length)}; answer: ${answer.replace(/<!--[^]*?-->/g, '').replace(/\n+/g, ' ').slice(0, 260)}`);
    // kim-cs's note is on main: its one-liners run
    expect(verifier.calls).toHaveLength(1);
  }, 60_000);
});
