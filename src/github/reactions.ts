import type { Octokit, RepoRef } from './octokit.js';

export type Reaction = '+1' | '-1' | 'laugh' | 'confused' | 'heart' | 'hooray' | 'rocket' | 'eyes';

/** A reaction on an issue comment or a commit comment (GitHub answers 200 when it is there already). */
export async function reactToComment(octokit: Octokit, repo: RepoRef, comment: { kind: 'issue' | 'commit'; id: number }, content: Reaction): Promise<void> {
  const params = { owner: repo.owner, repo: repo.repo, comment_id: comment.id, content };
  if (comment.kind === 'issue') await octokit.rest.reactions.createForIssueComment(params);
  else await octokit.rest.reactions.createForCommitComment(params);
}
