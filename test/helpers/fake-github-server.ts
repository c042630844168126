/**
 * A local HTTP server standing in for GitHub (an Enterprise Server at http://127.0.0.1:PORT/api/v3),
 * so the app's requests are counted over real HTTP: Probot, Octokit, its plugins and Node's
 * fetch all run as in production. Answers are GitHub's documented examples (@octokit/openapi)
 * with the fields that matter filled in from an in-memory repository, its check runs and the
 * report issue's comments. Every request except the installation token is logged.
 *
 * Transfers (`transferIssue`): the issue and its comments leave the study for another
 * repository of the owner, as GitHub moves them; `GET /repos/{o}/{r}/issues/{n}` of the old
 * number answers as GitHub documents it (@octokit/openapi, issues/get): 301 to the new place
 * when the app can read it, 404 when it cannot, 410 for an issue deleted (`deleteIssue`).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appOpenedIssue, openapiExample } from './github-examples.js';
import { issueCommentsPage } from './issue-comments-listing.js';
import type { FakeCommit } from './push-github.js';

export interface LoggedCall {
  method: string;
  path: string;
}

const PREFIX = '/api/v3';

export class FakeGitHubServer {
  readonly calls: LoggedCall[] = [];
  readonly commits = new Map<string, FakeCommit>();
  readonly checkRuns: Record<string, any>[] = [];
  readonly issues: Record<string, any>[] = [];
  readonly comments: Record<string, any>[] = [];
  private commentsMade = 0;
  /** logins answered as repository admins (organizers); everyone else has `write` */
  readonly organizers = new Set<string>();
  /** what the default branch points at (default: the commit added last) */
  head: string | null = null;
  /** GitHub's clock for `created_at` of new comments (default: the real time) */
  now: () => Date = () => new Date();
  /** other repositories of the owner (transfer destinations), by name; `readable`: in the app's installation */
  readonly elsewhere = new Map<string, { id: number; readable: boolean; issues: Record<string, any>[]; comments: Record<string, any>[] }>();
  /** the study's issue numbers transferred away: where each went */
  readonly moved = new Map<number, { repo: string; number: number }>();
  /** the study's issue numbers deleted (GitHub answers 410 Gone) */
  readonly deleted = new Set<number>();
  private server: Server | null = null;
  private port = 0;

  constructor(readonly owner: string, readonly repo: string) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}${PREFIX}`;
  }

  add(commit: FakeCommit): void {
    this.commits.set(commit.sha, commit);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        ({ status, body, headers }) => {
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
          res.end(body === undefined ? '' : JSON.stringify(body));
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify({ message: String(error) }));
        },
      );
    });
    // The app and this server share one event loop: with node's 5 s keep-alive a long turn of
    // the app (a test of a stall, a loaded machine) lets the server close a socket the client
    // is about to reuse, and the request fails with ECONNRESET. GitHub keeps connections longer.
    this.server.keepAliveTimeout = 120_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections(); // kept-alive sockets would hold close() for the keep-alive time
    });
  }

  private headCommit(): FakeCommit | undefined {
    return this.head ? this.commits.get(this.head) : [...this.commits.values()].at(-1);
  }

  /**
   * Moves issue `number` and its comments to repository `to` of the owner (made if new), as
   * GitHub's "Transfer issue" does: the next number there, gone from the study's listings.
   * Returns the issue as it is in `to` (`changes.new_issue` of the `issues.transferred` webhook).
   */
  transferIssue(number: number, to: string, { readable = true }: { readable?: boolean } = {}): Record<string, any> {
    const at = this.issues.findIndex((i) => i.number === number);
    if (at < 0) throw new Error(`fake GitHub: no issue #${number} to transfer`);
    const [issue] = this.issues.splice(at, 1);
    let target = this.elsewhere.get(to);
    if (!target) {
      target = { id: 5000 + this.elsewhere.size, readable, issues: [], comments: [] };
      this.elsewhere.set(to, target);
    }
    const moved = {
      ...issue,
      number: target.issues.length + 1,
      repository_url: `${this.baseUrl}/repos/${this.owner}/${to}`,
      url: `${this.baseUrl}/repos/${this.owner}/${to}/issues/${target.issues.length + 1}`,
      html_url: `http://127.0.0.1/${this.owner}/${to}/issues/${target.issues.length + 1}`,
    };
    target.issues.push(moved);
    for (let k = 0; k < this.comments.length; ) {
      if (this.comments[k]!.issue_number === number) target.comments.push({ ...this.comments.splice(k, 1)[0]!, issue_number: moved.number });
      else k++;
    }
    this.moved.set(number, { repo: to, number: moved.number });
    return moved;
  }

  /** Deletes issue `number` and its comments, as an admin can. */
  deleteIssue(number: number): void {
    const at = this.issues.findIndex((i) => i.number === number);
    if (at >= 0) this.issues.splice(at, 1);
    for (let k = this.comments.length - 1; k >= 0; k--) if (this.comments[k]!.issue_number === number) this.comments.splice(k, 1);
    this.deleted.add(number);
  }

  private elsewhereRoute(method: string, path: string): { status: number; body?: unknown; headers?: Record<string, string> } | null {
    let m: RegExpExecArray | null;
    const byId = /^\/repositories\/(\d+)\/issues\/(\d+)$/.exec(path);
    const byName = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)(\/comments)?$/.exec(path);
    let target: { readable: boolean; issues: Record<string, any>[]; comments: Record<string, any>[] } | undefined;
    let issueNumber = 0;
    let comments = false;
    if (byId) {
      target = [...this.elsewhere.values()].find((r) => r.id === Number(byId[1]));
      issueNumber = Number(byId[2]);
    } else if (byName && byName[1] === this.owner && byName[2] !== this.repo) {
      target = this.elsewhere.get(byName[2]!);
      issueNumber = Number(byName[3]);
      comments = byName[4] !== undefined;
    } else if ((m = /^\/repos\/([^/]+)\/([^/]+)\//.exec(path)) && m[1] === this.owner && m[2] !== this.repo) {
      target = this.elsewhere.get(m[2]!);
      if (!target) return { status: 404, body: { message: 'Not Found' } };
    } else return null;
    if (!target?.readable || method !== 'GET') return { status: 404, body: { message: 'Not Found' } };
    const issue = target.issues.find((i) => i.number === issueNumber);
    if (!issue) return { status: 404, body: { message: 'Not Found' } };
    return { status: 200, body: comments ? target.comments.filter((c) => c.issue_number === issueNumber) : issue };
  }

  /** Calls logged since `mark` (a length of `calls` taken earlier), as `METHOD /path`. */
  since(mark: number): string[] {
    return this.calls.slice(mark).map((c) => `${c.method} ${c.path}`);
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body?: unknown; headers?: Record<string, string> }> {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`);
    const path = decodeURIComponent(url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length) : url.pathname);
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    if (/^\/app\/installations\/\d+\/access_tokens$/.test(path)) {
      return { status: 201, body: { token: 'ghs_fake', expires_at: '2099-01-01T00:00:00Z', permissions: { checks: 'write', contents: 'read', issues: 'write' } } };
    }
    this.calls.push({ method, path });
    // The app's installations and their repositories (the recovery pass, the reminders' timer).
    if (method === 'GET' && path === '/app/installations') {
      return { status: 200, body: [{ ...openapiExample<Record<string, unknown>>('installation'), id: 1, suspended_at: null }] };
    }
    // The app itself (GET /app): its bot user is `{slug}[bot]`, the author of its comments.
    if (method === 'GET' && path === '/app') {
      return { status: 200, body: { ...openapiExample<Record<string, unknown>>('integration'), id: 1, slug: 'study-bot' } };
    }
    if (method === 'GET' && path === '/installation/repositories') {
      const listing = openapiExample<Record<string, any>>('repository-paginated');
      const example = listing.repositories[0];
      const repository = { ...example, id: 1296269, name: this.repo, full_name: `${this.owner}/${this.repo}`, owner: { ...example.owner, login: this.owner }, html_url: `https://github.com/${this.owner}/${this.repo}`, default_branch: 'master', archived: false };
      return { status: 200, body: { ...listing, total_count: 1, repositories: [repository] } };
    }
    const repoPath = `/repos/${this.owner}/${this.repo}`;
    const other = this.elsewhereRoute(method, path);
    if (other) return other;
    if (!path.startsWith(`${repoPath}/`)) return { status: 404, body: { message: 'Not Found' } };
    const rest = path.slice(repoPath.length);
    let m: RegExpExecArray | null;

    if (method === 'GET' && (m = /^\/git\/trees\/([^/]+)$/.exec(rest))) {
      // a sha, or a branch name (a tree-ish): the default branch's head
      const commit = /^[0-9a-f]{40}$/.test(m[1]!) ? this.commits.get(m[1]!) : this.headCommit();
      return commit ? { status: 200, body: commit.treeResponse() } : { status: 404, body: { message: 'Not Found' } };
    }
    if (method === 'GET' && (m = /^\/git\/blobs\/([0-9a-f]{40})$/.exec(rest))) {
      for (const commit of this.commits.values()) {
        for (const p of commit.files.keys()) if (commit.shaOf(p) === m[1]) return { status: 200, body: commit.blobResponse(p) };
      }
      return { status: 404, body: { message: 'Not Found' } };
    }
    if (method === 'GET' && (m = /^\/contents\/(.+)$/.exec(rest))) {
      const ref = url.searchParams.get('ref');
      const commit = ref ? this.commits.get(ref) : this.headCommit();
      const bytes = commit?.files.get(m[1]!);
      if (!bytes) return { status: 404, body: { message: 'Not Found' } };
      return { status: 200, body: { ...openapiExample<Record<string, unknown>>('content-file'), path: m[1], content: Buffer.from(bytes).toString('base64'), encoding: 'base64', size: bytes.length } };
    }
    if (method === 'POST' && rest === '/check-runs') {
      const example = openapiExample('check-run');
      const run = {
        ...example,
        id: 1000 + this.checkRuns.length,
        name: body.name,
        head_sha: body.head_sha,
        external_id: body.external_id ?? '',
        status: body.status,
        conclusion: body.conclusion ?? null,
        completed_at: '2025-09-04T11:06:00Z',
        output: { ...example.output, ...body.output, annotations_count: body.output?.annotations?.length ?? 0 },
        app: { ...example.app, id: 1 },
        pull_requests: [],
      };
      this.checkRuns.push(run);
      return { status: 201, body: run };
    }
    if (method === 'GET' && (m = /^\/check-runs\/(\d+)$/.exec(rest))) {
      const run = this.checkRuns.find((r) => r.id === Number(m![1]));
      return run ? { status: 200, body: run } : { status: 404, body: { message: 'Not Found' } };
    }
    if (method === 'GET' && (m = /^\/collaborators\/([^/]+)\/permission$/.exec(rest))) {
      const admin = this.organizers.has(m[1]!);
      const example = openapiExample<Record<string, any>>('repository-collaborator-permission-response-if-user-has-admin-permissions');
      return { status: 200, body: { ...example, permission: admin ? 'admin' : 'write', role_name: admin ? 'admin' : 'write', user: { ...example.user, login: m[1] } } };
    }
    if (method === 'GET' && rest === '/issues/comments') {
      // `since`, `sort`, `direction` and the pages as GitHub applies them
      const { body: page, headers } = issueCommentsPage(this.comments as { id: number; created_at: string; updated_at: string }[], url);
      return { status: 200, body: page, headers };
    }
    if (method === 'GET' && rest === '/comments') return { status: 200, body: [] };
    if (method === 'POST' && /^\/issues\/comments\/\d+\/reactions$/.test(rest)) {
      return { status: 201, body: { ...openapiExample<Record<string, unknown>>('reaction'), content: body.content } };
    }
    if (method === 'GET' && (m = /^\/commits\/([0-9a-f]{40})\/check-runs$/.exec(rest))) {
      const app = url.searchParams.get('app_id');
      const runs = this.checkRuns.filter((r) => r.head_sha === m![1] && (app === null || String(r.app?.id) === app));
      return { status: 200, body: { total_count: runs.length, check_runs: runs } };
    }
    if (method === 'GET' && rest === '/commits') {
      // the default branch's newest commits first: the commits added up to the head, newest first
      const all = [...this.commits.values()];
      const head = this.headCommit();
      const upTo = head ? all.slice(0, all.indexOf(head) + 1) : all;
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const example = openapiExample<Record<string, any>[]>('commit-items')[0]!;
      return { status: 200, body: upTo.reverse().slice(0, perPage).map((c) => ({ ...example, sha: c.sha })) };
    }
    if (method === 'GET' && (m = /^\/issues\/(\d+)$/.exec(rest))) {
      const number = Number(m[1]);
      const issue = this.issues.find((i) => i.number === number);
      if (issue) return { status: 200, body: issue };
      const moved = this.moved.get(number);
      const target = moved ? this.elsewhere.get(moved.repo) : undefined;
      if (moved && target?.readable) {
        // GitHub's answer for a transferred issue: the new place, by repository id
        const location = `${this.baseUrl}/repositories/${target.id}/issues/${moved.number}`;
        return { status: 301, body: { message: 'Moved Permanently', url: location, documentation_url: 'https://docs.github.com/rest/guides/best-practices-for-using-the-rest-api#follow-redirects' }, headers: { location } };
      }
      if (this.deleted.has(number)) return { status: 410, body: { message: 'This issue was deleted', documentation_url: 'https://docs.github.com/rest/issues/issues#get-an-issue' } };
      return { status: 404, body: { message: 'Not Found' } };
    }
    if (method === 'GET' && rest === '/issues') {
      // GitHub's filter by label (oldest first, as the bot asks); `issues` is kept oldest first
      const label = url.searchParams.get('labels');
      const listed = label ? this.issues.filter((i) => (i.labels ?? []).some((l: { name?: string }) => l.name === label)) : this.issues;
      return { status: 200, body: listed };
    }
    if (method === 'POST' && /^\/issues\/\d+\/labels$/.test(rest)) {
      const issue = this.issues.find((i) => i.number === Number(rest.split('/')[2]));
      if (!issue) return { status: 404, body: { message: 'Not Found' } };
      const label = openapiExample('issue').labels[0];
      for (const name of body.labels as string[]) if (!issue.labels.some((l: { name?: string }) => l.name === name)) issue.labels.push({ ...label, name });
      return { status: 200, body: issue.labels };
    }
    if (method === 'POST' && rest === '/issues') {
      // opened with the app's installation token: the app's bot user, the app named
      const label = openapiExample('issue').labels[0];
      const issue = appOpenedIssue({ number: 7 + this.issues.length + this.moved.size + this.deleted.size, repository_url: `${this.baseUrl}${repoPath}`, title: body.title, body: body.body, labels: ((body.labels ?? []) as string[]).map((name) => ({ ...label, name })) });
      this.issues.push(issue);
      return { status: 201, body: issue };
    }
    if (method === 'PATCH' && (m = /^\/issues\/(\d+)$/.exec(rest))) {
      const issue = this.issues.find((i) => i.number === Number(m![1]));
      if (!issue) return { status: 404, body: { message: 'Not Found' } };
      Object.assign(issue, body);
      return { status: 200, body: issue };
    }
    if ((m = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const issueNumber = Number(m[1]);
      if (method === 'GET') return { status: 200, body: this.comments.filter((c) => c.issue_number === issueNumber) };
      if (method === 'POST') {
        const example = openapiExample('issue-comment');
        // GitHub never gives a deleted comment's id to another
        const id = 9000 + this.commentsMade++;
        const at = this.now().toISOString();
        const comment = {
          ...example,
          id,
          issue_number: issueNumber,
          body: body.body,
          created_at: at,
          updated_at: at,
          issue_url: `${this.baseUrl}/repos/${this.owner}/${this.repo}/issues/${issueNumber}`,
          html_url: `http://127.0.0.1/${this.owner}/${this.repo}/issues/${issueNumber}#issuecomment-${id}`,
          // made with the app's installation token: the app's bot user, the app named
          user: { ...example.user, login: 'study-bot[bot]', type: 'Bot' },
          performed_via_github_app: { ...openapiExample('integration'), id: 1, slug: 'study-bot' },
        };
        this.comments.push(comment);
        return { status: 201, body: comment };
      }
    }
    if ((m = /^\/issues\/comments\/(\d+)$/.exec(rest))) {
      const comment = this.comments.find((c) => c.id === Number(m![1]));
      if (!comment) return { status: 404, body: { message: 'Not Found' } };
      if (method === 'PATCH') {
        comment.body = body.body;
        comment.updated_at = this.now().toISOString();
      }
      return { status: 200, body: comment };
    }
    return { status: 404, body: { message: `fake GitHub: no route for ${method} ${path}` } };
  }
}
