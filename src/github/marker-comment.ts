import type { Octokit, RepoRef } from './octokit.js';

/**
 * One bot comment kept up to date in place: found by a hidden HTML marker, paginating
 * through every comment of the issue, so it is never posted twice.
 */
export const markerFor = (name: string): string => `<!-- study-bot:${name} -->`;

export interface MarkedComment {
  id: number;
  body: string;
}

/**
 * The first bot comment carrying `marker`; with `prefer`, the first one it accepts (e.g. whose
 * hidden data verifies), falling back to the first marked one.
 */
export async function findMarkedComment(
  octokit: Octokit,
  ref: RepoRef & { issue_number: number },
  marker: string,
  prefer?: (body: string) => boolean,
): Promise<MarkedComment | null> {
  let first: MarkedComment | null = null;
  const params = { owner: ref.owner, repo: ref.repo, issue_number: ref.issue_number, per_page: 100 };
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, params)) {
    for (const c of page.data) {
      if (!c.body?.includes(marker) || c.user?.type !== 'Bot') continue;
      const found = { id: c.id, body: c.body };
      if (!prefer || prefer(c.body)) return found;
      first ??= found;
    }
  }
  return first;
}
