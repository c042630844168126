/**
 * GitHub as the /verify tests see it: webhook payloads from @octokit/webhooks-examples and
 * responses from @octokit/openapi's examples, adjusted to the study's repository and files.
 */
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { parsePendingMark } from '../../src/verify/render-verify.js';
import { openapiExample, webhookExample } from './github-examples.js';
import { mockIssueComments, type ListedIssueComment } from './issue-comments-listing.js';
import { INSTALLATION_ID } from './probot-app.js';

export const API = 'https://api.github.com';
/** The repository of the webhook examples. */
export const STUDY = { owner: 'Codertocat', repo: 'Hello-World' };
export const RUNNER = { owner: 'Codertocat', repo: 'ebpf-runner' };
export const RUNNER_INSTALLATION_ID = 7;
/** The deployment that sends /verify to the runner repository's workflow (set in the bot's environment, not study.yml). */
export const ACTIONS_DEPLOYMENT = {
  ok: true as const,
  deployment: { driver: 'actions' as const, runnerRepository: `${RUNNER.owner}/${RUNNER.repo}`, workflow: 'ebpf-verify.yml', ref: 'main' },
};
/** The head of the default branch (the git-ref example's sha). */
export const HEAD_SHA = openapiExample<any>('git-ref').object.sha as string;
export const MEMBER = 'Codertocat';

export const submission = (): string => readFileSync(new URL('../fixtures/verify/hgd-week1.md', import.meta.url), 'utf8');

export const studyYaml = (extra = ''): string =>
  [
    'members:',
    `  - login: ${MEMBER}`,
    '    name: 홍길동',
    '    aliases: [hgd]',
    '  - login: kim-cs',
    '    name: 김철수',
    extra,
  ].join('\n');

const base64 = (text: string | Uint8Array) => (typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text)).toString('base64');
const contentsPath = (path: string) => new RegExp(`^/repos/${STUDY.owner}/${STUDY.repo}/contents/${path.split('/').map(encodeURIComponent).join('(?:/|%2F)')}(?:\\?.*)?$`);

/** `commentId`: another comment (a comment redelivered keeps its id, and `/verify` runs it once). */
export function issueCommentEvent(body: string, login = MEMBER, commentId?: number) {
  const payload = webhookExample('issue_comment', 'created');
  payload.comment.body = body;
  if (commentId !== undefined) payload.comment.id = commentId;
  payload.comment.user.login = login;
  payload.installation = { id: INSTALLATION_ID, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
  return { id: `delivery-${Math.random()}`, name: 'issue_comment' as const, payload };
}

export function commitCommentEvent(body: string, login = MEMBER, commentId?: number) {
  const payload = webhookExample('commit_comment', 'created');
  payload.comment.body = body;
  if (commentId !== undefined) payload.comment.id = commentId;
  payload.comment.user.login = login;
  payload.installation = { id: INSTALLATION_ID, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
  return { id: `delivery-${Math.random()}`, name: 'commit_comment' as const, payload };
}

/** The runner repository's `workflow_run.completed`, from the workflow_dispatch example. */
export function workflowRunEvent(opts: { runId: number; title: string; conclusion: string; repo?: { owner: string; repo: string }; path?: string; event?: string }) {
  const payload = webhookExample('workflow_run', 'completed', 0);
  const repo = opts.repo ?? RUNNER;
  payload.repository.name = repo.repo;
  payload.repository.full_name = `${repo.owner}/${repo.repo}`;
  payload.repository.owner.login = repo.owner;
  payload.installation = { id: RUNNER_INSTALLATION_ID, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNw==' };
  Object.assign(payload.workflow_run, {
    id: opts.runId,
    name: 'ebpf-verify',
    display_title: opts.title,
    path: opts.path ?? '.github/workflows/ebpf-verify.yml',
    event: opts.event ?? 'workflow_dispatch',
    status: 'completed',
    conclusion: opts.conclusion,
    html_url: `https://github.com/${repo.owner}/${repo.repo}/actions/runs/${opts.runId}`,
  });
  return { id: `delivery-${Math.random()}`, name: 'workflow_run' as const, payload };
}

export const token = (id: number, permissions: Record<string, string> = { contents: 'write' }) => ({
  token: `ghs_test_${id}`,
  expires_at: '2099-01-01T00:00:00Z',
  permissions,
});

/** Everything the app sent to GitHub that a test wants to look at. */
export interface Sent {
  replies: string[];
  /** the ⏳ comment rewritten with the job's record once its Check Run exists (verify-record.ts) */
  remembered: string[];
  reactions: string[];
  commentUpdates: string[];
  checkCreates: any[];
  checkUpdates: any[];
  dispatches: any[];
}

export const sent = (): Sent => ({ replies: [], remembered: [], reactions: [], commentUpdates: [], checkCreates: [], checkUpdates: [], dispatches: [] });

export function mockConfig(scope: nock.Scope, yaml: string | null) {
  const path = contentsPath('.github/study.yml');
  if (yaml === null) return scope.get(path).reply(404, { message: 'Not Found' });
  const file = openapiExample<any>('content-file-response-if-content-is-a-file');
  return scope.get(path).reply(200, { ...file, name: 'study.yml', path: '.github/study.yml', content: base64(yaml), size: yaml.length });
}

/**
 * The repository's comments of the last day, read once per app and repository before the first
 * `/verify` is decided: the bot's earlier requests, from their records (verify-history.ts).
 * Issue comments as GitHub lists them for the query (newest first, one page here); commit
 * comments, oldest first, one page here.
 */
export function mockVerifyHistory(scope: nock.Scope, issueComments: ListedIssueComment[] = [], commitComments: unknown[] = []) {
  mockIssueComments(scope, `/repos/${STUDY.owner}/${STUDY.repo}/issues/comments`, issueComments, { base: API });
  scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/comments`).query({ per_page: '100', page: '1' }).reply(200, commitComments);
}

/** The ids of the member's comments in GitHub's examples (issue_comment.created, commit_comment.created). */
export const EXAMPLE_COMMENT_ID = { issue: 492700400, commit: 33548674 } as const;

/**
 * 👀 and the ⏳ reply on an issue (or on a commit), after the history read of an app's first
 * request. `memberComment`: the id of the member's comment (one per request: a comment is
 * `/verify`ed once, so a second request is a second comment).
 */
export function mockAck(scope: nock.Scope, s: Sent, where: 'issue' | 'commit', commentId = 1, options: { history?: boolean; memberComment?: number } = {}) {
  if (options.history !== false) mockVerifyHistory(scope);
  mockEyes(scope, s, where, options.memberComment);
  mockReply(scope, s, where, commentId);
  mockThreadComments(scope, where, []);
}

/** The bot's 👀 on the member's comment (201: GitHub's "Reaction created"). */
export function mockEyes(scope: nock.Scope, s: Sent, where: 'issue' | 'commit', memberComment: number = EXAMPLE_COMMENT_ID[where]) {
  const path = where === 'issue' ? `/repos/${STUDY.owner}/${STUDY.repo}/issues/comments/${memberComment}/reactions` : `/repos/${STUDY.owner}/${STUDY.repo}/comments/${memberComment}/reactions`;
  scope.post(path).reply(201, (_u, body: any) => {
    s.reactions.push(body.content);
    return { ...openapiExample<any>('reaction'), content: body.content };
  });
}

/**
 * The thread's comments, read once per accepted request to close out the member's stale ⏳
 * comments (sweep-stale-comments.ts). `bodies` are bot comments, ids from 900 on.
 */
/** `createdAt` (epoch ms): when GitHub made them, else the example's time. */
export function mockThreadComments(scope: nock.Scope, where: 'issue' | 'commit', bodies: string[], createdAt?: number) {
  const path = where === 'issue' ? `/repos/${STUDY.owner}/${STUDY.repo}/issues/1/comments` : `/repos/${STUDY.owner}/${STUDY.repo}/commits/6113728f27ae82c7b1a177c8d03f9e96e0adf246/comments`;
  const example = openapiExample<any>(where === 'issue' ? 'issue-comment' : 'commit-comment');
  const bot = { ...example.user, login: 'study-bot[bot]', type: 'Bot' };
  return scope
    .get(path)
    .query({ per_page: '100' })
    .reply(200, bodies.map((body, i) => ({ ...example, id: 900 + i, body, user: bot, ...(createdAt !== undefined ? { created_at: new Date(createdAt).toISOString() } : {}) })));
}

export function mockReply(scope: nock.Scope, s: Sent, where: 'issue' | 'commit', commentId = 1) {
  const path = where === 'issue' ? `/repos/${STUDY.owner}/${STUDY.repo}/issues/1/comments` : `/repos/${STUDY.owner}/${STUDY.repo}/commits/6113728f27ae82c7b1a177c8d03f9e96e0adf246/comments`;
  scope.post(path).reply(201, (_u, body: any) => {
    s.replies.push(body.body);
    const example = openapiExample<any>(where === 'issue' ? 'issue-comment' : 'commit-comment');
    return { ...example, id: commentId, body: body.body };
  });
}

/** The default branch's head, the week folder and the file at that commit. */
export function mockStudyFile(scope: nock.Scope, opts: { sha?: string; headLookup?: boolean; markdown?: string | Uint8Array; dir?: string; name?: string; readFile?: boolean } = {}) {
  const sha = opts.sha ?? HEAD_SHA;
  const dir = opts.dir ?? 'study/week1';
  const name = opts.name ?? 'hgd.md';
  const markdown = opts.markdown ?? submission();
  if (opts.headLookup !== false) {
    scope.get(`/repos/${STUDY.owner}/${STUDY.repo}`).reply(200, { ...openapiExample<any>('full-repository'), default_branch: 'main' });
    scope.get(`/repos/${STUDY.owner}/${STUDY.repo}/git/ref/heads%2Fmain`).reply(200, { ...openapiExample<any>('git-ref'), ref: 'refs/heads/main' });
  }
  const listing = openapiExample<any>('content-file-response-if-content-is-a-directory') as any[];
  const entry = (n: string, size: number) => ({ ...listing[0], name: n, path: `${dir}/${n}`, size });
  scope
    .get(contentsPath(dir))
    .query({ ref: sha })
    .reply(200, [entry('OT.md', 100), entry(name, Buffer.byteLength(markdown)), { ...listing[1], name: 'hgd_md', path: `${dir}/hgd_md` }]);
  if (opts.readFile === false) return;
  const file = openapiExample<any>('content-file-response-if-content-is-a-file');
  scope
    .get(contentsPath(`${dir}/${name}`))
    .query({ ref: sha })
    .reply(200, { ...file, name, path: `${dir}/${name}`, content: base64(markdown), size: Buffer.byteLength(markdown) });
}

/**
 * The Check Run: created in progress, then updated (maybe in batches) to completed. Once it
 * exists the job is written into the ⏳ comment's record (`remembered`), before it runs.
 */
export function mockCheckRun(scope: nock.Scope, s: Sent, checkRunId = 4, updates = 1, where: 'issue' | 'commit' = 'issue', commentId = 1) {
  scope.post(`/repos/${STUDY.owner}/${STUDY.repo}/check-runs`).reply(201, (_u, body: any) => {
    s.checkCreates.push(body);
    return { ...openapiExample<any>('check-run'), id: checkRunId, head_sha: body.head_sha, name: body.name, status: body.status, conclusion: null };
  });
  mockRemember(scope, s, where, commentId);
  if (updates > 0) mockCheckRunUpdate(scope, s, checkRunId, updates);
}

/** The ⏳ comment rewritten with the job's record (still ⏳, still pending). */
export function mockRemember(scope: nock.Scope, s: Sent, where: 'issue' | 'commit', commentId = 1) {
  const path = where === 'issue' ? `/repos/${STUDY.owner}/${STUDY.repo}/issues/comments/${commentId}` : `/repos/${STUDY.owner}/${STUDY.repo}/comments/${commentId}`;
  scope.patch(path, (body: any) => parsePendingMark(body.body) !== null).reply(200, (_u, body: any) => {
    s.remembered.push(body.body);
    return { ...openapiExample<any>(where === 'issue' ? 'issue-comment' : 'commit-comment'), id: commentId, body: body.body };
  });
}

export function mockCheckRunUpdate(scope: nock.Scope, s: Sent, checkRunId = 4, updates = 1) {
  scope
    .patch(`/repos/${STUDY.owner}/${STUDY.repo}/check-runs/${checkRunId}`)
    .times(updates)
    .reply(200, (_u, body: any) => {
      s.checkUpdates.push(body);
      return { ...openapiExample<any>('check-run'), id: checkRunId, status: body.status ?? 'in_progress', conclusion: body.conclusion ?? null };
    });
}

export function mockCommentUpdate(scope: nock.Scope, s: Sent, where: 'issue' | 'commit', commentId = 1) {
  const path = where === 'issue' ? `/repos/${STUDY.owner}/${STUDY.repo}/issues/comments/${commentId}` : `/repos/${STUDY.owner}/${STUDY.repo}/comments/${commentId}`;
  scope.patch(path).reply(200, (_u, body: any) => {
    s.commentUpdates.push(body.body);
    return { ...openapiExample<any>(where === 'issue' ? 'issue-comment' : 'commit-comment'), id: commentId, body: body.body };
  });
}

/** The collaborator permission of `login` (role_name as GitHub returns it). */
export function mockRole(scope: nock.Scope, login: string, role: 'admin' | 'maintain' | 'write' | 'read' | null) {
  const path = `/repos/${STUDY.owner}/${STUDY.repo}/collaborators/${login}/permission`;
  if (role === null) return scope.get(path).reply(404, { message: 'Not Found' });
  const example = openapiExample<any>('repository-collaborator-permission-response-if-user-has-admin-permissions');
  const permission = role === 'maintain' ? 'write' : role;
  return scope.get(path).reply(200, { ...example, permission, role_name: role, user: { ...example.user, login } });
}

/** The app finds its installation on `repo` and gets a token for it. */
export function mockInstallationOf(scope: nock.Scope, repo: { owner: string; repo: string }, installationId: number) {
  scope.get(`/repos/${repo.owner}/${repo.repo}/installation`).reply(200, { ...openapiExample<any>('installation'), id: installationId });
  scope.post(`/app/installations/${installationId}/access_tokens`).reply(201, token(installationId, { actions: 'write' }));
}

/**
 * An accepted request that runs to its end with the local driver: 👀 and ⏳ (and, unless the
 * app read it already, the history), the note, the Check Run with the job's record, the result.
 */
export function mockLocalRun(
  scope: nock.Scope,
  s: Sent,
  opts: { where?: 'issue' | 'commit'; commentId?: number; checkRunId?: number; history?: boolean; markdown?: string; memberComment?: number } = {},
) {
  const where = opts.where ?? 'issue';
  const commentId = opts.commentId ?? 1;
  mockAck(scope, s, where, commentId, { history: opts.history, memberComment: opts.memberComment });
  mockStudyFile(scope, opts.markdown === undefined ? {} : { markdown: opts.markdown });
  mockCheckRun(scope, s, opts.checkRunId ?? 4, 1, where, commentId);
  mockCommentUpdate(scope, s, where, commentId);
}

/** An accepted request up to its dispatch to the runner repository (the actions driver). */
export function mockDispatch(scope: nock.Scope, s: Sent, runId: number, opts: { htmlUrl?: boolean } = {}) {
  mockAck(scope, s, 'issue');
  mockStudyFile(scope);
  mockCheckRun(scope, s, 4, 0);
  scope.get(`/repos/${RUNNER.owner}/${RUNNER.repo}/installation`).reply(200, { ...openapiExample<any>('installation'), id: RUNNER_INSTALLATION_ID });
  scope.post(`/app/installations/${RUNNER_INSTALLATION_ID}/access_tokens`).reply(201, token(RUNNER_INSTALLATION_ID, { actions: 'write' }));
  scope.post(`/repos/${RUNNER.owner}/${RUNNER.repo}/actions/workflows/ebpf-verify.yml/dispatches`).reply(200, (_u, body: any) => {
    s.dispatches.push(body);
    const url = opts.htmlUrl ? { html_url: `https://github.com/${RUNNER.owner}/${RUNNER.repo}/actions/runs/${runId}` } : {};
    return { ...openapiExample<any>('workflow-dispatch-response'), workflow_run_id: runId, ...url };
  });
}
