import type { Octokit, RepoRef } from './octokit.js';

/** At most this many are named in a message; the rest are "and others". */
export const ORGANIZERS_NAMED = 10;

/**
 * The repository's organizers (admin or maintain), to name who can approve a config change.
 * Only for a message: who IS an organizer is always asked per login (`repoRole`). One request;
 * GitHub's `permission=maintain` filter is applied again here from each user's permissions, so
 * the answer does not rest on how the filter treats higher roles. An app without the right to
 * list collaborators gets no names (the message then says "admin or maintain" only).
 */
export async function listOrganizers(octokit: Octokit, ref: RepoRef): Promise<string[]> {
  try {
    const { data } = await octokit.rest.repos.listCollaborators({ ...ref, permission: 'maintain', affiliation: 'all', per_page: 100 });
    return data
      .filter((u) => u.type !== 'Bot' && (u.permissions?.admin || u.permissions?.maintain))
      .map((u) => u.login)
      .slice(0, ORGANIZERS_NAMED);
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 403 || status === 404) return [];
    throw error;
  }
}
