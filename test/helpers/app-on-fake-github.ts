/**
 * The whole app (createApp) against the fake GitHub server over real HTTP, driven by pushes,
 * read from the report comment it writes: the set-up of the attack tests on the report and the
 * config approval (config-adopted-*, report-issue-*, note-lookalike-*). The clock is the last
 * push's time; background work is awaited after each push, its errors kept (never thrown), so
 * that a test can assert on them. `restart()` loads a new app on the same server (a deploy):
 * nothing the app kept in memory survives, what it wrote on GitHub does.
 */
import nock from 'nock';
import { Probot } from 'probot';
import { afterEach, beforeEach } from 'vitest';
import type { AttendanceDeps } from '../../src/attendance/attendance-options.js';
import { decodeLedger } from '../../src/attendance/ledger.js';
import { ledgerSeal } from '../../src/attendance/ledger-seal.js';
import { createApp } from '../../src/app/create-app.js';
import { CONFIG_PATH } from '../../src/config/schema.js';
import { FakeGitHubServer } from './fake-github-server.js';
import { ourAppNamed, webhookExample } from './github-examples.js';
import { testOctokit, testPrivateKey } from './probot-app.js';
import { FakeCommit, OWNER, REPO } from './push-github.js';
import { pushPayload, sha } from './push-probot.js';

export const LEDGER_SECRET = 'attack-secret';

const running: FakeGitHubServer[] = [];

/** In a test file's top level: the fake server may be reached (nock lets 127.0.0.1 through), and is stopped after each test. */
export function useAppOnFakeGitHub(): void {
  beforeEach(() => nock.enableNetConnect('127.0.0.1'));
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.stop()));
    nock.disableNetConnect();
  });
}

export interface AppOnFakeGitHub {
  server: FakeGitHubServer;
  /** what background work threw, in order */
  errors: unknown[];
  /** the first commit: the config and a README */
  base: FakeCommit;
  /** a new app on the same server (a deploy restarts the bot) */
  restart(): Promise<void>;
  /** awaits the background work (and what it starts) */
  settle(): Promise<void>;
  /** `files` set on top of `before` as commit `label`, pushed by `sender` at `at`; returns the new head */
  push(label: string, before: FakeCommit, sender: string, at: string, files: { path: string; content: string }[], change?: 'added' | 'modified'): Promise<FakeCommit>;
  /** one webhook delivered to the app (then the background work awaited) */
  receive(id: string, name: string, payload: unknown): Promise<void>;
  /** the bodies of the report comments (the ones holding the ledger), in the server's order */
  reports(): string[];
  /** the config the last report comment's signed ledger approves, or undefined */
  approvedConfig(): string | undefined;
}

export async function appOnFakeGitHub(options: { config: string; base: string; at?: string }): Promise<AppOnFakeGitHub> {
  const server = new FakeGitHubServer(OWNER, REPO);
  await server.start();
  running.push(server);
  const tasks: Promise<unknown>[] = [];
  const errors: unknown[] = [];
  let now = new Date(options.at ?? '2025-09-04T11:05:00Z');
  const start = async () => {
    const deps: AttendanceDeps = {
      clock: { now: () => now },
      background: (task) => void tasks.push(task().catch((error: unknown) => errors.push(error))),
      attendance: { ledgerSecrets: [LEDGER_SECRET], retryDelaysMs: [0, 0] },
    };
    const app = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: testOctokit(), baseUrl: server.baseUrl, logLevel: 'fatal' });
    await app.load(createApp(deps));
    return app;
  };
  let probot = await start();
  const settle = async () => {
    while (tasks.length > 0) await Promise.all(tasks.splice(0));
  };
  const base = new FakeCommit(sha(options.base), [
    { path: CONFIG_PATH, content: options.config },
    { path: 'README.md', content: '# eBPF 스터디\n' },
  ]);
  server.add(base);
  const receive = async (id: string, name: string, payload: unknown) => {
    await probot.receive({ id, name, payload } as never);
    await settle();
  };
  const reports = () => server.comments.filter((c) => String(c.body).includes('study-bot:ledger')).map((c) => String(c.body));
  const seal = ledgerSeal([LEDGER_SECRET], { owner: OWNER, repo: REPO });
  return {
    server,
    errors,
    base,
    async restart() {
      probot = await start();
    },
    settle,
    async push(label, before, sender, at, files, change = 'added') {
      now = new Date(at);
      const after = before.with(sha(label), { set: files });
      server.add(after);
      const paths = files.map((f) => f.path);
      await receive(label, 'push', pushPayload({ before: before.sha, after: after.sha, sender, pushedAt: now, commits: [{ [change]: paths }] }));
      return after;
    },
    receive,
    reports,
    approvedConfig() {
      const decoded = decodeLedger(reports().at(-1) ?? '', seal);
      return decoded.ok ? decoded.ledger.config?.text : undefined;
    },
  };
}

/** The report's cell for `name`'s week `week` (the row `| name<br>…`), or '' when there is no such row. */
export const weekCell = (report: string, name: string, week = 1): string => (report.split('\n').find((l) => l.startsWith(`| ${name}<br>`)) ?? '').split(' | ')[week] ?? '';

/** GitHub's `issue_comment.deleted` (its example) for the app's comment `comment`, deleted by `sender`. */
export function commentDeletedPayload(comment: Record<string, any>, sender: string) {
  const payload = webhookExample('issue_comment', 'deleted');
  payload.issue.number = comment.issue_number;
  payload.comment = { ...payload.comment, id: comment.id, body: comment.body, user: { ...payload.comment.user, login: 'study-bot[bot]', type: 'Bot' }, performed_via_github_app: ourAppNamed() };
  payload.sender = { ...payload.sender, login: sender, type: 'User' };
  payload.repository = { ...payload.repository, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { ...payload.repository.owner, login: OWNER } };
  return payload;
}
