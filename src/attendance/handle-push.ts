import type { Context } from 'probot';
import type { AppDeps } from '../app/deps.js';
import { pushFactsOf, selectPush } from '../push-check/select-push.js';
import { PushOutcomes, pushOutcomesOf } from '../push-check/push-outcomes.js';
import type { RefreshItem } from './refresh-report.js';
import { reportService } from './report-service.js';

/**
 * A push to the default branch: its study files' first-seen time is the time GitHub
 * received the push (`repository.pushed_at`), never a commit's date, which the author's
 * machine sets and can backdate. The refresh reads the tree at `after` for what is on main.
 */
export async function handlePush(context: Context<'push'>, deps: AppDeps): Promise<void> {
  const p = context.payload;
  const plan = selectPush(pushFactsOf(p));
  if (plan.kind === 'skip') return;
  const pushedAt = typeof p.repository.pushed_at === 'number' ? p.repository.pushed_at * 1000 : deps.clock.now().getTime();
  const repo = { owner: p.repository.owner?.login ?? p.repository.full_name.split('/')[0], repo: p.repository.name };
  const push: RefreshItem = {
    kind: 'push',
    push: {
      before: p.before,
      after: p.after,
      pushedAt,
      pusher: p.sender?.login ?? null,
      commits: p.commits.map((c) => ({
        id: c.id,
        message: c.message,
        timestamp: c.timestamp,
        added: c.added ?? [],
        removed: c.removed ?? [],
        modified: c.modified ?? [],
      })),
    },
  };
  const service = reportService(deps);
  const outcomes = pushOutcomesOf(deps);
  const key = PushOutcomes.key(repo, p.before, p.after);
  deps.background(async () => {
    // The push check of this delivery registers itself synchronously; give it that turn.
    const checked = outcomes.outcome(key) ?? (await nextTurn(), outcomes.outcome(key));
    if (!checked) return service.refreshDurably(context.octokit, repo, [push]);
    // One refresh for the push and its verdicts (the tree, config and notes it reads are the
    // check's, from the shared git cache); `check_run.completed` then has nothing left to do.
    const outcome = await withDeadline(checked, VERDICT_WAIT_MS);
    if (!outcome) return service.refreshDurably(context.octokit, repo, [push]);
    const written = service.refreshDurably(context.octokit, repo, [
      push,
      { kind: 'change', change: { kind: 'check', files: outcome.files, at: outcome.completedAt.getTime() } },
    ]);
    outcomes.handOver(outcome.checkRunId, written.then(() => true, () => false));
    await written;
  });
}

/** How long the report waits for the push check's verdicts before writing the push alone. */
const VERDICT_WAIT_MS = 120_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function withDeadline<T>(promise: Promise<T | null>, ms: number): Promise<T | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    timer.unref?.();
    void promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(null);
      },
    );
  });
}
