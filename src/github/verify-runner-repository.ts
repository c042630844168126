import type { Probot } from 'probot';
import { GitHubError, type Octokit, type RepoRef } from './octokit.js';
import { createOnce, SEND_ONCE } from './write-once.js';

/** Waits before looking for a run whose dispatch failed with an unknown outcome. */
export const DISPATCH_RETRY_DELAYS_MS: readonly number[] = [3000, 10_000];

/**
 * The separate runner repository of the actions driver: its workflow runs on self-hosted
 * `ebpf` runners as root, so it lives apart from the study repository that every member can
 * push to. The app is installed there too; its installation can differ from the study's.
 */
export interface RunnerRepository {
  readonly repo: RepoRef;
  /** starts the workflow; the run id when GitHub returns it (return_run_details, GitHub.com only) */
  dispatch(workflow: string, ref: string, inputs: Record<string, string>): Promise<{ runId: number | null; htmlUrl: string | null }>;
  /**
   * The zip of the run's artifact `name`. `maxBytes` bounds the download: the size GitHub
   * lists is checked before anything is fetched, the received bytes after.
   */
  downloadArtifact(runId: number, name: string, maxBytes: number): Promise<ArtifactDownload>;
  /** Cancels a run that is still queued or running (a runner that comes back must not run a stale request). */
  cancelRun(runId: number): Promise<void>;
}

export type ArtifactDownload =
  | { kind: 'zip'; bytes: Uint8Array }
  | { kind: 'missing' }
  | { kind: 'expired' }
  | { kind: 'too-large'; size: number };

export const parseRepoRef = (fullName: string): RepoRef => {
  const [owner, repo] = fullName.split('/');
  return { owner, repo };
};

/** An Octokit for the installation that covers `repo` (the app's JWT finds it). */
export async function octokitForRepository(app: Probot, repo: RepoRef): Promise<Octokit> {
  const appOctokit = await app.auth();
  try {
    const { data } = await appOctokit.rest.apps.getRepoInstallation({ owner: repo.owner, repo: repo.repo });
    return await app.auth(data.id);
  } catch (error) {
    throw new GitHubError('study-bot is not installed on the runner repository', repo, { cause: error });
  }
}

/**
 * Whether this GitHub takes `return_run_details` on a workflow dispatch: GitHub.com (and its
 * data-residency hosts, `*.ghe.com`) do; GitHub Enterprise Server 3.17-3.19 describe only `ref`
 * and `inputs` and refuse any other key with a 422 ("not a permitted key"). There the run is
 * found by its name afterwards, as after a lost answer.
 */
export function acceptsRunDetails(octokit: Octokit): boolean {
  const baseUrl = (octokit.request.endpoint.DEFAULTS as { baseUrl?: string }).baseUrl ?? 'https://api.github.com';
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'api.github.com' || host.endsWith('.ghe.com');
}

export function runnerRepository(octokit: Octokit, repo: RepoRef, options: { dispatchRetryDelaysMs?: readonly number[] } = {}): RunnerRepository {
  return {
    repo,
    async dispatch(workflow, ref, inputs) {
      // A dispatch that is retried runs the member's one-liners twice. It is sent once; after
      // a 5xx or a lost answer the run is looked for by its name (the workflow's
      // `run-name: verify <request_id>`) before dispatching again.
      const startedAt = Date.now();
      const runName = inputs.request_id ? `verify ${inputs.request_id}` : null;
      return createOnce<{ runId: number | null; htmlUrl: string | null }>(
        async () => {
          const response = await octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
            ...repo,
            workflow_id: workflow,
            ref,
            inputs,
            ...(acceptsRunDetails(octokit) ? { return_run_details: true } : {}),
            ...SEND_ONCE,
          } as never);
          const data = (response as { data?: { workflow_run_id?: number; html_url?: string } }).data;
          return { runId: typeof data?.workflow_run_id === 'number' ? data.workflow_run_id : null, htmlUrl: data?.html_url ?? null };
        },
        async () => {
          if (!runName) return null;
          const { data } = await octokit.rest.actions.listWorkflowRuns({
            ...repo,
            workflow_id: workflow,
            event: 'workflow_dispatch',
            // GitHub's clock may differ from ours: a few minutes of slack
            created: `>=${new Date(startedAt - 5 * 60_000).toISOString()}`,
            per_page: 100,
          });
          const run = data.workflow_runs.find((r) => r.display_title === runName);
          return run ? { runId: run.id, htmlUrl: run.html_url } : null;
        },
        // A dispatched run takes a moment to be listed.
        { delaysMs: runName ? (options.dispatchRetryDelaysMs ?? DISPATCH_RETRY_DELAYS_MS) : [] },
      );
    },
    async cancelRun(runId) {
      try {
        await octokit.rest.actions.cancelWorkflowRun({ ...repo, run_id: runId });
      } catch (error) {
        // 409: the run already finished; nothing left to cancel.
        if ((error as { status?: number }).status === 409) return;
        throw new GitHubError(`cannot cancel workflow run ${runId}`, repo, { cause: error });
      }
    },
    async downloadArtifact(runId, name, maxBytes) {
      const { data } = await octokit.rest.actions.listWorkflowRunArtifacts({ ...repo, run_id: runId, name, per_page: 10 });
      const artifact = data.artifacts.find((a) => a.name === name);
      if (!artifact) return { kind: 'missing' };
      if (artifact.expired) return { kind: 'expired' };
      if (artifact.size_in_bytes > maxBytes) return { kind: 'too-large', size: artifact.size_in_bytes };
      // GitHub answers with a redirect to short-lived blob storage; Octokit's fetch follows it.
      // The body is taken raw: @octokit/request decodes a response as text when it has no
      // content type, a text/* one or `charset=utf-8` (blob storage and proxies send all of
      // these), which turns a zip into a string and then into an empty or broken "zip".
      const download = await octokit.rest.actions.downloadArtifact({
        ...repo,
        artifact_id: artifact.id,
        archive_format: 'zip',
        request: { parseSuccessResponseBody: false },
      });
      const body = await readBody(download.data, maxBytes);
      if (body.kind === 'too-large') return body;
      return { kind: 'zip', bytes: body.bytes };
    },
  };
}

/**
 * The bytes of a response body, whatever form it arrived in: the raw stream (what
 * `parseSuccessResponseBody: false` gives), an ArrayBuffer or a view, or a string (a body
 * already decoded as text by some layer: taken back as latin1 when every code unit fits a
 * byte, else as UTF-8; a binary body decoded as UTF-8 is lost, which is why the download asks
 * for the raw stream). A stream is read only up to `maxBytes` and then cancelled, so a
 * lying size in the listing cannot make the bot hold more.
 */
const isLatin1 = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
};

export async function readBody(data: unknown, maxBytes: number): Promise<{ kind: 'bytes'; bytes: Uint8Array } | { kind: 'too-large'; size: number }> {
  const capped = (bytes: Uint8Array) => (bytes.byteLength > maxBytes ? { kind: 'too-large' as const, size: bytes.byteLength } : { kind: 'bytes' as const, bytes });
  if (data === null || data === undefined) return { kind: 'bytes', bytes: new Uint8Array(0) };
  if (typeof data === 'string') return capped(new Uint8Array(Buffer.from(data, isLatin1(data) ? 'latin1' : 'utf8')));
  if (data instanceof ArrayBuffer) return capped(new Uint8Array(data));
  if (ArrayBuffer.isView(data)) return capped(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (typeof (data as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (data as ReadableStream<Uint8Array>).getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return { kind: 'too-large', size };
      }
      chunks.push(value);
    }
    return { kind: 'bytes', bytes: new Uint8Array(Buffer.concat(chunks)) };
  }
  throw new TypeError(`unexpected response body (${Object.prototype.toString.call(data)})`);
}
