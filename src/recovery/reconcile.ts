import type { Octokit } from '../github/octokit.js';
import { installedRepositories, recentEvents, type InstalledRepository } from '../github/reconcile-client.js';
import { claimAcrossReplicas, type PushCheckState } from '../push-check/handle-push.js';
import { PushMemory } from '../push-check/push-memory.js';
import { runPushCheck } from '../push-check/run-push-check.js';
import { ZERO_SHA } from '../push-check/select-push.js';
import { pushesToReconcile } from './reconcile-pushes.js';

export interface ReconcileResult {
  repositories: number;
  /** pushes looked at (recent pushes to a default branch) */
  pushes: number;
  /** `owner/repo@sha` of each push that got its check run now */
  checked: string[];
  /** requests spent: installations, repositories, events, check-run lookups (the checks themselves not counted) */
  requests: number;
  errors: unknown[];
  /** what each other reconciler did, by name (e.g. `verify`: requests put back; `check-ins`: comments recorded) */
  others: Record<string, string[]>;
}

/** Other work of the start-time pass, per installed repository (requests it is owed from before the start). */
export interface RepositoryReconciler {
  name: string;
  /** what it did, for the log */
  run(repository: InstalledRepository, octokit: Octokit): Promise<string[]>;
}

/**
 * The second half of "nothing lost": pushes whose delivery was answered but whose check run
 * never got written (the process died in between). For each installed repository, its recent
 * pushes to the default branch (from its events: the real pusher and `before`) are checked
 * unless a study-bot check run for that same push exists. The push memory is shared with the
 * webhook handler, so a redelivery arriving meanwhile is not checked a second time.
 */
export async function reconcilePushes(
  source: { appOctokit: Octokit; asInstallation: (installationId: number) => Promise<Octokit> },
  push: PushCheckState | null,
  window: { since: number; until: number },
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void },
  others: readonly RepositoryReconciler[] = [],
): Promise<ReconcileResult> {
  const counter = { requests: 0 };
  const result: ReconcileResult = { repositories: 0, pushes: 0, checked: [], requests: 0, errors: [], others: {} };
  for await (const { repository, octokit } of installedRepositories(source.appOctokit, source.asInstallation, counter)) {
    result.repositories++;
    for (const other of others) {
      try {
        const done = await other.run(repository, octokit);
        if (done.length > 0) (result.others[other.name] ??= []).push(...done.map((d) => `${repository.owner}/${repository.repo}: ${d}`));
      } catch (error) {
        result.errors.push(error);
      }
    }
    if (!push) continue;
    try {
      counter.requests++;
      const candidates = pushesToReconcile(await recentEvents(octokit, repository.owner, repository.repo), repository, window);
      result.pushes += candidates.length;
      for (const c of candidates) {
        const key = PushMemory.key(repository.id, c.before, c.after);
        const deliveryId = `reconcile:${key}`;
        if (push.memory.claim(deliveryId, key) !== 'new' || !(await claimAcrossReplicas(push, key))) continue;
        const repo = { owner: repository.owner, repo: repository.repo };
        try {
          const outcome = await runPushCheck(
            push.github(octokit, repo),
            {
              repo,
              repoHtmlUrl: repository.htmlUrl,
              before: c.before,
              after: c.after,
              // no payload: the trees say exactly what changed
              source: c.before === ZERO_SHA ? 'full-tree' : 'tree-diff',
              commits: [],
              pusherLogin: c.pusherLogin,
              // the lookup that makes this idempotent: a run for this same push means done
              lookForExisting: true,
            },
            { configCache: push.configCache, approvals: push.approvals?.(octokit, repo), log },
          );
          counter.requests++;
          if (outcome.outcome === 'published') result.checked.push(`${repository.owner}/${repository.repo}@${c.after.slice(0, 7)}`);
        } catch (error) {
          push.memory.release(deliveryId, key);
          result.errors.push(error);
        }
      }
    } catch (error) {
      result.errors.push(error);
    }
  }
  result.requests = counter.requests;
  return result;
}
