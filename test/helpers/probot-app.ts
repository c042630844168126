import { generateKeyPairSync } from 'node:crypto';
import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import { createApp } from '../../src/app/create-app.js';
import type { AppDeps } from '../../src/app/deps.js';
import { openapiExample } from './github-examples.js';

let privateKey: string | undefined;
/** A real RSA key, made once per test process: Probot signs its app JWT with it. */
export const testPrivateKey = (): string =>
  (privateKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());

export const INSTALLATION_ID = 2;

/**
 * Probot's Octokit for tests: retries off (unless asked for) and throttling off. A function,
 * not an object: Probot 14 layers its own throttle options over object defaults, so
 * `defaults({ throttle: { enabled: false } })` leaves throttling on and every write after the
 * first waits a second. A function sees Probot's options and overrides them.
 */
export function testOctokit(options: { retry?: boolean } = {}) {
  const retry = options.retry ? { enabled: true, doNotRetry: [], retryAfterBaseValue: 1 } : { enabled: false };
  return ProbotOctokit.defaults((instanceOptions: Record<string, unknown>) => ({
    ...instanceOptions,
    retry,
    throttle: { ...(instanceOptions.throttle as object), enabled: false },
  }));
}

/**
 * The approval read of the config trust boundary (src/config/approval.ts): the oldest report
 * issue, one per page (then the app's issues without the label, none here). Tests that are not about approvals have no report issue at that moment,
 * so nothing is approved yet and the file is used as it is (the bootstrap). Optional and
 * repeatable: a test that never reads a config makes no such request.
 */
export const mockNoApprovedConfig = (repo = 'Codertocat/Hello-World') =>
  nock('https://api.github.com')
    .persist()
    .get(`/repos/${repo}/issues`)
    .query((q) => q.state === 'all' && q.sort === 'created' && q.direction === 'asc' && (q.labels === 'study-report' ? q.per_page === '1' : q.labels === undefined && q.per_page === '100'))
    .optionally()
    .reply(200, []);

/**
 * The report trail (src/github/report-trail.ts), read when no report issue is listed: the
 * default branch's newest commits (GitHub's `commit-items` example) and, on each, no check
 * run of this app's (`app_id` is only the trail's filter). Optional and repeatable.
 */
export const mockNoReportTrail = (repo = 'Codertocat/Hello-World') => {
  const scope = nock('https://api.github.com').persist();
  scope.get(`/repos/${repo}/commits`).query({ per_page: '10' }).optionally().reply(200, openapiExample('commit-items'));
  scope
    .get(/\/repos\/[^/]+\/[^/]+\/commits\/[0-9a-f]{40}\/check-runs/)
    .query((q) => q.app_id !== undefined)
    .optionally()
    .reply(200, { ...openapiExample('check-run-paginated'), total_count: 0, check_runs: [] });
  return scope;
};

/**
 * Probot as the tests drive it: retries and throttling off (a test that wants retries
 * passes its own Octokit options), background work collected so a test can await it.
 */
export async function createTestProbot(deps: Partial<AppDeps> = {}, options: { retry?: boolean; approvals?: boolean } = {}) {
  const pending: Promise<void>[] = [];
  if (!options.approvals) mockNoApprovedConfig();
  mockNoReportTrail();
  const probot = new Probot({
    appId: 1,
    privateKey: testPrivateKey(),
    Octokit: testOctokit(options),
    logLevel: 'fatal',
  });
  await probot.load(
    createApp({
      background: (task) => {
        pending.push(task());
      },
      ...deps,
    }),
  );
  return {
    probot,
    /** waits for every background task started so far, including ones they start */
    async settle() {
      while (pending.length > 0) await Promise.all(pending.splice(0));
    },
  };
}

/** The installation token request every event starts with. */
export const mockInstallationToken = (scope = nock('https://api.github.com')) =>
  scope.post(`/app/installations/${INSTALLATION_ID}/access_tokens`).reply(201, {
    token: 'ghs_test',
    expires_at: '2099-01-01T00:00:00Z',
    permissions: { checks: 'write', contents: 'write', issues: 'write', metadata: 'read' },
  });
