import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { describe, expect, it } from 'vitest';
import { findMarkedComment, markerFor } from '../../src/github/marker-comment.js';
import { repoRole } from '../../src/github/permissions.js';
import { openapiExample } from '../helpers/github-examples.js';

const octokit = () => new ProbotOctokit({ auth: { token: 'ghs_test' }, retry: { enabled: false }, throttle: { enabled: false } } as any);
const ref = { owner: 'octocat', repo: 'Hello-World', issue_number: 1347 };
const path = '/repos/octocat/Hello-World/issues/1347/comments';
const marker = markerFor('report');

const comment = (id: number, body: string, type = 'User') => {
  const c = openapiExample('issue-comment');
  return { ...c, id, body, user: { ...c.user, type } };
};

describe('marker comment', () => {
  it('finds the bot comment on the third page of 300 comments', async () => {
    const pages = [0, 1, 2].map((p) => Array.from({ length: 100 }, (_, i) => comment(p * 100 + i + 1, `hello ${i}`)));
    pages[2][57] = comment(258, `${marker}\nreport`, 'Bot');
    const link = (page: number) => `<https://api.github.com${path}?per_page=100&page=${page}>; rel="next"`;
    const scope = nock('https://api.github.com')
      .get(path).query({ per_page: 100 }).reply(200, pages[0], { link: link(2) })
      .get(path).query({ per_page: 100, page: 2 }).reply(200, pages[1], { link: link(3) })
      .get(path).query({ per_page: 100, page: 3 }).reply(200, pages[2]);
    expect(await findMarkedComment(octokit(), ref, marker)).toEqual({ id: 258, body: `${marker}\nreport` });
    scope.done();
  });

  it('prefers the marked comment the caller accepts, else the first marked one', async () => {
    const scope = nock('https://api.github.com')
      .get(path).query({ per_page: 100 })
      .reply(200, [comment(3, `${marker} forged`, 'Bot'), comment(4, `${marker} signed`, 'Bot')])
      .get(path).query({ per_page: 100 })
      .reply(200, [comment(3, `${marker} forged`, 'Bot')]);
    expect(await findMarkedComment(octokit(), ref, marker, (b) => b.endsWith('signed'))).toEqual({ id: 4, body: `${marker} signed` });
    expect(await findMarkedComment(octokit(), ref, marker, (b) => b.endsWith('signed'))).toEqual({ id: 3, body: `${marker} forged` });
    scope.done();
  });

  it('does not take a member quoting the marker for the bot comment', async () => {
    const scope = nock('https://api.github.com').get(path).query({ per_page: 100 }).reply(200, [comment(5, `${marker} haha`)]);
    expect(await findMarkedComment(octokit(), ref, marker)).toBeNull();
    scope.done();
  });
});

describe('repoRole', () => {
  const perm = (username: string) => `/repos/octocat/Hello-World/collaborators/${username}/permission`;
  it.each([
    ['admin', { permission: 'admin', role_name: 'admin' }],
    ['maintain', { permission: 'write', role_name: 'maintain' }],
    ['write', { permission: 'write', role_name: 'write' }],
    ['read', { permission: 'read', role_name: 'read' }],
  ])('reads %s from role_name', async (expected, data) => {
    const body = { ...openapiExample('repository-collaborator-permission-response-if-user-has-admin-permissions'), ...data };
    nock('https://api.github.com').get(perm('kim')).reply(200, body);
    expect(await repoRole(octokit(), ref, 'kim')).toBe(expected);
  });

  it('treats a user who is not a collaborator as having no rights', async () => {
    nock('https://api.github.com').get(perm('stranger')).reply(404, { message: 'Not Found' });
    expect(await repoRole(octokit(), ref, 'stranger')).toBe('none');
  });

  it('throws on infrastructure failures', async () => {
    nock('https://api.github.com').get(perm('kim')).reply(500, { message: 'boom' });
    await expect(repoRole(octokit(), ref, 'kim')).rejects.toThrow();
  });
});
