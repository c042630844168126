import type { Clock } from '../app/deps.js';
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
  dispatchedAt: number;
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
 * restart) is not ours and is ignored. In memory: a restart forgets pending runs.
 */
export class PendingRuns {
  private readonly runs = new Map<string, PendingRun>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = 2 * 60 * 60 * 1000,
  ) {}

  add(run: PendingRun): void {
    this.sweep();
    this.runs.set(run.job.requestId, run);
  }

  /** The dispatch went through: now runs of `runner` (and with `runId`, only that run) match. */
  dispatched(requestId: string, runner: RepoRef, runId: number | null): void {
    const run = this.runs.get(requestId);
    if (run) Object.assign(run, { runner, runId });
  }

  remove(requestId: string): void {
    this.runs.delete(requestId);
  }

  get size(): number {
    return this.runs.size;
  }

  /** The pending run `completed` belongs to, taken out of the store; null when it is not ours. */
  claim(completed: CompletedRun): PendingRun | null {
    this.sweep();
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
    this.runs.delete(title[1]);
    return run;
  }

  private sweep(): void {
    const now = this.clock.now().getTime();
    for (const [id, run] of this.runs) if (now - run.dispatchedAt > this.ttlMs) this.runs.delete(id);
  }
}
