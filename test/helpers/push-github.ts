/**
 * GitHub, as nock sees it, for the push check's tests: responses are GitHub's own examples
 * from @octokit/openapi (components/examples) with the fields a test cares about replaced,
 * so their shape is what GitHub sends. Every request is logged so tests can count them.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import nock from 'nock';

const require = createRequire(import.meta.url);
const openapi = require('@octokit/openapi/generated/api.github.com.json') as {
  components: { examples: Record<string, { value: unknown }> };
};

/** A deep copy of one of GitHub's documented examples. */
export function example<T = Record<string, unknown>>(name: string): T {
  const found = openapi.components.examples[name];
  if (!found) throw new Error(`no @octokit/openapi example named ${name}`);
  return structuredClone(found.value) as T;
}

export const API = 'https://api.github.com';
export const OWNER = 'Codertocat';
export const REPO = 'Hello-World';
export const REPO_PATH = `/repos/${OWNER}/${REPO}`;

/** The sha git gives a blob with these bytes, so trees and blobs agree like in a real repository. */
export const blobSha = (bytes: Uint8Array | string): string => {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes);
  return createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
};

export interface RepoFileSpec {
  path: string;
  content: string | Uint8Array;
}

/** A repository at one commit: its files, and the tree GitHub would list for them. */
export class FakeCommit {
  readonly files = new Map<string, Uint8Array>();
  constructor(
    readonly sha: string,
    files: RepoFileSpec[],
    /** gitlinks (submodules): path → commit sha */
    readonly submodules: Record<string, string> = {},
  ) {
    for (const f of files) this.files.set(f.path, typeof f.content === 'string' ? new Uint8Array(Buffer.from(f.content, 'utf8')) : f.content);
  }

  with(sha: string, changes: { set?: RepoFileSpec[]; remove?: string[] }): FakeCommit {
    const next = new FakeCommit(sha, [], { ...this.submodules });
    for (const [path, bytes] of this.files) if (!changes.remove?.includes(path)) next.files.set(path, bytes);
    for (const f of changes.set ?? []) next.files.set(f.path, typeof f.content === 'string' ? new Uint8Array(Buffer.from(f.content, 'utf8')) : f.content);
    return next;
  }

  shaOf(path: string): string {
    const bytes = this.files.get(path);
    if (!bytes) throw new Error(`${path} is not in commit ${this.sha}`);
    return blobSha(bytes);
  }

  /** GET /git/trees/{sha}?recursive=1, shaped like the `git-tree` example. */
  treeResponse(): Record<string, unknown> {
    const base = example<{ tree: Record<string, unknown>[] } & Record<string, unknown>>('git-tree');
    const item = base.tree[0];
    const folders = new Set<string>();
    for (const path of [...this.files.keys(), ...Object.keys(this.submodules)]) {
      const parts = path.split('/');
      for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
    }
    const tree = [
      ...[...folders].map((path) => ({ path, mode: '040000', type: 'tree', sha: this.folderSha(path), url: `${API}${REPO_PATH}/git/trees/${this.folderSha(path)}` })),
      ...[...this.files].map(([path, bytes]) => ({ ...item, path, mode: '100644', type: 'blob', size: bytes.length, sha: blobSha(bytes), url: `${API}${REPO_PATH}/git/blobs/${blobSha(bytes)}` })),
      ...Object.entries(this.submodules).map(([path, sha]) => ({ path, mode: '160000', type: 'commit', sha })),
    ].sort((a, b) => (a.path < b.path ? -1 : 1));
    return { ...base, sha: this.sha, url: `${API}${REPO_PATH}/git/trees/${this.sha}`, tree, truncated: false };
  }

  /**
   * The recursive listing as GitHub sends it for a repository past its limit: the first
   * `cutAt` entries and `truncated: true` (GitHub stops at 100,000 entries or 7 MB; tests cut
   * at a small size).
   */
  truncatedTreeResponse(cutAt: number): Record<string, unknown> {
    const whole = this.treeResponse() as { tree: unknown[] };
    return { ...whole, tree: whole.tree.slice(0, cutAt), truncated: true };
  }

  /** The sha the listings give a folder (`''`: the root, whose listing answers to the commit's sha). */
  folderSha(folder: string): string {
    if (folder === '') return this.sha;
    // like git's: the same contents, the same sha (so an unchanged folder keeps its sha across commits)
    const below = [...this.files].filter(([path]) => path.startsWith(`${folder}/`)).map(([path, bytes]) => `${path}:${blobSha(bytes)}`);
    return blobSha(`tree:${folder}\n${below.sort().join('\n')}`);
  }

  /**
   * GET /git/trees/{folder's sha}: the folder's own entries (non-recursive), or everything
   * below it with paths relative to it (`recursive`), shaped like the `git-tree` example.
   */
  folderResponse(folder: string, recursive: boolean): Record<string, unknown> {
    const whole = this.treeResponse() as { tree: { path: string }[] } & Record<string, unknown>;
    const prefix = folder === '' ? '' : `${folder}/`;
    const tree = whole.tree
      .filter((e) => e.path.startsWith(prefix) && (recursive || !e.path.slice(prefix.length).includes('/')))
      .map((e) => ({ ...e, path: e.path.slice(prefix.length) }));
    const sha = this.folderSha(folder);
    return { ...whole, sha, url: `${API}${REPO_PATH}/git/trees/${sha}`, tree, truncated: false };
  }

  /** GET /git/blobs/{sha}, shaped like the `blob` example. */
  blobResponse(path: string): Record<string, unknown> {
    const bytes = this.files.get(path)!;
    const sha = blobSha(bytes);
    return { ...example('blob'), content: Buffer.from(bytes).toString('base64'), encoding: 'base64', sha, size: bytes.length, url: `${API}${REPO_PATH}/git/blobs/${sha}` };
  }
}

export interface LoggedRequest {
  method: string;
  path: string;
  body?: unknown;
}

/** `METHOD /path` of each logged request, query dropped: what a test compares request counts with. */
export const requestLines = (requests: LoggedRequest[]) => requests.map((r) => `${r.method} ${r.path.replace(/\?.*$/, '')}`);

/**
 * A nock scope on api.github.com that logs every request it answers. The installation
 * token is answered once and left out of `requests` (the budget excludes it).
 */
export function githubScope(): { scope: nock.Scope; requests: LoggedRequest[]; tokenRequests: () => number } {
  const requests: LoggedRequest[] = [];
  let tokens = 0;
  const scope = nock(API);
  scope.on('request', (req: { method: string; path: string }, _interceptor: unknown, body: string) => {
    if (req.path.startsWith('/app/installations/')) {
      tokens++;
      return;
    }
    let parsed: unknown;
    try {
      parsed = body ? JSON.parse(body) : undefined;
    } catch {
      parsed = body;
    }
    requests.push({ method: req.method, path: decodeURIComponent(req.path), ...(parsed !== undefined ? { body: parsed } : {}) });
  });
  scope.post('/app/installations/1/access_tokens').optionally().reply(201, {
    token: 'ghs_test',
    expires_at: '2099-01-01T00:00:00Z',
    permissions: { checks: 'write', contents: 'write', metadata: 'read' },
    repository_selection: 'all',
  });
  return { scope, requests, tokenRequests: () => tokens };
}

/** Nock interceptors for a commit's tree and for the blobs of `paths` (each fetched once). */
export function serveCommit(scope: nock.Scope, commit: FakeCommit, blobs: string[] = []): void {
  scope.get(`${REPO_PATH}/git/trees/${commit.sha}`).query({ recursive: '1' }).reply(200, commit.treeResponse());
  for (const path of blobs) scope.get(`${REPO_PATH}/git/blobs/${commit.shaOf(path)}`).reply(200, commit.blobResponse(path));
}

/** POST /check-runs answered like the `check-run` example, echoing what was sent. */
export function acceptCheckRun(scope: nock.Scope, id = 4, capture?: (body: Record<string, unknown>) => void): void {
  scope.post(`${REPO_PATH}/check-runs`).reply(201, (_uri: string, body: Record<string, unknown>) => {
    capture?.(body);
    return {
      ...example<Record<string, unknown>>('check-run'),
      id,
      name: body.name,
      head_sha: body.head_sha,
      external_id: body.external_id ?? '',
      status: body.status,
      conclusion: body.conclusion,
      output: { ...(body.output as object), annotations_count: ((body.output as { annotations?: unknown[] }).annotations ?? []).length },
      pull_requests: [],
    };
  });
}

export function acceptCheckRunUpdate(scope: nock.Scope, id = 4, capture?: (body: Record<string, unknown>) => void): void {
  scope.patch(`${REPO_PATH}/check-runs/${id}`).reply(200, (_uri: string, body: Record<string, unknown>) => {
    capture?.(body);
    return { ...example<Record<string, unknown>>('check-run'), id, pull_requests: [] };
  });
}

/** GET /collaborators/{login}/permission, like the documented admin example with `role`. */
export function servePermission(scope: nock.Scope, login: string, role: 'admin' | 'maintain' | 'write' | 'read'): void {
  const permission = role === 'maintain' ? 'write' : role;
  scope.get(`${REPO_PATH}/collaborators/${login}/permission`).reply(200, {
    ...example('repository-collaborator-permission-response-if-user-has-admin-permissions'),
    permission,
    role_name: role,
  });
}

/** GET /compare/{base}...{head}, like the `commit-comparison` example with these files. */
export function serveCompare(
  scope: nock.Scope,
  base: string,
  head: string,
  files: { filename: string; status: string; previous_filename?: string; changes?: number; sha?: string }[],
  totalCommits: number,
): void {
  const body = example<{ files: Record<string, unknown>[] } & Record<string, unknown>>('commit-comparison');
  const item = body.files[0];
  scope
    .get(`${REPO_PATH}/compare/${base}...${head}`)
    .query({ per_page: '100', page: '1' })
    .reply(200, {
      ...body,
      status: 'ahead',
      ahead_by: totalCommits,
      behind_by: 0,
      total_commits: totalCommits,
      files: files.map((f) => ({ ...item, changes: 1, additions: 1, deletions: 0, ...f, sha: f.sha ?? blobSha(f.filename) })),
    });
}

/** GET /commits/{sha}/check-runs, like the `check-run-paginated` example. */
export function serveCheckRunsForRef(scope: nock.Scope, sha: string, runs: { id: number; name: string; external_id: string }[]): void {
  const page = example<{ check_runs: Record<string, unknown>[] }>('check-run-paginated');
  const run = page.check_runs[0];
  scope
    .get(`${REPO_PATH}/commits/${sha}/check-runs`)
    .query(true)
    .reply(200, { total_count: runs.length, check_runs: runs.map((r) => ({ ...run, ...r, head_sha: sha, pull_requests: [] })) });
}
