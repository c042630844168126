/**
 * A GitHub Enterprise Server stand-in on a local port, for running the real app (`npm start`,
 * GHE_HOST=127.0.0.1:PORT, GHE_PROTOCOL=http) over real HTTP: GitHub itself is out of reach.
 * Every response is an example from `@octokit/openapi` with the fields of this repository
 * filled in, and every request is recorded with the time it arrived, so a bench can say
 * when the app answered what. Routes it does not know get GitHub's 404 shape and are listed.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RawDelivery } from '../src/github/app-deliveries.js';
import { openapiExample } from '../test/helpers/github-examples.js';

export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
  body: any;
}

export interface FakeRepo {
  owner: string;
  repo: string;
  /** commit sha → path → content */
  commits: Map<string, Map<string, string>>;
  /** login → role_name (admin, maintain, write, read) */
  roles: Map<string, string>;
  /** the repository's id, as the webhook payloads of the bench carry it */
  id?: number;
}

const gitSha = (text: string) => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0${text}`).digest('hex');

/**
 * One attempt in the app's delivery log (`GET /app/hook/deliveries`), GitHub's documented
 * shape (`hook-delivery-items`); the payload GitHub would send again is kept by guid.
 */
export type LoggedDelivery = RawDelivery & { duration: number; throttled_at: string | null };

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly unknown: string[] = [];
  private server: Server | null = null;
  private nextId = 1000;
  private readonly checkRuns = new Map<number, any>();
  private readonly comments = new Map<number, any>();
  private readonly issues: any[] = [];
  /** the app's delivery log, every attempt (GitHub lists them newest first) */
  readonly deliveries: LoggedDelivery[] = [];
  /** what each delivery (by guid) carries */
  readonly payloads = new Map<string, { event: string; payload: unknown }>();
  /** the repository's events (`GET /repos/{owner}/{repo}/events`), newest first */
  events: unknown[] = [];
  /** where redeliveries go: the app's webhook URL and secret */
  webhookTarget: { url: string; secret: string } | null = null;
  /** redeliveries still on their way (a test waits for them) */
  readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly repo: FakeRepo) {}

  /** A delivery GitHub attempted (e.g. while the app was down) and logged with its answer. */
  logDelivery(entry: { guid: string; event: string; payload: any; at: Date; statusCode: number; status: string }): LoggedDelivery {
    const example = openapiExample<LoggedDelivery[]>('hook-delivery-items')[0];
    const logged: LoggedDelivery = {
      ...example,
      id: this.nextId++,
      guid: entry.guid,
      delivered_at: entry.at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      redelivery: this.payloads.has(entry.guid),
      status: entry.status,
      status_code: entry.statusCode,
      event: entry.event,
      action: entry.payload?.action ?? null,
      installation_id: entry.payload?.installation?.id ?? null,
      repository_id: entry.payload?.repository?.id ?? null,
      throttled_at: null,
    };
    this.payloads.set(entry.guid, { event: entry.event, payload: entry.payload });
    this.deliveries.push(logged);
    return logged;
  }

  /** Study-bot's check runs on `sha`. */
  checkRunsOn(sha: string): any[] {
    return [...this.checkRuns.values()].filter((r) => r.head_sha === sha);
  }

  /** As GitHub does on `POST /app/hook/deliveries/{id}/attempts`: deliver the payload again, signed, and log the attempt. */
  private redeliver(delivery: LoggedDelivery): void {
    const target = this.webhookTarget;
    const carried = this.payloads.get(delivery.guid);
    if (!target || !carried) return;
    const body = JSON.stringify(carried.payload);
    const attempt = (async () => {
      let statusCode = 0;
      let status = 'failed to connect to host';
      try {
        const response = await fetch(target.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-github-event': carried.event,
            'x-github-delivery': delivery.guid,
            'x-hub-signature-256': `sha256=${createHmac('sha256', target.secret).update(body).digest('hex')}`,
          },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        await response.text();
        statusCode = response.status;
        status = response.ok ? 'OK' : response.statusText;
      } catch {
        // logged as GitHub logs an app that is down
      }
      this.logDelivery({ guid: delivery.guid, event: carried.event, payload: carried.payload, at: new Date(), statusCode, status });
    })();
    this.inFlight.add(attempt);
    void attempt.finally(() => this.inFlight.delete(attempt));
  }

  async start(): Promise<number> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Requests matching `method path-regex`, in arrival order. */
  seen(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    // GHES serves the REST API under /api/v3.
    const path = decodeURIComponent(url.pathname.replace(/^\/api\/v3/, ''));
    const body = text ? JSON.parse(text) : null;
    this.requests.push({ at: performance.now(), method: req.method ?? 'GET', path, body });
    const reply = this.route(req.method ?? 'GET', path, url.searchParams, body);
    if (!reply) this.unknown.push(`${req.method} ${path}`);
    const [status, data] = reply ?? [404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }];
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-remaining': '4999' });
    res.end(status === 204 ? undefined : JSON.stringify(data));
  }

  private route(method: string, path: string, query: URLSearchParams, body: any): [number, unknown] | null {
    const { owner, repo } = this.repo;
    const base = `/repos/${owner}/${repo}`;
    let m: RegExpExecArray | null;
    if (method === 'POST' && /^\/app\/installations\/\d+\/access_tokens$/.test(path)) {
      const example = openapiExample<any>('installation-token');
      return [201, { ...example, token: 'ghs_fake', expires_at: new Date(Date.now() + 3_600_000).toISOString() }];
    }
    if (method === 'GET' && path === `${base}/installation`) return [200, openapiExample<any>('installation')];
    if (method === 'GET' && path === '/app/hook/deliveries') {
      return [200, [...this.deliveries].sort((a, b) => b.delivered_at.localeCompare(a.delivered_at) || b.id - a.id)];
    }
    if (method === 'POST' && (m = /^\/app\/hook\/deliveries\/(\d+)\/attempts$/.exec(path))) {
      const delivery = this.deliveries.find((d) => d.id === Number(m![1]));
      if (!delivery) return null;
      this.redeliver(delivery);
      return [202, {}];
    }
    if (method === 'GET' && path === '/app/installations') return [200, [{ ...openapiExample<any>('base-installation-items')[0], id: 2 }]];
    if (method === 'GET' && path === '/installation/repositories') {
      const example = openapiExample<any>('repository-paginated-2').repositories[0];
      const repository = { ...example, id: this.repo.id ?? example.id, name: repo, full_name: `${owner}/${repo}`, owner: { ...example.owner, login: owner }, default_branch: 'main', archived: false };
      return [200, { total_count: 1, repositories: [repository] }];
    }
    if (method === 'GET' && path === `${base}/events`) return [200, this.events];
    if (method === 'GET' && path === `${base}/issues/comments`) return [200, [...this.comments.values()]];
    if (method === 'GET' && path === `${base}/comments`) return [200, []];
    if (method === 'GET' && path === base) return [200, { ...openapiExample<any>('full-repository'), name: repo, full_name: `${owner}/${repo}`, default_branch: 'main' }];
    if (method === 'GET' && (m = new RegExp(`^${base}/git/trees/([0-9a-f]{40})$`).exec(path))) {
      const files = this.repo.commits.get(m[1]);
      if (!files) return null;
      const tree = [...files].map(([p, content]) => ({ path: p, mode: '100644', type: 'blob', sha: gitSha(content), size: Buffer.byteLength(content), url: '' }));
      return [200, { sha: m[1], url: '', tree, truncated: false }];
    }
    if (method === 'GET' && (m = new RegExp(`^${base}/git/blobs/([0-9a-f]{40})$`).exec(path))) {
      for (const files of this.repo.commits.values()) {
        for (const content of files.values()) {
          if (gitSha(content) === m[1]) {
            return [200, { ...openapiExample<any>('blob'), sha: m[1], size: Buffer.byteLength(content), content: Buffer.from(content).toString('base64'), encoding: 'base64' }];
          }
        }
      }
      return null;
    }
    if (method === 'GET' && (m = new RegExp(`^${base}/contents/(.+)$`).exec(path))) {
      const ref = query.get('ref');
      const head = ref && this.repo.commits.has(ref) ? this.repo.commits.get(ref)! : [...this.repo.commits.values()].at(-1)!;
      const content = head.get(m[1]);
      if (content === undefined) {
        // A folder: its entries, as GitHub lists them (files, and one level of sub-folders).
        const prefix = `${m[1].replace(/\/$/, '')}/`;
        const names = new Map<string, string | null>();
        for (const [file, text] of head) if (file.startsWith(prefix)) names.set(file.slice(prefix.length).split('/')[0]!, file.slice(prefix.length).includes('/') ? null : text);
        if (names.size === 0) return [404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/contents' }];
        const [fileExample, dirExample] = openapiExample<any[]>('content-file-response-if-content-is-a-directory');
        return [200, [...names].map(([name, text]) =>
          text === null
            ? { ...dirExample, name, path: `${prefix}${name}`, sha: gitSha(name), size: 0 }
            : { ...fileExample, name, path: `${prefix}${name}`, sha: gitSha(text), size: Buffer.byteLength(text) })];
      }
      return [200, { ...openapiExample<any>('content-file'), path: m[1], name: m[1].split('/').pop(), sha: gitSha(content), size: Buffer.byteLength(content), content: Buffer.from(content).toString('base64'), encoding: 'base64' }];
    }
    if (method === 'GET' && path === `${base}/commits`) {
      // the default branch's newest commits first (the report's trail, src/github/report-trail.ts)
      const example = openapiExample<any[]>('commit-items')[0];
      const perPage = Number(query.get('per_page') ?? 30);
      return [200, [...this.repo.commits.keys()].reverse().slice(0, perPage).map((sha) => ({ ...example, sha }))];
    }
    if (method === 'GET' && (m = new RegExp(`^${base}/commits/([^/]+)/check-runs$`).exec(path))) {
      const runs = [...this.checkRuns.values()].filter((r) => r.head_sha === m![1]);
      return [200, { total_count: runs.length, check_runs: runs }];
    }
    if (method === 'POST' && path === `${base}/check-runs`) {
      const run = { ...openapiExample<any>('check-run'), ...body, id: this.nextId++, app: { ...openapiExample<any>('check-run').app, id: 1 } };
      this.checkRuns.set(run.id, run);
      return [201, run];
    }
    if (method === 'PATCH' && (m = new RegExp(`^${base}/check-runs/(\\d+)$`).exec(path))) {
      const run = this.checkRuns.get(Number(m[1]));
      if (!run) return null;
      Object.assign(run, body);
      return [200, run];
    }
    if (method === 'GET' && (m = new RegExp(`^${base}/collaborators/([^/]+)/permission$`).exec(path))) {
      const role = this.repo.roles.get(m[1]);
      if (!role) return [404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }];
      const example = openapiExample<any>('repository-collaborator-permission-response-if-user-has-admin-permissions');
      return [200, { ...example, permission: role === 'maintain' ? 'write' : role, role_name: role, user: { ...example.user, login: m[1] } }];
    }
    if (method === 'POST' && /\/(issues\/)?comments\/\d+\/reactions$/.test(path)) return [201, { ...openapiExample<any>('reaction'), content: body?.content }];
    if (method === 'GET' && path === `${base}/issues`) return [200, this.issues];
    if (method === 'POST' && path === `${base}/issues`) {
      // opened with the installation token: by the app's bot user, the app named, in this repository
      const example = openapiExample<any>('issue');
      const issue = {
        ...example,
        ...body,
        labels: (body.labels ?? []).map((name: string) => ({ name })),
        number: 100 + this.issues.length,
        id: this.nextId++,
        user: { ...example.user, login: 'study-bot[bot]', type: 'Bot' },
        performed_via_github_app: { ...openapiExample<any>('integration'), id: 1 },
        repository_url: `http://127.0.0.1/api/v3${base}`,
      };
      this.issues.push(issue);
      return [201, issue];
    }
    if ((m = new RegExp(`^${base}/issues/(\\d+)$`).exec(path))) {
      const issue = this.issues.find((i) => i.number === Number(m![1]));
      if (!issue) return null;
      if (method === 'PATCH') Object.assign(issue, body);
      return [200, issue];
    }
    if ((m = new RegExp(`^${base}/issues/(\\d+)/comments$`).exec(path))) {
      const issueNumber = Number(m[1]);
      if (method === 'GET') return [200, [...this.comments.values()].filter((c) => c.issue_number === issueNumber)];
      if (method === 'POST') {
        const example = openapiExample<any>('issue-comment');
        const comment = {
          ...example,
          id: this.nextId++,
          body: body.body,
          issue_number: issueNumber,
          issue_url: `http://127.0.0.1/api/v3${base}/issues/${issueNumber}`,
          created_at: new Date().toISOString(),
          user: { ...example.user, login: 'study-bot[bot]', type: 'Bot' },
        };
        this.comments.set(comment.id, comment);
        return [201, comment];
      }
    }
    if ((m = new RegExp(`^${base}/issues/comments/(\\d+)$`).exec(path))) {
      const comment = this.comments.get(Number(m[1]));
      if (!comment) return null;
      if (method === 'PATCH') comment.body = body.body;
      return [200, comment];
    }
    if (method === 'GET' && (m = new RegExp(`^${base}/(?:commits|branches)/([^/]+)$`).exec(path))) {
      const sha = this.repo.commits.has(m[1]) ? m[1] : [...this.repo.commits.keys()].at(-1)!;
      return [200, { ...openapiExample<any>('commit'), sha, commit: { ...openapiExample<any>('commit').commit, tree: { sha, url: '' } } }];
    }
    if (method === 'GET' && (m = new RegExp(`^${base}/git/ref/heads/(.+)$`).exec(path))) {
      const sha = [...this.repo.commits.keys()].at(-1)!;
      return [200, { ...openapiExample<any>('git-ref'), ref: `refs/heads/${m[1]}`, object: { type: 'commit', sha, url: '' } }];
    }
    return null;
  }
}
