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

export async function findMarkedComment(
  octokit: Octokit,
  ref: RepoRef & { issue_number: number },
  marker: string,
): Promise<MarkedComment | null> {
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, { ...ref, per_page: 100 })) {
    const found = page.data.find((c) => c.body?.includes(marker) && c.user?.type === 'Bot');
    if (found) return { id: found.id, body: found.body ?? '' };
  }
  return null;
}

export async function upsertMarkedComment(
  octokit: Octokit,
  ref: RepoRef & { issue_number: number },
  marker: string,
  body: string,
  known?: MarkedComment | null,
): Promise<MarkedComment> {
  const existing = known === undefined ? await findMarkedComment(octokit, ref, marker) : known;
  const full = body.includes(marker) ? body : `${marker}\n${body}`;
  if (existing) {
    if (existing.body === full) return existing;
    const { data } = await octokit.rest.issues.updateComment({ owner: ref.owner, repo: ref.repo, comment_id: existing.id, body: full });
    return { id: data.id, body: data.body ?? full };
  }
  const { data } = await octokit.rest.issues.createComment({ ...ref, body: full });
  return { id: data.id, body: data.body ?? full };
}
