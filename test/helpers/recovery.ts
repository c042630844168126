/**
 * The recovery pass as the tests run it: the settings of `recoverySettingsFromEnv` (by hand:
 * tests have no APP_ID), and GitHub's answers to a start-time pass that finds nothing in the
 * delivery log and one installation with the study repository.
 */
import nock from 'nock';
import { RECOVERED_EVENTS, type RecoverySettings } from '../../src/recovery/register.js';
import { openapiExample } from './github-examples.js';
import { INSTALLATION_ID, mockInstallationToken } from './probot-app.js';

export const TEST_RECOVERY_SETTINGS: RecoverySettings = {
  events: RECOVERED_EVENTS,
  lookBackMs: 24 * 3600_000,
  maxPages: 20,
  maxAttempts: 3,
  settleMs: 60_000,
  startDelayMs: 10_000,
  intervalMs: 5 * 60_000,
  followUpMs: 30_000,
};

const API = 'https://api.github.com';

/** An empty delivery log, one installation, the study repository; returns the installation's scope. */
export function mockRecoveryStart(repo = { owner: 'Codertocat', repo: 'Hello-World' }): nock.Scope {
  const jwt = nock(API, { reqheaders: { authorization: /^bearer /i } });
  jwt.get('/app/hook/deliveries').query({ per_page: '100' }).reply(200, []);
  jwt.get('/app/installations').query({ per_page: '100' }).reply(200, [{ ...openapiExample<any>('base-installation-items')[0], id: INSTALLATION_ID }]);
  const scope = mockInstallationToken(nock(API));
  const repos = openapiExample<any>('repository-paginated-2');
  const repository = { ...repos.repositories[0], name: repo.repo, full_name: `${repo.owner}/${repo.repo}`, owner: { ...repos.repositories[0].owner, login: repo.owner }, default_branch: 'main', archived: false };
  scope.get('/installation/repositories').query({ per_page: '100' }).reply(200, { total_count: 1, repositories: [repository] });
  return scope;
}
