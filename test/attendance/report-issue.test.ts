import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { Probot } from 'probot';
import { findOrCreateReportIssue, oldestReportIssue } from '../../src/github/report-issue.js';
import { appOpenedIssue, openapiExample } from '../helpers/github-examples.js';
import { INSTALLATION_ID, mockInstallationToken, testOctokit, testPrivateKey } from '../helpers/probot-app.js';
import { API, REPO } from '../helpers/attendance-github.js';

const ref = { owner: 'Codertocat', repo: 'Hello-World' };
const octokit = () => new (testOctokit())({ auth: { token: 'ghs_test' } } as any);

/** GitHub's issues of one repository, shared by every request (two processes see the same). */
function issuesOnGitHub() {
  // two processes: each lists, looks for its own issue without the label, creates, lists again
  const example = appOpenedIssue();
  const issues: { number: number; state: string; state_reason?: string | null; comments: string[] }[] = [];
  const scope = nock(API);
  scope
    .get(`${REPO}/issues`)
    .query({ labels: 'study-report', state: 'all', sort: 'created', direction: 'asc', per_page: '100' })
    .times(4)
    .reply(200, () => issues.map((i) => ({ ...example, number: i.number, state: i.state })));
  scope
    .get(`${REPO}/issues`)
    .query({ state: 'all', sort: 'created', direction: 'asc', per_page: '100' })
    .times(2)
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
  expect([a.number, b.number]).toEqual([7, 7]);
  expect(issues.map((i) => [i.number, i.state, i.state_reason ?? null])).toEqual([
    [7, 'open', null],
    [8, 'closed', 'duplicate'],
  ]);
  expect(issues[1].comments[0]).toContain('#7');
  expect(nock.pendingMocks()).toEqual([]);
});

it('alone, the process keeps the issue it made: one more list, nothing closed', async () => {
  const example = appOpenedIssue();
  const list = { labels: 'study-report', state: 'all', sort: 'created', direction: 'asc', per_page: '100' };
  nock(API)
    .get(`${REPO}/issues`)
    .query(list)
    .reply(200, [])
    .get(`${REPO}/issues`)
    .query({ state: 'all', sort: 'created', direction: 'asc', per_page: '100' })
    .reply(200, [])
    .post(`${REPO}/issues`, (b) => b.labels[0] === 'study-report')
    .reply(201, { ...example, number: 7 })
    .get(`${REPO}/issues`)
    .query(list)
    .reply(200, [{ ...example, number: 7 }]);
  expect(await findOrCreateReportIssue(octokit(), ref, '📊 출석 · 제출 현황', 'body')).toMatchObject({ number: 7, created: true });
  expect(nock.pendingMocks()).toEqual([]);
});

/**
 * The eighteenth attack review: anyone who can push can put the label on an issue or take it
 * off. The report is the issue this app opened: GitHub names the app (`performed_via_github_app`).
 */
describe('which issue is the report', () => {
  const installation = async () => {
    const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: testOctokit(), logLevel: 'fatal' });
    mockInstallationToken();
    return probot.auth(INSTALLATION_ID);
  };
  const labelled = { labels: 'study-report', state: 'all', sort: 'created', direction: 'asc', per_page: '100' };
  const label = { ...openapiExample('issue').labels[0], name: 'study-report' };
  const { pull_request: _pr, ...memberIssue } = openapiExample('issue');

  it('skips an older issue a member labelled, and one another app (GitHub Actions) opened', async () => {
    const actions = appOpenedIssue({ number: 3, labels: [label], user: { ...memberIssue.user, login: 'github-actions[bot]', type: 'Bot' } }, 15368);
    nock(API)
      .get(`${REPO}/issues`)
      .query(labelled)
      .reply(200, [{ ...memberIssue, number: 1, labels: [label] }, actions, appOpenedIssue({ number: 7, labels: [label] })]);
    expect(await oldestReportIssue(await installation(), ref)).toBe(7);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('finds its own issue again when a member took the label off, and puts the label back', async () => {
    const added: unknown[] = [];
    nock(API)
      .get(`${REPO}/issues`)
      .query(labelled)
      .reply(200, [{ ...memberIssue, number: 1, labels: [label] }])
      .get(`${REPO}/issues`)
      .query({ state: 'all', sort: 'created', direction: 'asc', per_page: '100' })
      .reply(200, [{ ...memberIssue, number: 1, labels: [label] }, appOpenedIssue({ number: 7, labels: [] })])
      .post(`${REPO}/issues/7/labels`)
      .reply(200, (_uri, body: any) => {
        added.push(body);
        return [label];
      });
    expect(await oldestReportIssue(await installation(), ref)).toBe(7);
    expect(added).toEqual([{ labels: ['study-report'] }]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('has none when only members\' issues carry the label', async () => {
    nock(API)
      .get(`${REPO}/issues`)
      .query(labelled)
      .reply(200, [{ ...memberIssue, number: 1, labels: [label] }])
      .get(`${REPO}/issues`)
      .query({ state: 'all', sort: 'created', direction: 'asc', per_page: '100' })
      .reply(200, [{ ...memberIssue, number: 1, labels: [label] }]);
    expect(await oldestReportIssue(await installation(), ref)).toBeNull();
    expect(nock.pendingMocks()).toEqual([]);
  });
});
