import type { Octokit, RepoRef } from './octokit.js';

export type RepoRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

/**
 * The commenter's or pusher's role on the repository. Organizer rights come only from here
 * (admin or maintain), never from the study repository's files, which every member can edit.
 */
export async function repoRole(octokit: Octokit, ref: RepoRef, login: string): Promise<RepoRole> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: ref.owner, repo: ref.repo, username: login });
    const role = (data as { role_name?: string }).role_name ?? data.permission;
    if (role === 'admin' || role === 'maintain' || role === 'write' || role === 'triage' || role === 'read') return role;
    return data.permission === 'admin' ? 'admin' : data.permission === 'write' ? 'write' : data.permission === 'read' ? 'read' : 'none';
  } catch (error) {
    // 404: not a collaborator (or a user that does not exist); that is "no rights", not a failure.
    if ((error as { status?: number }).status === 404) return 'none';
    throw error;
  }
}

export const isOrganizerRole = (role: RepoRole): boolean => role === 'admin' || role === 'maintain';
export const canWrite = (role: RepoRole): boolean => isOrganizerRole(role) || role === 'write';
