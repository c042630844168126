/**
 * The GitHub seam: the only folder that talks to Octokit. Capabilities receive small
 * interfaces built here (see the `*-client.ts` files) and stay pure and testable.
 */
import type { ProbotOctokit } from 'probot';

export type Octokit = InstanceType<typeof ProbotOctokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}

/** Infrastructure failures carry owner/repo/sha so the log says where they happened. */
export class GitHubError extends Error {
  constructor(message: string, readonly where: RepoRef & { sha?: string }, options?: { cause?: unknown }) {
    super(`${message} (${where.owner}/${where.repo}${where.sha ? `@${where.sha.slice(0, 7)}` : ''})`, options);
    this.name = 'GitHubError';
  }
}

/**
 * This app's id, from the Octokit's own app credentials (signing a JWT: no request), or null
 * for an Octokit without them (a plain token).
 */
export async function ourAppId(octokit: Octokit): Promise<number | null> {
  try {
    const auth = (await octokit.auth({ type: 'app' })) as { appId?: unknown };
    return typeof auth.appId === 'number' ? auth.appId : null;
  } catch {
    return null;
  }
}
