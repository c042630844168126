import type { Octokit } from './octokit.js';

/**
 * What the reconcile pass reads: the app's installations and their repositories (the app's
 * JWT, then each installation's token), and each repository's recent pushes from its events
 * (`GET /repos/{owner}/{repo}/events`), which name who pushed (the authenticated actor, not a
 * commit author) and the push's `before` and `head`.
 */
export interface InstalledRepository {
  installationId: number;
  id: number;
  owner: string;
  repo: string;
  htmlUrl: string;
  defaultBranch: string;
}

export async function* installedRepositories(
  appOctokit: Octokit,
  asInstallation: (installationId: number) => Promise<Octokit>,
  counter: { requests: number },
): AsyncGenerator<{ repository: InstalledRepository; octokit: Octokit }> {
  for await (const page of appOctokit.paginate.iterator('GET /app/installations', { per_page: 100 })) {
    counter.requests++;
    for (const installation of page.data as { id: number; suspended_at?: string | null }[]) {
      if (installation.suspended_at) continue;
      const octokit = await asInstallation(installation.id);
      for await (const repos of octokit.paginate.iterator('GET /installation/repositories', { per_page: 100 })) {
        counter.requests++;
        for (const r of repos.data as unknown as { id: number; name: string; owner: { login: string }; html_url: string; default_branch?: string; archived?: boolean }[]) {
          if (r.archived) continue;
          yield {
            repository: { installationId: installation.id, id: r.id, owner: r.owner.login, repo: r.name, htmlUrl: r.html_url, defaultBranch: r.default_branch ?? 'main' },
            octokit,
          };
        }
      }
    }
  }
}

export interface RepoEvent {
  type: string;
  actorLogin: string;
  createdAt: number;
  payload: { ref?: string; head?: string; before?: string };
}

/** The repository's newest events (one page of 100; GitHub keeps 90 days, newest first). */
export async function recentEvents(octokit: Octokit, owner: string, repo: string): Promise<RepoEvent[]> {
  const { data } = await octokit.request('GET /repos/{owner}/{repo}/events', { owner, repo, per_page: 100 });
  return (data as { type: string | null; actor: { login: string }; created_at: string | null; payload: RepoEvent['payload'] }[]).map((e) => ({
    type: e.type ?? '',
    actorLogin: e.actor.login,
    createdAt: e.created_at ? Date.parse(e.created_at) : 0,
    payload: e.payload,
  }));
}
