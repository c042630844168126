import type { Clock, Timer } from '../app/deps.js';
import type { RepoRef } from '../github/octokit.js';
import type { VerifyJob } from './drivers/types.js';
import { memoryPendingStore, type PendingStore } from './pending-store.js';

/** A dispatched workflow that has not reported back yet. */
export interface PendingRun {
  job: VerifyJob;
  /** the runner repository; null until the dispatch went through (then a run cannot match yet) */
  runner: RepoRef | null;
  /** the workflow as configured: a file name (`ebpf-verify.yml`) or a numeric id */
  workflow: string;
  /** known when GitHub returned it from the dispatch */
  runId: number | null;
  /** the run's page, when GitHub returned it: organizers look there when the runner is silent */
  runUrl?: string | null;
  dispatchedAt: number;
  /** epoch ms: no result by then and the request is closed out as "the runner did not answer" */
  deadline: number;
}

/** What a `workflow_run.completed` delivery says about the run, taken from the payload. */
export interface CompletedRun {
  repository: string;
  runId: number;
  workflowId: number;
  path: string;
  event: string;
  displayTitle: string;
}

/** `run-name: verify ${{ inputs.request_id }}` in ebpf-verify.yml; ids are ours (`ic123`, `cc456`). */
export const runTitle = (requestId: string): string => `verify ${requestId}`;
const TITLE = /^verify ([a-z]{2}\d{1,20})$/;

/**
 * Correlates completed workflow runs with the requests that dispatched them. A run counts
 * only when everything agrees: the repository is the runner repository of that request, the
 * workflow is the configured one, it was started by workflow_dispatch, its title names a
 * request we are waiting for, and (when GitHub told us) the run id is the one dispatched.
 * Anything else (a member's workflow in the study repository, a rerun, a run nobody waits
 * for) is not ours and is ignored.
 *
 * Each run has a deadline: a runner that is offline leaves the job queued (GitHub keeps it
 * for up to 24 h), so when the deadline passes the run is taken out and handed to `onExpire`,
 * which tells the member. A completion that arrives later is no longer ours and is ignored.
 * The runs live in the store (this process, or Redis shared by replicas); the ⏳ comment's
 * signed record is their durable copy, from which the recovery pass puts a run back after a
 * restart (`restore`). Deadline timers are this process's; `sweep` expires runs whose timer
 * lived in a process that is gone.
 */
export class PendingRuns {
  private readonly timers = new Map<string, () => void>();

  constructor(
    private readonly clock: Clock,
    private readonly timer?: Timer,
    private readonly onExpire?: (run: PendingRun) => void,
    readonly store: PendingStore = memoryPendingStore(),
    /** runs a timer's work (the app's `background`, which tests can await) */
    private readonly background: (work: () => Promise<void>) => void = (work) => void work().catch(() => undefined),
  ) {}

  async add(run: PendingRun): Promise<void> {
    await this.sweep();
    await this.remove(run.job.requestId);
    await this.store.put(run);
    this.arm(run);
  }

  /**
   * A run found again in its ⏳ record after a restart: waited for once more (a run that is
   * waited for already is left as it is), or closed out at once when its deadline has passed.
   */
  async restore(run: PendingRun): Promise<'restored' | 'expired' | 'known'> {
    if (await this.store.get(run.job.requestId)) return 'known';
    await this.store.put(run);
    if (this.clock.now().getTime() >= run.deadline) {
      await this.expire(run.job.requestId);
      return 'expired';
    }
    this.arm(run);
    return 'restored';
  }

  /** The dispatch went through: now runs of `runner` (and with `runId`, only that run) match. */
  async dispatched(requestId: string, runner: RepoRef, runId: number | null, runUrl: string | null = null): Promise<void> {
    const run = await this.store.get(requestId);
    if (run) await this.store.put({ ...run, runner, runId, runUrl });
  }

  async remove(requestId: string): Promise<void> {
    await this.store.take(requestId);
    this.disarm(requestId);
  }

  async has(requestId: string): Promise<boolean> {
    return (await this.store.get(requestId)) !== null;
  }

  /** The pending run `completed` belongs to, taken out of the store; null when it is not ours. */
  async claim(completed: CompletedRun): Promise<PendingRun | null> {
    // No sweep here: a result that arrives just as its timer is due is still the better answer.
    const title = TITLE.exec(completed.displayTitle.trim());
    if (!title) return null;
    const run = await this.store.get(title[1]);
    if (!run?.runner) return null;
    const sameRepository = completed.repository.toLowerCase() === `${run.runner.owner}/${run.runner.repo}`.toLowerCase();
    const sameWorkflow = /^\d+$/.test(run.workflow)
      ? completed.workflowId === Number(run.workflow)
      : completed.path === `.github/workflows/${run.workflow}`;
    const sameRun = run.runId === null || run.runId === completed.runId;
    if (!sameRepository || !sameWorkflow || !sameRun || completed.event !== 'workflow_dispatch') return null;
    this.disarm(title[1]);
    // Another replica (or the deadline) may have taken it meanwhile: only one of us reports it.
    return this.store.take(title[1]);
  }

  /**
   * The deadline passed (the timer fired, or a later look found it overdue): the run leaves
   * the store once, and `onExpire` reports it.
   */
  async expire(requestId: string): Promise<PendingRun | null> {
    this.disarm(requestId);
    const run = await this.store.take(requestId);
    if (run) this.onExpire?.(run);
    return run;
  }

  /** Runs past their deadline whose timer has not fired (a timer that lagged, or one in a process that is gone): expired now. */
  async sweep(): Promise<number> {
    const now = this.clock.now().getTime();
    let expired = 0;
    for (const run of await this.store.all()) if (now >= run.deadline && (await this.expire(run.job.requestId))) expired++;
    return expired;
  }

  private arm(run: PendingRun): void {
    if (!this.timer) return;
    const id = run.job.requestId;
    this.disarm(id);
    const delay = run.deadline - this.clock.now().getTime();
    // A store that fails now is tried again by the next sweep (the recovery pass runs one).
    this.timers.set(id, this.timer.schedule(delay, () => this.background(async () => void (await this.expire(id)))));
  }

  private disarm(requestId: string): void {
    this.timers.get(requestId)?.();
    this.timers.delete(requestId);
  }
}
