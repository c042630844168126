import nock from 'nock';
import { expect, it } from 'vitest';
import { findOrCreateReportIssue } from '../../src/github/report-issue.js';
import { openapiExample } from '../helpers/github-examples.js';
import { testOctokit } from '../helpers/probot-app.js';
import { API, REPO } from '../helpers/attendance-github.js';

const ref = { owner: 'Codertocat', repo: 'Hello-World' };
const octokit = () => new (testOctokit())({ auth: { token: 'ghs_test' } } as any);

/** GitHub's issues of one repository, shared by every request (two processes see the same). */
function issuesOnGitHub() {
  // two processes: each lists, creates, lists again
  const { pull_request: _pr, ...example } = openapiExample('issue');
  const issues: { number: number; state: string; state_reason?: string | null; comments: string[] }[] = [];
  const scope = nock(API);
  scope
    .get(`${REPO}/issues`)
    .query({ labels: 'study-report', state: 'all', sort: 'created', direction: 'asc', per_page: '100' })
    .times(4)
    .reply(200, () => issues.map((i) => ({ ...example, number: i.number, state: i.state })));
  scope
    .post(`${REPO}/issues`)
    .times(2)
    .reply(201, (_uri, body: any) => {
      const number = 7 + issues.length;
      issues.push({ number, state: 'open', comments: [] });
      return { ...example, number, title: body.title };
    });
  return { issues, scope, example };
}

it('two processes that create the report issue at the same instant converge on the oldest; the newer one is closed with a note', async () => {
  const { issues, scope, example } = issuesOnGitHub();
  scope
    .post(`${REPO}/issues/8/comments`)
    .reply(201, (_uri, body: any) => {
      issues[1].comments.push(body.body);
      return openapiExample('issue-comment');
    })
    .patch(`${REPO}/issues/8`)
    .reply(200, (_uri, body: any) => {
      Object.assign(issues[1], { state: body.state, state_reason: body.state_reason });
      return { ...example, number: 8, state: body.state };
    });
  const [a, b] = await Promise.all([
    findOrCreateReportIssue(octokit(), ref, '📊 출석 · 제출 현황', 'body'),
    findOrCreateReportIssue(octokit(), ref, '📊 출석 · 제출 현황', 'body'),
  ]);
  expect([a, b]).toEqual([7, 7]);
  expect(issues.map((i) => [i.number, i.state, i.state_reason ?? null])).toEqual([
    [7, 'open', null],
    [8, 'closed', 'duplicate'],
  ]);
  expect(issues[1].comments[0]).toContain('#7');
  expect(nock.pendingMocks()).toEqual([]);
});

it('alone, the process keeps the issue it made: one more list, nothing closed', async () => {
  const { pull_request: _pr, ...example } = openapiExample('issue');
  const list = { labels: 'study-report', state: 'all', sort: 'created', direction: 'asc', per_page: '100' };
  nock(API)
    .get(`${REPO}/issues`)
    .query(list)
    .reply(200, [])
    .post(`${REPO}/issues`, (b) => b.labels[0] === 'study-report')
    .reply(201, { ...example, number: 7 })
    .get(`${REPO}/issues`)
    .query(list)
    .reply(200, [{ ...example, number: 7 }]);
  expect(await findOrCreateReportIssue(octokit(), ref, '📊 출석 · 제출 현황', 'body')).toBe(7);
  expect(nock.pendingMocks()).toEqual([]);
});
