import { parseConfig, type ConfigResult } from '../config/load-config.js';
import { CONFIG_PATH } from '../config/schema.js';
import type { Octokit, RepoRef } from './octokit.js';

/**
 * The study config at a revision (default: the default branch). A missing file means the
 * defaults; a broken one comes back as problems, never as an exception.
 */
export async function readConfig(octokit: Octokit, repo: RepoRef, ref?: string): Promise<ConfigResult> {
  const text = await readTextFile(octokit, repo, CONFIG_PATH, ref);
  return parseConfig(text);
}

/** A file's text at `ref`, or null when it does not exist. */
export async function readTextFile(octokit: Octokit, repo: RepoRef, path: string, ref?: string): Promise<string | null> {
  try {
    const { data } = await octokit.rest.repos.getContent({ owner: repo.owner, repo: repo.repo, path, ...(ref ? { ref } : {}) });
    if (Array.isArray(data) || data.type !== 'file') return null;
    if ('content' in data && typeof data.content === 'string' && data.encoding === 'base64') {
      return Buffer.from(data.content, 'base64').toString('utf8');
    }
    return null;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    throw error;
  }
}
