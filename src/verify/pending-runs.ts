import type { Clock, Timer } from '../app/deps.js';
import type { RepoRef } from '../github/octokit.js';
import type { VerifyJob } from './drivers/types.js';

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
 * Anything else (a member's workflow in the study repository, a rerun, a run from before a
 * restart) is not ours and is ignored.
 *
 * Each run has a deadline: a runner that is offline leaves the job queued (GitHub keeps it
 * for up to 24 h), so when the deadline passes the run is taken out and handed to `onExpire`,
 * which tells the member. A completion that arrives later is no longer ours and is ignored.
 * In memory: a restart forgets pending runs (the ⏳ comment's marker lets a later request
 * of the same member close it out, see sweep-stale-comments.ts).
 */
export class PendingRuns {
  private readonly runs = new Map<string, PendingRun>();
  private readonly timers = new Map<string, () => void>();

  constructor(
    private readonly clock: Clock,
    private readonly timer?: Timer,
    private readonly onExpire?: (run: PendingRun) => void,
  ) {}

  add(run: PendingRun): void {
    this.sweep();
    this.remove(run.job.requestId);
    this.runs.set(run.job.requestId, run);
    if (this.timer) {
      const delay = run.deadline - this.clock.now().getTime();
      this.timers.set(run.job.requestId, this.timer.schedule(delay, () => this.expire(run.job.requestId)));
    }
  }

  /** The dispatch went through: now runs of `runner` (and with `runId`, only that run) match. */
  dispatched(requestId: string, runner: RepoRef, runId: number | null, runUrl: string | null = null): void {
    const run = this.runs.get(requestId);
    if (run) Object.assign(run, { runner, runId, runUrl });
  }

  remove(requestId: string): void {
    this.runs.delete(requestId);
    this.timers.get(requestId)?.();
    this.timers.delete(requestId);
  }

  has(requestId: string): boolean {
    return this.runs.has(requestId);
  }

  get size(): number {
    return this.runs.size;
  }

  /** The pending run `completed` belongs to, taken out of the store; null when it is not ours. */
  claim(completed: CompletedRun): PendingRun | null {
    // No sweep here: a result that arrives just as its timer is due is still the better answer.
    const title = TITLE.exec(completed.displayTitle.trim());
    if (!title) return null;
    const run = this.runs.get(title[1]);
    if (!run?.runner) return null;
    const sameRepository = completed.repository.toLowerCase() === `${run.runner.owner}/${run.runner.repo}`.toLowerCase();
    const sameWorkflow = /^\d+$/.test(run.workflow)
      ? completed.workflowId === Number(run.workflow)
      : completed.path === `.github/workflows/${run.workflow}`;
    const sameRun = run.runId === null || run.runId === completed.runId;
    if (!sameRepository || !sameWorkflow || !sameRun || completed.event !== 'workflow_dispatch') return null;
    this.remove(title[1]);
    return run;
  }

  /**
   * The deadline passed (the timer fired, or a later look found it overdue): the run leaves
   * the store once, and `onExpire` reports it.
   */
  expire(requestId: string): PendingRun | null {
    const run = this.runs.get(requestId);
    if (!run) return null;
    this.remove(requestId);
    this.onExpire?.(run);
    return run;
  }

  /** Runs past their deadline whose timer has not fired (a timer that lagged): expired now. */
  private sweep(): void {
    const now = this.clock.now().getTime();
    for (const [id, run] of [...this.runs]) if (now >= run.deadline) this.expire(id);
  }
}
