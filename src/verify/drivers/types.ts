import type { VerifyCommentRef } from '../../github/verify-study-repository.js';
import type { RepoRef } from '../../github/octokit.js';
import type { Bilingual } from '../../i18n/pick.js';
import type { OneLiner } from '../../oneliners/types.js';
import type { VerifyReport } from '../../runner/report-schema.js';
import type { CollectedProject } from '../../project/collect-sources.js';
import type { ProjectReport } from '../../project/project-report.js';
import type { GateTicket } from '../access.js';
import type { VerifyOutcome, VerifyView } from '../render-verify.js';

/**
 * The verifier a local driver runs: `verifyOneLiners` from src/runner in production, the
 * real one in the eBPF integration test, and a labelled fake in the GitHub-side tests.
 */
export type Verifier = (oneLiners: OneLiner[], request?: VerifierRequest) => Promise<VerifyReport>;

/** What a verifier may need besides the one-liners: the kernels asked for, the file. */
export interface VerifierRequest {
  /** VM kernel names (`6.1`); empty: the runner's first kernel. */
  kernels: string[];
  file: string;
  /** Epoch ms: the request's deadline (`VerifyJob.deadline`); no VM waits or runs past it. */
  deadline?: number;
  /** Who asked (the gate's key): the VM slots take members in turn. */
  owner?: string;
}

/**
 * `/verify project`'s verifier: the project collected on the host (collect-sources.ts) checked in
 * the throwaway VM (verify-project.ts in production), never on the host.
 */
export type ProjectVerifier = (root: string, collected: CollectedProject, request: VerifierRequest) => Promise<ProjectReport>;

/**
 * The project a `/verify project` job checks: its folder, and what of it the host collected.
 * `collected` lives in memory only (the record keeps the folder): a restart loses the run
 * anyway, and the sources are not worth keeping in a comment.
 */
export interface ProjectJob {
  root: string;
  collected?: CollectedProject;
  /** Files of the folder that were listed, downloaded (files, bytes): said in the reply. */
  read?: { listed: number; files: number; bytes: number };
}

/** One accepted `/verify`: everything needed to run it and to report it, by either driver. */
export interface VerifyJob {
  requestId: string;
  repo: RepoRef;
  path: string;
  sha: string;
  oneLiners: OneLiner[];
  /** the ⏳ comment that becomes the result */
  comment: VerifyCommentRef;
  checkRunId: number;
  view: VerifyView;
  failureConclusion: 'failure' | 'neutral';
  kernelLabel: string | null;
  /** VM kernel names asked for (`6.1`), in order; empty: the runner's default. */
  kernels: string[];
  ticket: GateTicket;
  /** epoch ms (verify.timeoutMinutes after the request): no result by then → "the runner did not answer" */
  deadline: number;
  /** said above the result table (e.g. one-liners left out of the request) */
  notes?: Bilingual[];
  /** `/verify project`: `path` is the folder, `oneLiners` its `.bt` scripts */
  project?: ProjectJob;
}

/** Writes an outcome to GitHub (comment + Check Run) and frees the member's slot. */
export type Publish = (job: VerifyJob, outcome: VerifyOutcome) => Promise<void>;

/** Where an actions run was dispatched: what a restarted bot needs to match its completion. */
export interface DispatchedRun {
  runner: RepoRef;
  workflow: string;
  runId: number | null;
  runUrl: string | null;
  dispatchedAt: number;
}

/**
 * Writes the job into the ⏳ comment's signed record (verify-record.ts), so a restarted bot
 * can finish the request; best effort: a failure costs only that.
 */
export type Remember = (job: VerifyJob, run?: DispatchedRun) => Promise<void>;

export interface DriverIO {
  publish: Publish;
  remember: Remember;
}

/** What a run needs before its Check Run and its record exist. */
export type JobWork = Pick<VerifyJob, 'oneLiners' | 'kernels' | 'path' | 'deadline' | 'ticket' | 'project'>;

/**
 * A run begun as soon as the note was read (a local driver's), while the Check Run and the
 * ⏳ record are still being written: GitHub's writes are paced a second apart (Octokit's
 * throttling), and the VM need not wait for them. Handed to `start` with its job.
 */
export interface EarlyRun {
  /** Its job will never be started (writing to GitHub failed): its queue place frees when it ends. */
  abandon(): void;
}

export interface VerifyDriver {
  readonly kind: 'local' | 'actions';
  /** Begins the run before its job is complete (local driver only): see EarlyRun. */
  begin?(work: JobWork): EarlyRun;
  /**
   * Runs the job or hands it over (`early`: what `begin` started for it). The local driver
   * publishes before it returns; the actions driver returns once the workflow is dispatched,
   * and the workflow_run handler publishes.
   */
  start(job: VerifyJob, io: DriverIO, early?: EarlyRun): Promise<void>;
}
