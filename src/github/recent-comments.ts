import type { Octokit, RepoRef } from './octokit.js';

/**
 * The comments of a repository made since a moment, on issues and pull requests and on
 * commits: what the recovery pass reads to find `/출석` commands the ledger missed, and
 * `/verify` reads to find its own records after a restart. Two listings: issue comments are
 * read newest first by creation until a page reaches past `since` (and, when that takes more
 * pages than allowed, from `since` on as well); commit comments have no filter and come oldest
 * first, so they are read from the last page backwards until a page reaches past `since`.
 */
export interface RecentComment {
  kind: 'issue' | 'commit';
  id: number;
  /** GitHub's global node id (`node_id`): what GraphQL asks by, e.g. for the comment as first written */
  nodeId: string | null;
  body: string;
  createdAt: number;
  /** when its body last changed (GitHub's `updated_at`): later than `createdAt` once anyone edited it */
  updatedAt: number;
  login: string;
  /** `User` or `Bot` */
  userType: string;
  /** the GitHub App that wrote it, when GitHub says (issue comments only) */
  appId: number | null;
  /** OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE… */
  association: string;
  /** the issue (or pull request) of an issue comment, the commit of a commit comment */
  thread: { kind: 'issue'; issueNumber: number } | { kind: 'commit'; sha: string };
}

export interface RecentCommentsResult {
  comments: RecentComment[];
  /** requests spent */
  requests: number;
}

type RawComment = {
  id: number;
  node_id?: string;
  body?: string | null;
  created_at: string;
  updated_at?: string;
  user: { login: string; type?: string } | null;
  author_association?: string;
  performed_via_github_app?: { id: number } | null;
  issue_url?: string;
  commit_id?: string;
};

const toRecent = (kind: 'issue' | 'commit', c: RawComment): RecentComment | null => {
  const issueNumber = kind === 'issue' ? Number(/\/issues\/(\d+)$/.exec(c.issue_url ?? '')?.[1]) : NaN;
  if (kind === 'issue' && !Number.isInteger(issueNumber)) return null;
  if (kind === 'commit' && !c.commit_id) return null;
  return {
    kind,
    id: c.id,
    nodeId: c.node_id ?? null,
    body: c.body ?? '',
    createdAt: Date.parse(c.created_at),
    updatedAt: Date.parse(c.updated_at ?? c.created_at),
    login: c.user?.login ?? '',
    userType: c.user?.type ?? 'User',
    appId: c.performed_via_github_app?.id ?? null,
    association: c.author_association ?? 'NONE',
    thread: kind === 'issue' ? { kind: 'issue', issueNumber } : { kind: 'commit', sha: c.commit_id! },
  };
};

/** The `page` of the `rel="last"` link of GitHub's Link header (RFC 8288: `<url>; rel="last", ...`). */
const lastPage = (link: string | undefined): number | null => {
  for (const part of (link ?? '').split(',')) {
    const [target, ...params] = part.split(';');
    if (!params.some((p) => p.trim() === 'rel="last"')) continue;
    const url = target!.trim().replace(/^<|>$/g, '');
    const page = URL.canParse(url) ? new URL(url).searchParams.get('page') : null;
    return page && /^\d+$/.test(page) ? Number(page) : null;
  }
  return null;
};

/** Whether GitHub's Link header (RFC 8288) names a `rel="next"` page. */
const hasNext = (link: string | undefined): boolean => (link ?? '').split(',').some((part) => part.split(';').slice(1).some((p) => p.trim() === 'rel="next"'));

export async function recentComments(octokit: Octokit, { owner, repo: name }: RepoRef, since: number, maxPages = 10): Promise<RecentCommentsResult> {
  const repo = { owner, repo: name };
  const comments: RecentComment[] = [];
  let requests = 0;
  const keep = (kind: 'issue' | 'commit', raw: RawComment[]) => {
    for (const c of raw) {
      const recent = toRecent(kind, c);
      if (recent && recent.createdAt >= since) comments.push(recent);
    }
  };
  // Issue comments, newest first by creation (`sort`/`direction`, GitHub's documented parameters):
  // `since` filters by last update and anyone can edit an old comment, so 1,000 edits filled
  // every page of the `since` listing before the window's own comments (attack review 18).
  // No edit moves a comment in this order; the window ends where a page reaches past `since`.
  const issueComments = new Map<number, RawComment>();
  /**
   * Reads up to `maxPages` pages; 'cut' when GitHub had more and the window's start was not
   * reached. Newest first, a page whose last comment is older than `since` ends the window; by
   * id, a page that reaches `untilId` ends what is not read already.
   */
  const read = async (params: Record<string, string>, end: { newestFirst: true } | { untilId: number }): Promise<'whole' | 'cut'> => {
    let pages = 0;
    for await (const page of octokit.paginate.iterator('GET /repos/{owner}/{repo}/issues/comments', { ...repo, ...params, per_page: 100 })) {
      requests++;
      const data = page.data as RawComment[];
      // only the window's: a page can hold GitHub's largest bodies, edited old ones among them
      for (const c of data) if (Date.parse(c.created_at) >= since) issueComments.set(c.id, c);
      const lastOne = data.at(-1);
      if (!lastOne) return 'whole';
      if ('newestFirst' in end ? Date.parse(lastOne.created_at) < since : lastOne.id >= end.untilId) return 'whole';
      if (!hasNext(page.headers.link)) return 'whole';
      if (++pages >= maxPages) return 'cut';
    }
    return 'whole';
  };
  if ((await read({ sort: 'created', direction: 'desc' }, { newestFirst: true })) === 'cut') {
    // More new comments than the pages hold (a flood of them): the window's first comments are
    // read from its start as well, by `since` (ascending id), up to the oldest one read newest
    // first (ids grow with creation); missing one then takes a flood of new comments and a
    // flood of edits together.
    const untilId = Math.min(...issueComments.keys());
    await read({ since: new Date(since).toISOString() }, { untilId });
  }
  // in GitHub's default order (ascending id), as the callers always had them
  keep('issue', [...issueComments.values()].sort((a, b) => a.id - b.id));
  const page = (n: number) => octokit.request('GET /repos/{owner}/{repo}/comments', { ...repo, per_page: 100, page: n });
  const first = await page(1);
  requests++;
  const last = lastPage(first.headers.link);
  if (last === null) {
    keep('commit', first.data as RawComment[]);
  } else {
    for (let n = last, read = 0; n >= 1 && read < maxPages; n--, read++) {
      const data = (n === 1 ? first : (requests++, await page(n))).data as RawComment[];
      keep('commit', data);
      if (data.length === 0 || Date.parse(data[0].created_at) < since) break;
    }
  }
  return { comments, requests };
}
