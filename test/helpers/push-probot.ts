/**
 * The whole app under test for push checks: Probot with a generated key, retries and
 * throttling off (unless a test asks for retries), a fixed clock, and a `background` that
 * the test can await. Payloads start from the trimmed @octokit/webhooks-examples fixtures.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Probot } from 'probot';
import { mockNoReportTrail, testOctokit, testPrivateKey } from './probot-app.js';
import type { AppDeps } from '../../src/app/deps.js';
import { registerPushCheck } from '../../src/push-check/register.js';
import type { AttendanceDeps } from '../../src/attendance/attendance-options.js';
import { configApprovals } from '../../src/config/config-approvals.js';
import { OWNER, REPO } from './push-github.js';

const privateKey = testPrivateKey();

/** The moment the app starts in tests; pushes are made after it unless a test says otherwise. */
export const APP_STARTED = new Date('2025-09-04T11:00:00Z');
export const PUSHED_AT = new Date('2025-09-04T11:05:00Z');

export interface PushApp {
  probot: Probot;
  /** resolves when every background task started so far has finished; returns their errors */
  settle(): Promise<unknown[]>;
}

/**
 * `approvals`: the push check keeps the approved config in the report's ledger, as the app
 * does (signed with this key); without it the config file rules, as for the CLI.
 */
export async function buildPushApp(options: { retry?: boolean; startedAt?: Date; approvals?: { ledgerSecret: string } } = {}): Promise<PushApp> {
  const tasks: Promise<unknown>[] = [];
  const background: AppDeps['background'] = (task) => {
    tasks.push(task().then(() => undefined, (error: unknown) => error));
  };
  const Octokit = testOctokit({ retry: Boolean(options.retry) });
  const probot = new Probot({ appId: 1, privateKey, Octokit, logLevel: 'fatal' });
  // With approvals, a study with no report issue looks for the report's trail (report-trail.ts).
  if (options.approvals) mockNoReportTrail();
  const startedAt = options.startedAt ?? APP_STARTED;
  // Only this capability: the other capabilities' push listeners (attendance) make requests
  // of their own that these tests do not count or mock. `createApp` calls the same function.
  const deps: AttendanceDeps = {
    clock: { now: () => startedAt },
    background,
    ...(options.approvals ? { attendance: { ledgerSecrets: [options.approvals.ledgerSecret], retryDelaysMs: [0] } } : {}),
  };
  await probot.load((app) => {
    registerPushCheck(app, deps, [], 1, options.approvals ? (octokit, repo) => configApprovals(deps, octokit, repo) : undefined);
  });
  return {
    probot,
    settle: async () => {
      const errors: unknown[] = [];
      while (tasks.length > 0) {
        const batch = tasks.splice(0);
        for (const result of await Promise.all(batch)) if (result !== undefined) errors.push(result);
      }
      return errors;
    },
  };
}

const fixture = (name: string) =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/push/${name}`, import.meta.url)), 'utf8')) as Record<string, unknown>;

/** A commit sha for a test's label (`sha('before')`), stable and distinct. */
export const sha = (label: string): string => createHash('sha1').update(`commit:${label}`).digest('hex');

export interface CommitSpec {
  id?: string;
  added?: string[];
  removed?: string[];
  modified?: string[];
  author?: { name: string; email: string; username?: string };
}

export interface PushSpec {
  before: string;
  after: string;
  commits?: CommitSpec[];
  forced?: boolean;
  created?: boolean;
  deleted?: boolean;
  ref?: string;
  sender?: string;
  pushedAt?: Date;
  defaultBranch?: string;
}

/** A `push` payload: GitHub's example (Codertocat/Hello-World) with this push's facts. */
export function pushPayload(spec: PushSpec): Record<string, unknown> {
  const base = fixture('push.json') as Record<string, any>;
  const sender = spec.sender ?? 'hong-gildong';
  const template = base.commits[0];
  const commits = (spec.commits ?? []).map((c, i) => ({
    ...template,
    id: c.id ?? sha(`${spec.after}:${i}`),
    message: `commit ${i + 1}`,
    // Commits made on the study's VM carry its default identity, not a GitHub login.
    author: c.author ?? { name: 'Ubuntu', email: 'ubuntu@ip-172-31-0-12.ap-northeast-2.compute.internal' },
    committer: c.author ?? { name: 'Ubuntu', email: 'ubuntu@ip-172-31-0-12.ap-northeast-2.compute.internal' },
    added: c.added ?? [],
    removed: c.removed ?? [],
    modified: c.modified ?? [],
  }));
  const branch = spec.defaultBranch ?? 'main';
  return {
    ...base,
    ref: spec.ref ?? `refs/heads/${branch}`,
    before: spec.before,
    after: spec.after,
    created: spec.created ?? false,
    deleted: spec.deleted ?? false,
    forced: spec.forced ?? false,
    compare: `https://github.com/${OWNER}/${REPO}/compare/${spec.before.slice(0, 12)}...${spec.after.slice(0, 12)}`,
    commits,
    head_commit: commits.length > 0 ? { ...commits[commits.length - 1], id: spec.after } : spec.deleted ? null : base.head_commit,
    pusher: { name: sender, email: `${sender}@users.noreply.github.com` },
    sender: { ...base.sender, login: sender },
    repository: {
      ...base.repository,
      default_branch: branch,
      master_branch: branch,
      pushed_at: Math.floor((spec.pushedAt ?? PUSHED_AT).getTime() / 1000),
    },
  };
}

export function checkRunRerequestedPayload(spec: { after: string; externalId: string; name: string; appId?: number; sender?: string }): Record<string, unknown> {
  const base = fixture('check_run.rerequested.json') as Record<string, any>;
  const push = pushPayload({ before: sha('zero'), after: spec.after }) as Record<string, any>;
  return {
    ...base,
    check_run: {
      ...base.check_run,
      head_sha: spec.after,
      name: spec.name,
      external_id: spec.externalId,
      app: { ...base.check_run.app, id: spec.appId ?? 1 },
      check_suite: { ...base.check_run.check_suite, head_branch: 'main', head_sha: spec.after, after: spec.after },
    },
    // the same repository as the pushes
    repository: { ...push.repository, pushed_at: '2025-09-04T11:05:00Z' },
    sender: { ...base.sender, login: spec.sender ?? 'octocat' },
    installation: { id: 1, node_id: 'MDIzOkludGVncmF0aW9uMQ==' },
  };
}

export function checkSuiteRerequestedPayload(spec: { before: string; after: string; branch?: string; sender?: string }): Record<string, unknown> {
  const base = fixture('check_suite.rerequested.json') as Record<string, any>;
  const push = pushPayload({ before: spec.before, after: spec.after }) as Record<string, any>;
  return {
    ...base,
    check_suite: { ...base.check_suite, head_branch: spec.branch ?? 'main', head_sha: spec.after, before: spec.before, after: spec.after, app: { ...base.check_suite.app, id: 1 } },
    repository: { ...push.repository, pushed_at: '2025-09-04T11:05:00Z' },
    sender: { ...base.sender, login: spec.sender ?? 'octocat' },
    installation: { id: 1, node_id: 'MDIzOkludGVncmF0aW9uMQ==' },
  };
}
