/**
 * Retries wait as long as GitHub asks (issue 17 item 12): `retry-after` when GitHub sends it,
 * the reset time when the primary limit is spent, and at least a minute for a secondary
 * limit ("Rate limits for the REST API", docs.github.com). The errors are Octokit's own, from
 * answers shaped like GitHub's (`basic-error` with GitHub's rate-limit headers).
 */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppDeps, Timer } from '../../src/app/deps.js';
import { reportService } from '../../src/attendance/report-service.js';
import { rateLimitWaitMs } from '../../src/github/rate-limit-wait.js';
import { testOctokit } from '../helpers/probot-app.js';

const API = 'https://api.github.com';
const NOW = Date.parse('2025-09-04T12:00:00Z');
const SECONDARY = {
  message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 1234:5678.',
  documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
};
const octokit = () => new (testOctokit())({ auth: 'ghs_test' });

afterEach(() => {
  nock.cleanAll();
});

async function errorFor(status: number, body: object, headers: Record<string, string>): Promise<unknown> {
  nock(API).get('/repos/Codertocat/Hello-World').reply(status, body, headers);
  return octokit().request('GET /repos/{owner}/{repo}', { owner: 'Codertocat', repo: 'Hello-World' }).then(
    () => null,
    (error: unknown) => error,
  );
}

describe('how long GitHub asks to wait', () => {
  it.each([
    ['a secondary limit with retry-after: that many seconds', 403, SECONDARY, { 'retry-after': '90' }, 90_000],
    ['a secondary limit without retry-after: at least a minute', 403, SECONDARY, {}, 60_000],
    ['the primary limit spent: until x-ratelimit-reset', 403, { message: 'API rate limit exceeded for installation ID 1.' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 1_200) }, 1_200_000],
    ['429 with retry-after', 429, { message: 'Too Many Requests' }, { 'retry-after': '30' }, 30_000],
    ['a plain 403 (no right): not a limit', 403, { message: 'Resource not accessible by integration' }, { 'x-ratelimit-remaining': '4999' }, null],
    ['a 502: not a limit', 502, { message: 'Server Error' }, {}, null],
  ])('%s', async (_, status, body, headers, expected) => {
    expect(rateLimitWaitMs(await errorFor(status, body, headers), NOW)).toBe(expected);
  });
});

describe('the report refresh retried after a rate limit', () => {
  it('waits what GitHub asks (90 s, then a minute), not its own 3 s and 15 s', async () => {
    const waits: number[] = [];
    const timer: Timer = {
      schedule(delayMs, task) {
        waits.push(delayMs);
        setImmediate(task);
        return () => undefined;
      },
    };
    const deps = { clock: { now: () => new Date(NOW) }, background: () => undefined, timer, attendance: { ledgerSecrets: ['s'], retryDelaysMs: [3_000, 15_000] } } as unknown as AppDeps;
    let answered = 0;
    nock(API)
      .persist()
      .get(/.*/)
      .reply(() => {
        answered++;
        return answered === 1 ? [403, SECONDARY, { 'retry-after': '90' }] : [403, SECONDARY];
      });
    await expect(reportService(deps).refreshDurably(octokit(), { owner: 'Codertocat', repo: 'Hello-World' }, [])).rejects.toMatchObject({ status: 403 });
    expect(waits).toEqual([90_000, 60_000]);
  });
});
