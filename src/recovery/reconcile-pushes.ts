import type { InstalledRepository, RepoEvent } from '../github/reconcile-client.js';

/**
 * Pushes whose check may have been lost: a delivery answered at once and then a crash before
 * the check run was written leaves nothing failed in the delivery log. At start the app looks
 * at each repository's recent pushes to the default branch and checks those that have no
 * study-bot check run. Pure: events in, pushes out.
 */
export interface LostPushCandidate {
  before: string;
  after: string;
  pusherLogin: string;
  pushedAt: number;
}

export function pushesToReconcile(events: readonly RepoEvent[], repository: InstalledRepository, window: { since: number; until: number }): LostPushCandidate[] {
  const ref = `refs/heads/${repository.defaultBranch}`;
  const seen = new Set<string>();
  const out: LostPushCandidate[] = [];
  for (const e of events) {
    if (e.type !== 'PushEvent' || e.payload.ref !== ref || !e.payload.head || !e.payload.before) continue;
    if (e.createdAt < window.since || e.createdAt > window.until) continue;
    // a branch deletion has no commit to check
    if (/^0{40}$/.test(e.payload.head)) continue;
    const key = `${e.payload.before}..${e.payload.head}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ before: e.payload.before, after: e.payload.head, pusherLogin: e.actorLogin, pushedAt: e.createdAt });
  }
  // oldest first, as they happened
  return out.sort((a, b) => a.pushedAt - b.pushedAt);
}
