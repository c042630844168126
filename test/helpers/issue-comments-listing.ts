/**
 * GET /repos/{owner}/{repo}/issues/comments as GitHub answers it, for the mocks of every test
 * that reads a repository's issue comments (src/github/recent-comments.ts). From the endpoint's
 * description and parameters in @octokit/openapi: by default ascending id; `since` keeps the
 * comments last updated at or after it; `sort` (`created`, the default, or `updated`) with
 * `direction` (`asc` or `desc`, ignored without `sort`); pages of `per_page` (default 30, max
 * 100) chosen by `page`, with a Link header (RFC 8288) of `next`, `last`, `first` and `prev`
 * built from the request's own URL, as GitHub does.
 */
import type nock from 'nock';

export interface ListedIssueComment {
  id: number;
  created_at: string;
  updated_at?: string;
}

/** The page GitHub answers to `url` (the request's full URL) out of the repository's `all` issue comments. */
export function issueCommentsPage<T extends ListedIssueComment>(all: readonly T[], url: URL): { body: T[]; headers: Record<string, string> } {
  const q = url.searchParams;
  const since = q.get('since');
  const updated = (c: T) => Date.parse(c.updated_at ?? c.created_at);
  let listed = all.filter((c) => since === null || updated(c) >= Date.parse(since)).sort((a, b) => a.id - b.id);
  const sort = q.get('sort');
  if (sort !== null) {
    const key = sort === 'updated' ? updated : (c: T) => Date.parse(c.created_at);
    const sign = q.get('direction') === 'desc' ? -1 : 1;
    listed = listed.sort((a, b) => sign * (key(a) - key(b) || a.id - b.id));
  }
  const perPage = Math.min(100, Number(q.get('per_page') ?? '30'));
  const page = Number(q.get('page') ?? '1');
  const last = Math.max(1, Math.ceil(listed.length / perPage));
  const at = (n: number) => {
    const u = new URL(url);
    u.searchParams.set('page', String(n));
    return `<${u.href}>`;
  };
  const links = [
    ...(page < last ? [`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`] : []),
    ...(page > 1 ? [`${at(1)}; rel="first"`, `${at(page - 1)}; rel="prev"`] : []),
  ];
  return { body: listed.slice((page - 1) * perPage, page * perPage), headers: links.length > 0 ? { link: links.join(', ') } : {} };
}

/**
 * Answers the repository's issue-comment listing at `path` (`/repos/{owner}/{repo}/issues/comments`)
 * from `all`, every page and every query, up to `times` requests; `all` may be a function, read
 * at each request. The requests' queries go to `queries` when given; `base`: GitHub's API URL
 * (default https://api.github.com).
 */
export function mockIssueComments(
  scope: nock.Scope,
  path: string,
  all: readonly ListedIssueComment[] | (() => readonly ListedIssueComment[]),
  options: { times?: number; queries?: URLSearchParams[]; base?: string } = {},
): nock.Scope {
  return scope
    .get(path)
    .query(true)
    .times(options.times ?? 1)
    .reply((uri) => {
      const url = new URL(uri, options.base ?? 'https://api.github.com');
      options.queries?.push(url.searchParams);
      const { body, headers } = issueCommentsPage(typeof all === 'function' ? all() : all, url);
      return [200, body, headers];
    });
}
