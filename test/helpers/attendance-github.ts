/**
 * GitHub as the attendance tests see it: nock interceptors shaped like GitHub's OpenAPI
 * examples, with the report comment kept as state so that a PATCH is what the next GET
 * returns (two refreshes in a row must see each other's writes).
 */
import nock from 'nock';
import { Probot } from 'probot';
import { testOctokit } from './probot-app.js';
import type { AttendanceDeps } from '../../src/attendance/attendance-options.js';
import { ledgerSeal } from '../../src/attendance/ledger-seal.js';
import { registerAttendance } from '../../src/attendance/register.js';
import { registerCommandDispatch, type CommandHandler } from '../../src/commands/dispatch.js';
import { decodeLedger, encodeLedger, type Ledger } from '../../src/attendance/ledger.js';
import { REPORT_MARKER } from '../../src/attendance/render-report.js';
import { appOpenedIssue, appWrittenComment, openapiExample, webhookExample } from './github-examples.js';
import { INSTALLATION_ID, mockNoApprovedConfig, mockNoReportTrail, testPrivateKey } from './probot-app.js';

/**
 * Probot with only this capability and the command dispatcher: the other capabilities'
 * listeners (the push check also answers pushes) have their own tests and requests.
 */
/** The app's ledger key in tests (in production: from STUDY_BOT_LEDGER_KEY, WEBHOOK_SECRET or the private key). */
export const TEST_LEDGER_SECRET = 'test-webhook-secret';
/** The seal the app uses for the test repository, for building bodies it accepts. */
export const testSeal = () => ledgerSeal([TEST_LEDGER_SECRET], { owner: 'Codertocat', repo: 'Hello-World' });

/** The ledger in a report comment body; only one the app signed for this repository counts. */
export function signedLedgerOf(body: string | null): Ledger {
  const decoded = decodeLedger(body ?? '', testSeal());
  if (!decoded.ok) throw new Error(decoded.reason);
  return decoded.ledger;
}

export const clockAt = (iso: string) => ({ now: () => new Date(iso) });

/** A webhook delivery with a fresh id (a fixed id would be taken for a redelivery). */
export const receive = (probot: { receive: (event: any) => Promise<unknown> }, name: string, payload: unknown, id = String(Math.random())) =>
  probot.receive({ id, name, payload });

export async function createAttendanceProbot(deps: Partial<AttendanceDeps> = {}, options: { approvals?: boolean } = {}) {
  const pending: Promise<void>[] = [];
  if (!options.approvals) mockNoApprovedConfig();
  mockNoReportTrail();
  const probot = new Probot({
    appId: 1,
    privateKey: testPrivateKey(),
    Octokit: testOctokit(),
    logLevel: 'fatal',
  });
  const full: AttendanceDeps = {
    clock: { now: () => new Date('2025-09-10T00:00:00Z') },
    background: (task) => void pending.push(task()),
    ...deps,
    // no waiting between attempts, and no later attempts, unless a test asks for them
    attendance: { ledgerSecrets: [TEST_LEDGER_SECRET], retryDelaysMs: [0, 0], followUpDelaysMs: [], ...deps.attendance },
  };
  await probot.load((app) => {
    const commands: CommandHandler[] = [];
    registerAttendance(app, full, commands);
    registerCommandDispatch(app, full, commands);
  });
  return {
    probot,
    async settle() {
      while (pending.length > 0) await Promise.all(pending.splice(0));
    },
  };
}

export const API = 'https://api.github.com';
export const REPO = '/repos/Codertocat/Hello-World';
export const ISSUE = 7;
export const COMMENT_ID = 9001;

export function commentPayload(body: string, login = 'hong-gildong', createdAt = '2025-09-11T11:05:00Z', type = 'User') {
  const payload = webhookExample('issue_comment', 'created');
  payload.comment.body = body;
  payload.comment.user.login = login;
  payload.comment.user.type = type;
  payload.comment.created_at = createdAt;
  payload.sender.login = login;
  payload.installation = { id: INSTALLATION_ID, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMg==' };
  return payload;
}

export function pushPayload(opts: {
  after: string;
  pushedAt: string;
  forced?: boolean;
  commits: { added?: string[]; removed?: string[]; modified?: string[]; timestamp?: string; message?: string }[];
}) {
  const payload = webhookExample('push', undefined, 4);
  payload.ref = 'refs/heads/master';
  payload.before = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';
  payload.after = opts.after;
  payload.created = false;
  payload.forced = opts.forced ?? false;
  payload.repository.pushed_at = Math.floor(Date.parse(opts.pushedAt) / 1000);
  const template = payload.commits[0];
  payload.commits = opts.commits.map((c, i) => ({
    ...template,
    id: `${String(i).padStart(2, '0')}${opts.after.slice(2)}`,
    // a VM's commit: the author is not a GitHub login, and the date is whatever the VM says
    author: { name: 'Ubuntu', email: 'ubuntu@ip-172-31-7-12.ap-northeast-2.compute.internal' },
    timestamp: c.timestamp ?? template.timestamp,
    message: c.message ?? template.message,
    added: c.added ?? [],
    removed: c.removed ?? [],
    modified: c.modified ?? [],
  }));
  payload.head_commit = payload.commits[payload.commits.length - 1];
  payload.installation = { id: INSTALLATION_ID, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMg==' };
  return payload;
}

export const mockConfig = (scope: nock.Scope, yml: string) =>
  scope.get(`${REPO}/contents/.github%2Fstudy.yml`).reply(200, {
    ...openapiExample('content-file'),
    path: '.github/study.yml',
    content: Buffer.from(yml).toString('base64'),
    encoding: 'base64',
  });

export const mockRole = (scope: nock.Scope, login: string, role: 'admin' | 'maintain' | 'write' | 'read') =>
  scope.get(`${REPO}/collaborators/${login}/permission`).reply(200, {
    ...openapiExample('repository-collaborator-permission-response-if-user-has-admin-permissions'),
    permission: role === 'maintain' ? 'write' : role,
    role_name: role,
  });

/** A reaction on the command's comment (the webhook example's comment id). */
export const mockReaction = (scope: nock.Scope, content: string, seen: string[] = []) =>
  scope
    .post(`${REPO}/issues/comments/${webhookExample('issue_comment', 'created').comment.id}/reactions`, (b) => {
      seen.push(b.content);
      return b.content === content;
    })
    .reply(201, { ...openapiExample('reaction'), content });

export const mockReply = (scope: nock.Scope, issue: number, replies: string[]) =>
  scope
    .post(`${REPO}/issues/${issue}/comments`, (b) => {
      replies.push(b.body);
      return true;
    })
    .reply(201, openapiExample('issue-comment'));

/** The report comment's life on GitHub, for assertions. */
export class ReportState {
  body: string | null = null;
  writes: string[] = [];
  /** `signed: false` writes a ledger the app did not sign (a forgery, or an old body). */
  constructor(ledger?: Ledger, options: { signed?: boolean } = {}) {
    if (ledger) this.body = ReportState.bodyOf(ledger, options);
  }
  static bodyOf(ledger: Ledger, { signed = true }: { signed?: boolean } = {}): string {
    return `${REPORT_MARKER}\nold table\n\n${encodeLedger(ledger, signed ? testSeal() : null)}`;
  }
  comment() {
    const html_url = `https://github.com/Codertocat/Hello-World/issues/${ISSUE}#issuecomment-${COMMENT_ID}`;
    // on the report issue of this repository, as GitHub says where a comment is
    const issue_url = `https://api.github.com/repos/Codertocat/Hello-World/issues/${ISSUE}`;
    return appWrittenComment({ id: COMMENT_ID, html_url, issue_url, body: this.body });
  }
}

/** The issue search, finding the report issue (or nothing, then the bot creates it). */
export function mockFindIssue(scope: nock.Scope, exists: boolean) {
  const issue = appOpenedIssue({ number: ISSUE, title: '📊 출석 · 제출 현황' });
  scope
    .get(`${REPO}/issues`)
    .query({ labels: 'study-report', state: 'all', sort: 'created', direction: 'asc', per_page: '100' })
    .reply(200, exists ? [issue] : []);
  if (!exists) {
    // no labelled issue of this app's: is there one of its issues whose label was taken off?
    // (optional: mockNoApprovedConfig, when set, may answer it first)
    scope.get(`${REPO}/issues`).query({ state: 'all', sort: 'created', direction: 'asc', per_page: '100' }).optionally().reply(200, []);
    scope.post(`${REPO}/issues`, (b) => b.title === '📊 출석 · 제출 현황' && b.labels[0] === 'study-report').reply(201, issue);
    // after creating, the bot lists again to converge with a process that created one at the same time
    scope
      .get(`${REPO}/issues`)
      .query({ labels: 'study-report', state: 'all', sort: 'created', direction: 'asc', per_page: '100' })
      .reply(200, [issue]);
  }
}

/** After making the comment, the issue's description links to it. */
export function mockPointIssue(scope: nock.Scope, seen: string[] = []) {
  const { pull_request: _pr, ...example } = openapiExample('issue');
  scope
    .patch(`${REPO}/issues/${ISSUE}`, (b) => {
      seen.push(b.body);
      return typeof b.body === 'string';
    })
    .reply(200, { ...example, number: ISSUE });
}

/** Lists the comments (one page unless told), with the marked one where `state` says. */
export function mockListComments(scope: nock.Scope, state: ReportState, others: unknown[] = []) {
  scope.get(`${REPO}/issues/${ISSUE}/comments`).query({ per_page: '100' }).reply(200, () => [...others, ...(state.body ? [state.comment()] : [])]);
}

export function mockCreateComment(scope: nock.Scope, state: ReportState, pointed: string[] = []) {
  scope
    .post(`${REPO}/issues/${ISSUE}/comments`, (b) => b.body.startsWith(REPORT_MARKER))
    .reply(201, (_uri, b: any) => {
      state.body = b.body;
      state.writes.push(b.body);
      return state.comment();
    });
  mockPointIssue(scope, pointed);
}

export function mockGetComment(scope: nock.Scope, state: ReportState) {
  scope.get(`${REPO}/issues/comments/${COMMENT_ID}`).reply(200, () => state.comment());
}

export function mockUpdateComment(scope: nock.Scope, state: ReportState) {
  scope.patch(`${REPO}/issues/comments/${COMMENT_ID}`).reply(200, (_uri, b: any) => {
    state.body = b.body;
    state.writes.push(b.body);
    return state.comment();
  });
}

export function mockTree(scope: nock.Scope, sha: string, paths: string[]) {
  const example = openapiExample('git-tree');
  scope
    .get(`${REPO}/git/trees/${sha}`)
    .query({ recursive: '1' })
    .reply(200, {
      ...example,
      sha,
      truncated: false,
      tree: paths.map((path) => ({ ...example.tree[0], path, type: 'blob', mode: '100644' })),
    });
}

export const newScope = () => nock(API);
