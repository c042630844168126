import type { Octokit, RepoRef } from './octokit.js';

/** A full commit sha: forty hex digits, the only name `/config approve` takes on an issue. */
export const FULL_SHA = /^[0-9a-f]{40}$/i;

/**
 * The commit `sha` (all forty digits) if the repository has it, else null. Asked of the git
 * database (`GET /git/commits/{commit_sha}`), which takes a commit's sha, not a ref name, and
 * only an answer naming exactly that sha counts. `GET /commits/{ref}` was used before: it
 * resolves a branch or tag before a sha prefix, and a short prefix is no name at all, since
 * anyone who can push can make a commit of their own that starts the same (attack reviews 18
 * and 19); GitHub also refuses branch and tag names of forty hex digits, so a full sha names
 * one commit whichever way it is read.
 */
export async function commitAt(octokit: Octokit, ref: RepoRef, sha: string): Promise<string | null> {
  if (!FULL_SHA.test(sha)) return null;
  const wanted = sha.toLowerCase();
  try {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', { ...ref, commit_sha: wanted });
    return data.sha.toLowerCase() === wanted ? wanted : null;
  } catch (error) {
    const status = (error as { status?: number }).status;
    // 404: no such commit; 409: an empty repository; 422: not a commit's sha.
    if (status === 404 || status === 409 || status === 422) return null;
    throw error;
  }
}
