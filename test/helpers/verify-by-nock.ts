/**
 * One `/verify` comment through the whole app (createTestProbot), GitHub by nock in its own
 * shapes: the set-up of the attack tests on `/verify project` and `/verify week N`
 * (verify-project-lookalike-*, verify-project-cut-tree, verify-week-lookalike-note). Mocked
 * here: the installation token, the config (studyYaml), the ack on the member's comment, the
 * repository and main's ref, and after the test's own answers the Check Run and the comment
 * update. What reached the verifiers is recorded; nothing runs.
 */
import { createHash } from 'node:crypto';
import nock from 'nock';
import type { CollectedProject } from '../../src/project/collect-sources.js';
import type { ProjectVerifier } from '../../src/verify/drivers/types.js';
import { openapiExample } from './github-examples.js';
import { createTestProbot, mockInstallationToken } from './probot-app.js';
import { fakeVerifier } from './verify-fake-verifier.js';
import { API, HEAD_SHA, STUDY, issueCommentEvent, mockAck, mockCheckRun, mockCommentUpdate, mockConfig, sent, studyYaml } from './verify-github.js';

/** git's id of a blob holding `text` */
export const gitSha = (text: string): string => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0${text}`).digest('hex');
/** a made-up tree id, one per folder name */
export const treeSha = (name: string): string => createHash('sha1').update(`tree ${name}`).digest('hex');

const url = (sha: string, kind: 'blobs' | 'trees') => `${API}/repos/${STUDY.owner}/${STUDY.repo}/git/${kind}/${sha}`;
/** a file's entry in GitHub's git/trees answer */
export const treeBlob = (path: string, text: string) => ({ path, mode: '100644', type: 'blob', sha: gitSha(text), size: Buffer.byteLength(text), url: url(gitSha(text), 'blobs') });
/** a folder's entry in GitHub's git/trees answer; `name` makes its id (the full path when `path` is relative) */
export const treeFolder = (path: string, name = path) => ({ path, mode: '040000', type: 'tree', sha: treeSha(name), url: url(treeSha(name), 'trees') });

/** GitHub's git/blobs answer for each text, asked for or not */
export function mockBlobs(scope: nock.Scope, texts: readonly string[]): void {
  for (const text of texts) {
    scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/blobs/${gitSha(text)}`).optionally().reply(200, () => ({ ...openapiExample<any>('blob'), content: Buffer.from(text).toString('base64'), encoding: 'base64', size: Buffer.byteLength(text) }));
  }
}

export interface VerifiedByNock {
  /** the bot's last word in the thread (its reply or the edit of it) */
  answer: string;
  /** one-liners the fake verifier was given, a list per run */
  verifier: ReturnType<typeof fakeVerifier>;
  /** each project that reached the stand-in project verifier (with `project: true`) */
  projects: { root: string; sources: string[] }[];
}

/**
 * `command` commented by `login` (comment 55 on the study's issue). `mockRepo` answers what the
 * command reads of the repository at HEAD_SHA. `project: true` gives the app a stand-in project
 * verifier that records the sources and fails as a VM that did not run would.
 */
export async function verifyByNock(options: { command: string; login?: string; project?: boolean; mockRepo: (scope: nock.Scope) => void }): Promise<VerifiedByNock> {
  const verifier = fakeVerifier();
  const projects: VerifiedByNock['projects'] = [];
  const projectVerifier: ProjectVerifier = async (root: string, collected: CollectedProject) => {
    projects.push({ root, sources: collected.payload?.sources.map((s) => s.path) ?? [] });
    throw new Error(`stand-in VM: not run (${root})`);
  };
  const { probot, settle } = await createTestProbot(options.project ? { verifier, projectVerifier } : { verifier });
  const s = sent();
  const scope = nock(API);
  mockInstallationToken(scope);
  mockConfig(scope, studyYaml());
  mockAck(scope, s, 'issue', 1, { memberComment: 55 });
  scope.get(`/repos/${STUDY.owner}/${STUDY.repo}`).reply(200, { ...openapiExample<any>('full-repository'), default_branch: 'main' });
  scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/ref/heads%2Fmain`).reply(200, { ...openapiExample<any>('git-ref'), ref: 'refs/heads/main' });
  options.mockRepo(scope);
  mockCheckRun(scope, s, 4, 1);
  mockCommentUpdate(scope, s, 'issue');
  await probot.receive(issueCommentEvent(options.command, options.login ?? 'kim-cs', 55));
  await settle().catch(() => undefined);
  return { answer: [...s.replies, ...s.commentUpdates].at(-1) ?? '', verifier, projects };
}
