import type { Octokit, RepoRef } from './octokit.js';

/**
 * A commit named in `/config approve <sha>` (short or full), resolved to its full sha; null
 * when the repository has no commit whose sha starts so. `application/vnd.github.sha` makes the answer the
 * bare sha instead of the commit with its files.
 */
export async function resolveCommit(octokit: Octokit, ref: RepoRef, sha: string): Promise<string | null> {
  try {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}', {
      ...ref,
      ref: sha,
      headers: { accept: 'application/vnd.github.sha' },
    });
    // Text when GitHub labels it with a charset, bytes otherwise.
    const full = (typeof data === 'string' ? data : Buffer.from(data as unknown as ArrayBuffer).toString('utf8')).trim();
    // GitHub resolves a branch or tag before a sha prefix: anyone who can push can name a branch
    // `aaaaaaa` after the commit an organizer means (the eighteenth attack review). Only a commit
    // whose sha starts with what was written is the one named.
    return /^[0-9a-f]{40}$/.test(full) && full.startsWith(sha.toLowerCase()) ? full : null;
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 404 || status === 422) return null;
    throw error;
  }
}
