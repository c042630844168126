import type { Context } from 'probot';
import type { AppDeps } from '../app/deps.js';
import { gitCacheOf } from '../github/git-cache.js';
import { pushGitHub, type PushGitHub } from '../github/push-client.js';
import type { ConfigApprovals } from '../config/approval.js';
import type { Octokit, RepoRef } from '../github/octokit.js';
import { claimsOf, type SharedClaims } from '../shared-state/claims.js';
import { PushMemory } from './push-memory.js';
import { PushOutcomes, pushOutcomesOf } from './push-outcomes.js';
import { CHECK_NAMES } from './render-check-run.js';
import { parseExternalId, runPushCheck, type PushCheckOptions, type PushCheckRequest } from './run-push-check.js';
import { pushFactsOf, selectPush, ZERO_SHA, type PayloadCommit } from './select-push.js';

/**
 * The thin layer between webhooks and the push check: each event becomes a
 * `PushCheckRequest` (or nothing), claimed in memory at once, then checked in the
 * background so the webhook is answered well within GitHub's 10 seconds.
 */
export interface PushCheckState {
  memory: PushMemory;
  configCache: Map<string, string | null>;
  /** this app's id when known (APP_ID): re-runs of other apps' checks are not ours */
  appId: number | null;
  /** builds the GitHub seam from an event's Octokit; a benchmark may substitute its own */
  github: (octokit: Octokit, repo: { owner: string; repo: string }) => PushGitHub;
  /** the approved config of a repository (the app passes the ledger's); none: the file rules */
  approvals?: (octokit: Octokit, repo: RepoRef) => ConfigApprovals;
  /**
   * With Redis (two replicas): a push is claimed there too, so the replica that receives a
   * redelivery and the one that reconciles at start never both check it. Absent: this process
   * is the only one, and its memory is enough.
   */
  shared?: SharedClaims;
}

/** How long a push stays claimed across replicas: the recovery pass looks back 24 hours. */
const SHARED_PUSH_CLAIM_S = 25 * 60 * 60;

/** Claims `key` in the replicas' shared claims (true without them: memory already decided). */
export const claimAcrossReplicas = async (state: PushCheckState, key: string): Promise<boolean> =>
  !state.shared || state.shared.claim(`push:${key}`, SHARED_PUSH_CLAIM_S);

export const createPushCheckState = (deps: AppDeps, appId: number | null, approvals?: PushCheckState['approvals']): PushCheckState => ({
  memory: new PushMemory(deps.clock.now()),
  configCache: new Map(),
  appId,
  // The app's git object cache: the attendance report reads the same push through it.
  github: (octokit, repo) => pushGitHub(octokit, repo, gitCacheOf(deps)),
  ...(approvals ? { approvals } : {}),
  ...(deps.shared?.redis ? { shared: claimsOf(deps.shared, deps.clock) } : {}),
});

type Log = Context['log'];

function launch(deps: AppDeps, state: PushCheckState, octokit: Octokit, req: PushCheckRequest, log: Log, release?: () => void, sharedKey?: string): void {
  const options: PushCheckOptions = { configCache: state.configCache, log, approvals: state.approvals?.(octokit, req.repo) };
  // The attendance report waits for these verdicts and writes them with the push (one refresh).
  const settle = pushOutcomesOf(deps).begin(PushOutcomes.key(req.repo, req.before, req.after));
  deps.background(async () => {
    if (sharedKey && !(await claimAcrossReplicas(state, sharedKey))) {
      settle(null);
      log.info({ after: req.after }, 'push check: another replica has this push in hand, skipped');
      return;
    }
    try {
      const result = await runPushCheck(state.github(octokit, req.repo), req, options);
      settle(result.checkRunId !== undefined && result.checked ? { checkRunId: result.checkRunId, files: result.checked, completedAt: deps.clock.now() } : null);
      log.info({ after: req.after, outcome: result.outcome, conclusion: result.conclusion, files: result.files }, 'push check done');
    } catch (error) {
      settle(null);
      // Let a redelivery try again; the check run already says the bot failed.
      release?.();
      throw error;
    }
  });
}

/** `push`: the default branch only, no deletions, no tags; a redelivery is recognised and dropped. */
export function handlePush(context: Context<'push'>, deps: AppDeps, state: PushCheckState): void {
  const p = context.payload;
  const plan = selectPush(pushFactsOf(p));
  if (plan.kind === 'skip') {
    context.log.debug({ ref: p.ref, reason: plan.reason }, 'push check: skipped');
    return;
  }
  const key = PushMemory.key(p.repository.id, p.before, p.after);
  const claim = state.memory.claim(context.id, key);
  if (claim !== 'new') {
    context.log.info({ after: p.after, claim }, 'push check: redelivery of a push already in hand, skipped');
    return;
  }
  // Push payloads give `pushed_at` in Unix seconds; other events an ISO date.
  const raw = p.repository.pushed_at as number | string | null | undefined;
  const pushedAt = typeof raw === 'number' ? new Date(raw * 1000) : typeof raw === 'string' ? new Date(raw) : null;
  const repo = { owner: p.repository.owner?.login ?? p.repository.owner?.name ?? p.repository.full_name.split('/')[0], repo: p.repository.name };
  const req: PushCheckRequest = {
    repo,
    repoHtmlUrl: p.repository.html_url,
    before: p.before,
    after: p.after,
    source: plan.source,
    commits: p.commits as PayloadCommit[],
    // The sender is the authenticated account that pushed; `pusher.name` is the same login for
    // user pushes. Commit authors say nothing about who pushed.
    pusherLogin: p.sender?.login ?? p.pusher.name,
    lookForExisting: state.memory.mayPredate(pushedAt),
  };
  launch(deps, state, context.octokit, req, context.log, () => state.memory.release(context.id, key), key);
}

const ourNames: readonly string[] = Object.values(CHECK_NAMES);

/** "Re-run" on our own check run: redo the push it belongs to (its external id says which). */
export function handleCheckRunRerequested(context: Context<'check_run.rerequested'>, deps: AppDeps, state: PushCheckState): void {
  const run = context.payload.check_run;
  if (!ourNames.includes(run.name)) return;
  if (state.appId !== null && run.app?.id !== state.appId) return;
  const known = parseExternalId(run.external_id);
  const repository = context.payload.repository;
  const before = known?.before ?? run.check_suite?.before ?? ZERO_SHA;
  const repo = { owner: repository.owner.login, repo: repository.name };
  const req = rerunRequest(repo, repository.html_url, before, run.head_sha, known?.pusherLogin ?? context.payload.sender.login);
  launch(deps, state, context.octokit, { ...req, supersedes: [run.id] }, context.log);
}

/** A re-run knows nothing of the push's commits: the trees say exactly what changed. */
function rerunRequest(repo: RepoRef, repoHtmlUrl: string, before: string, after: string, pusherLogin: string): PushCheckRequest {
  return {
    repo,
    repoHtmlUrl,
    before,
    after,
    source: before === ZERO_SHA ? 'full-tree' : 'tree-diff',
    commits: [],
    pusherLogin,
    lookForExisting: false,
  };
}

/** "Re-run all checks" on a suite of ours on the default branch. */
export function handleCheckSuiteRerequested(context: Context<'check_suite.rerequested'>, deps: AppDeps, state: PushCheckState): void {
  const suite = context.payload.check_suite;
  const repository = context.payload.repository;
  if (state.appId !== null && suite.app?.id !== state.appId) return;
  if (suite.head_branch !== repository.default_branch) return;
  const repo = { owner: repository.owner.login, repo: repository.name };
  const octokit = context.octokit;
  deps.background(async () => {
    // The suite does not say who pushed; our earlier run on the commit does (one request, on re-runs only).
    const github = state.github(octokit, repo);
    const runs = await github.findRuns(suite.head_sha, ourNames);
    const earlier = runs.map((r) => parseExternalId(r.externalId)).find(Boolean);
    const before = earlier?.before ?? suite.before ?? ZERO_SHA;
    await runPushCheck(
      github,
      { ...rerunRequest(repo, repository.html_url, before, suite.head_sha, earlier?.pusherLogin ?? context.payload.sender.login), supersedes: runs.map((r) => r.id) },
      { configCache: state.configCache, log: context.log, approvals: state.approvals?.(octokit, repo) },
    );
  });
}
