import { ourAppId, type Octokit, type RepoRef } from './octokit.js';
import { ANNOTATION_MESSAGE_BYTES, ANNOTATION_TITLE_LIMIT, ANNOTATIONS_PER_REQUEST, CHECK_TEXT_LIMIT, fitBytes, fitText } from './text-limits.js';
import { createOnce, SEND_ONCE, type CreateOnceOptions } from './write-once.js';

/**
 * Check Runs: created completed in one request, annotations beyond the first 50 through
 * updates; created at most once per key (name, head sha, external id) even when GitHub
 * fails the create after storing it (see write-once.ts). Whoever creates check runs (push
 * checks, /verify, redelivery and reconciliation) goes through `createCheckRunOnce`.
 */

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
  /** what a re-run needs to redo this check (see push-check's external id); also the run's key against duplicates */
  externalId: string;
  /** earlier runs with the same key that this one replaces (a re-run): never mistaken for this one */
  supersedes?: readonly number[];
  conclusion: CheckConclusion;
  output: CheckOutput;
  annotations: CheckAnnotation[];
  /**
   * Where "Details" leads ("If the integrator does not provide this, then the homepage of the
   * GitHub app is used": app.yml's url, github.com even on GHES). On the repository's own host.
   */
  detailsUrl?: string;
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
  return [...line].length > ANNOTATION_TITLE_LIMIT ? [...line].slice(0, ANNOTATION_TITLE_LIMIT - 1).join('') + '…' : line;
};

const fitAnnotation = (a: CheckAnnotation): CheckAnnotation => ({
  ...a,
  message: fitBytes(a.message, ANNOTATION_MESSAGE_BYTES),
  ...(a.title !== undefined ? { title: fitTitle(a.title) } : {}),
});

const fitOutput = (output: CheckOutput): CheckOutput => ({
  title: fitTitle(output.title),
  summary: fitText(output.summary, CHECK_TEXT_LIMIT),
  ...(output.text ? { text: fitText(output.text, CHECK_TEXT_LIMIT) } : {}),
});

/** What identifies one check run of ours: a second create with the same key would be a duplicate. */
export interface CheckRunKey {
  name: string;
  headSha: string;
  /** unique per logical check (a push: `push:<before>:<login>`; a /verify request: its id) */
  externalId: string;
}

/** The body of `POST /check-runs` beyond the key (status, conclusion, output, details_url…). */
export type CheckRunFields = Record<string, unknown>;

/**
 * Our app's check run with this key, or null. One request (`check_name` narrows the list to
 * one page in practice); runs of other apps (a workflow token can create a run with our name
 * and external id) never count.
 */
export async function findCheckRun(
  octokit: Octokit,
  ref: RepoRef,
  key: CheckRunKey,
  /** runs that do not count (the earlier runs a re-run replaces: they carry the same key) */
  supersedes: readonly number[] = [],
): Promise<ExistingCheckRun | null> {
  const appId = await ourAppId(octokit);
  const params = { ...ref, ref: key.headSha, check_name: key.name, filter: 'all' as const, per_page: 100 };
  for await (const page of octokit.paginate.iterator(octokit.rest.checks.listForRef, params)) {
    for (const run of page.data) {
      if (run.name !== key.name || run.external_id !== key.externalId || supersedes.includes(run.id)) continue;
      if (appId !== null && run.app?.id !== appId) continue;
      return { id: run.id, name: run.name, externalId: run.external_id ?? null, status: run.status, appId: run.app?.id ?? null };
    }
  }
  return null;
}

/**
 * Creates the check run unless a retry would duplicate it: the create is sent once, and after
 * a 5xx or a lost answer the run is looked up by its key before another attempt. `reused`
 * says the run was found, not made by the last request: its fields are what the first attempt
 * sent (the same fields, since a retry sends the same body).
 */
export async function createCheckRunOnce(
  octokit: Octokit,
  ref: RepoRef,
  key: CheckRunKey,
  fields: CheckRunFields,
  options: CreateOnceOptions & { supersedes?: readonly number[] } = {},
): Promise<{ id: number; reused: boolean }> {
  return createOnce<{ id: number; reused: boolean }>(
    async () => {
      const { data } = await octokit.rest.checks.create({
        ...ref,
        ...fields,
        name: key.name,
        head_sha: key.headSha,
        external_id: key.externalId,
        ...SEND_ONCE,
      } as Parameters<Octokit['rest']['checks']['create']>[0]);
      return { id: data.id, reused: false };
    },
    async () => {
      const found = await findCheckRun(octokit, ref, key, options.supersedes);
      return found ? { id: found.id, reused: true } : null;
    },
    options,
  );
}

/**
 * Creates the check run already completed with the first 50 annotations, then appends the
 * rest 50 at a time (GitHub appends annotations on update). Returns the run's id. A push
 * with up to 50 annotations costs exactly one request.
 */
export async function publishCheckRun(octokit: Octokit, ref: RepoRef, draft: CheckRunDraft): Promise<number> {
  const output = fitOutput(draft.output);
  const batches: CheckAnnotation[][] = [];
  const annotations = draft.annotations.map(fitAnnotation);
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    batches.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  }
  const { id } = await createCheckRunOnce(
    octokit,
    ref,
    { name: draft.name, headSha: draft.headSha, externalId: draft.externalId },
    {
      status: 'completed',
      conclusion: draft.conclusion,
      output: { ...output, ...(batches[0] ? { annotations: batches[0] } : {}) },
      ...(draft.detailsUrl ? { details_url: draft.detailsUrl } : {}),
    },
    { supersedes: draft.supersedes ?? [] },
  );
  try {
    let count = batches[0]?.length ?? 0;
    for (const batch of batches.slice(1)) {
      count += batch.length;
      await appendAnnotations(octokit, ref, id, { title: output.title, summary: output.summary }, batch, count);
    }
  } catch (error) {
    throw new PartialCheckRunError(id, error);
  }
  return id;
}

/**
 * One update that appends `annotations` (GitHub appends annotations on every update, so a
 * retried update adds them twice). Sent once; after an unknown outcome the run's
 * `annotations_count` says whether it landed (`expectedCount`: the run's total once it has).
 * `output` needs title and summary on every update (text, when left out, is kept as it was);
 * `fields` may complete the run at the same time (status, conclusion).
 */
export async function appendAnnotations(
  octokit: Octokit,
  ref: RepoRef,
  checkRunId: number,
  output: { title: string; summary: string; text?: string },
  annotations: readonly CheckAnnotation[],
  expectedCount: number,
  fields: CheckRunFields = {},
): Promise<void> {
  await createOnce<true>(
    async () => {
      await octokit.rest.checks.update({
        ...ref,
        ...fields,
        check_run_id: checkRunId,
        output: { ...output, annotations: annotations.map(fitAnnotation) },
        ...SEND_ONCE,
      } as Parameters<Octokit['rest']['checks']['update']>[0]);
      return true;
    },
    async () => {
      const { data } = await octokit.rest.checks.get({ ...ref, check_run_id: checkRunId });
      const landed = data.output.annotations_count >= expectedCount && (fields.status === undefined || data.status === fields.status);
      return landed ? true : null;
    },
  );
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

/**
 * Our app's check runs on `sha` with one of `names`, newest first (paginated; one page in
 * practice). A workflow's token can create runs with our names: those never count.
 */
export async function findCheckRuns(octokit: Octokit, ref: RepoRef, sha: string, names: readonly string[]): Promise<ExistingCheckRun[]> {
  const appId = await ourAppId(octokit);
  const found: ExistingCheckRun[] = [];
  for await (const page of octokit.paginate.iterator(octokit.rest.checks.listForRef, { ...ref, ref: sha, filter: 'all', per_page: 100 })) {
    for (const run of page.data) {
      if (!names.includes(run.name)) continue;
      if (appId !== null && run.app?.id !== appId) continue;
      found.push({ id: run.id, name: run.name, externalId: run.external_id ?? null, status: run.status, appId: run.app?.id ?? null });
    }
  }
  return found;
}
