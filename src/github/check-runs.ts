import type { Octokit, RepoRef } from './octokit.js';
import { ANNOTATIONS_PER_REQUEST, fitBytes, GITHUB_TEXT_LIMIT } from './text-limits.js';

/** Check Runs: created completed in one request, annotations beyond the first 50 through updates. */

export type AnnotationLevel = 'notice' | 'warning' | 'failure';
export type CheckConclusion = 'success' | 'neutral' | 'failure';

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: AnnotationLevel;
  message: string;
  title?: string;
}

export interface CheckOutput {
  title: string;
  summary: string;
  text?: string;
}

export interface CheckRunDraft {
  name: string;
  headSha: string;
  /** what a re-run needs to redo this check (see push-check's external id) */
  externalId?: string;
  conclusion: CheckConclusion;
  output: CheckOutput;
  annotations: CheckAnnotation[];
}

export interface ExistingCheckRun {
  id: number;
  name: string;
  externalId: string | null;
  status: string;
  appId: number | null;
}

// The title is one line; GitHub stores at most 255 characters of it.
const fitTitle = (title: string): string => {
  const line = title.split('\n')[0];
  return [...line].length > 255 ? [...line].slice(0, 254).join('') + '…' : line;
};

const fitOutput = (output: CheckOutput): CheckOutput => ({
  title: fitTitle(output.title),
  summary: fitBytes(output.summary, GITHUB_TEXT_LIMIT),
  ...(output.text ? { text: fitBytes(output.text, GITHUB_TEXT_LIMIT) } : {}),
});

/**
 * Creates the check run already completed with the first 50 annotations, then appends the
 * rest 50 at a time (GitHub appends annotations on update). Returns the run's id. A push
 * with up to 50 annotations costs exactly one request.
 */
export async function publishCheckRun(octokit: Octokit, ref: RepoRef, draft: CheckRunDraft): Promise<number> {
  const output = fitOutput(draft.output);
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < draft.annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    batches.push(draft.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  }
  const { data } = await octokit.rest.checks.create({
    ...ref,
    name: draft.name,
    head_sha: draft.headSha,
    ...(draft.externalId ? { external_id: draft.externalId } : {}),
    status: 'completed',
    conclusion: draft.conclusion,
    output: { ...output, ...(batches[0] ? { annotations: batches[0] } : {}) },
  });
  try {
    for (const batch of batches.slice(1)) {
      // title and summary are required on every output update; text is kept as it was.
      await octokit.rest.checks.update({
        ...ref,
        check_run_id: data.id,
        output: { title: output.title, summary: output.summary, annotations: batch },
      });
    }
  } catch (error) {
    throw new PartialCheckRunError(data.id, error);
  }
  return data.id;
}

/** The run exists but adding its annotations failed: whoever reports the failure updates this run. */
export class PartialCheckRunError extends Error {
  constructor(
    readonly checkRunId: number,
    cause: unknown,
  ) {
    super(`check run ${checkRunId} was created but its annotations could not be added: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'PartialCheckRunError';
  }
}

/** Rewrites a run's verdict (the bot failed after creating it). */
export async function completeCheckRun(
  octokit: Octokit,
  ref: RepoRef,
  checkRunId: number,
  conclusion: CheckConclusion,
  output: CheckOutput,
): Promise<void> {
  await octokit.rest.checks.update({ ...ref, check_run_id: checkRunId, status: 'completed', conclusion, output: fitOutput(output) });
}

/** Check runs on `sha` with one of `names`, newest first (paginated; one page in practice). */
export async function findCheckRuns(octokit: Octokit, ref: RepoRef, sha: string, names: readonly string[]): Promise<ExistingCheckRun[]> {
  const found: ExistingCheckRun[] = [];
  for await (const page of octokit.paginate.iterator(octokit.rest.checks.listForRef, { ...ref, ref: sha, filter: 'all', per_page: 100 })) {
    for (const run of page.data) {
      if (!names.includes(run.name)) continue;
      found.push({ id: run.id, name: run.name, externalId: run.external_id ?? null, status: run.status, appId: run.app?.id ?? null });
    }
  }
  return found;
}
