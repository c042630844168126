import { createRequire } from 'node:module';
import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { afterEach, describe, expect, it } from 'vitest';
import { runnerRepository } from '../../src/github/verify-runner-repository.js';
import { openapiExample } from '../helpers/github-examples.js';

const require = createRequire(import.meta.url);
const DISPATCH = '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches';
const runner = { owner: 'study-org', repo: 'ebpf-runner' };

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

/** The dispatch's body keys as GitHub's own description of that server lists them. */
function permittedKeys(description: string): string[] {
  const api = require(`@octokit/openapi/generated/${description}.json`);
  return Object.keys(api.paths[DISPATCH].post.requestBody.content['application/json'].schema.properties);
}

// A server refuses keys its description does not list, as GHES does: 422 "not a permitted key".
const servers = [
  { description: 'api.github.com', origin: 'https://api.github.com', prefix: '' },
  { description: 'ghes-3.17', origin: 'https://ghe.example.ac.kr', prefix: '/api/v3' },
  { description: 'ghes-3.18', origin: 'https://ghe.example.ac.kr', prefix: '/api/v3' },
  { description: 'ghes-3.19', origin: 'https://ghe.example.ac.kr', prefix: '/api/v3' },
];

describe('workflow dispatch against each GitHub description', () => {
  it.each(servers)('$description: sends only the keys it accepts, and gets the run id where it can', async ({ description, origin, prefix }) => {
    const permitted = permittedKeys(description);
    const octokit = new ProbotOctokit({ auth: { token: 'ghs_test' }, baseUrl: `${origin}${prefix}`, retry: { enabled: false }, throttle: { enabled: false } } as any);
    let sentBody: Record<string, unknown> = {};
    nock(origin)
      .post(`${prefix}/repos/${runner.owner}/${runner.repo}/actions/workflows/verify.yml/dispatches`)
      .reply((_uri, body) => {
        sentBody = body as Record<string, unknown>;
        const extra = Object.keys(sentBody).filter((key) => !permitted.includes(key));
        if (extra.length > 0) return [422, { message: `Invalid request.\n\n"${extra[0]}" is not a permitted key.`, documentation_url: 'https://docs.github.com/enterprise-server@3.17/rest/actions/workflows#create-a-workflow-dispatch-event' }];
        return sentBody.return_run_details ? [200, openapiExample('workflow-dispatch-response')] : [204, ''];
      });
    const dispatched = await runnerRepository(octokit, runner, { dispatchRetryDelaysMs: [] }).dispatch('verify.yml', 'main', { request_id: 'ic1', kernel: '', request: '{}' });
    expect(Object.keys(sentBody).every((key) => permitted.includes(key))).toBe(true);
    if (permitted.includes('return_run_details')) {
      expect(sentBody.return_run_details).toBe(true);
      expect(dispatched.runId).toBe(openapiExample('workflow-dispatch-response').workflow_run_id);
    } else {
      expect(dispatched).toEqual({ runId: null, htmlUrl: null });
    }
  });
});
