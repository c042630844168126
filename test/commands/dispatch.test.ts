import nock from 'nock';
import { Probot } from 'probot';
import { beforeEach, describe, expect, it } from 'vitest';
import { registerCommandDispatch, type CommandHandler } from '../../src/commands/dispatch.js';
import type { SlashCommand } from '../../src/commands/parse-commands.js';
import { openapiExample, webhookExample } from '../helpers/github-examples.js';
import { INSTALLATION_ID, mockInstallationToken, mockNoApprovedConfig, testOctokit, testPrivateKey } from '../helpers/probot-app.js';

const api = 'https://api.github.com';
const repoPath = '/repos/Codertocat/Hello-World';

function commentPayload(body: string, user: Partial<{ login: string; type: string }> = {}) {
  const payload = webhookExample('issue_comment', 'created');
  payload.comment.body = body;
  Object.assign(payload.comment.user, user);
  payload.installation = { id: INSTALLATION_ID, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMg==' };
  return payload;
}

describe('comment command dispatch', () => {
  let probot: Probot;
  let seen: { command: SlashCommand; login: string; issue: unknown }[];

  beforeEach(async () => {
    seen = [];
    mockNoApprovedConfig();
    const echo: CommandHandler = {
      names: ['echo', '에코'],
      usage: { ko: '따라 말하기', en: 'say it back' },
      handle: async (ctx, command) => {
        seen.push({ command, login: ctx.author.login, issue: ctx.source });
      },
    };
    probot = new Probot({
      appId: 1,
      privateKey: testPrivateKey(),
      Octokit: testOctokit(),
      logLevel: 'fatal',
    });
    await probot.load((app) =>
      registerCommandDispatch(app, { clock: { now: () => new Date() }, background: () => {} }, [echo]),
    );
  });

  it('routes a command and its alias to its handler with the config of the default branch', async () => {
    const scope = mockInstallationToken()
      .get(`${repoPath}/contents/.github%2Fstudy.yml`)
      .reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    await probot.receive({ id: '1', name: 'issue_comment', payload: commentPayload('/에코 안녕\n/echo hi') } as any);
    expect(seen.map((s) => [s.command.name, s.command.args])).toEqual([
      ['에코', ['안녕']],
      ['echo', ['hi']],
    ]);
    expect(seen[0].issue).toEqual({ kind: 'issue', issueNumber: 1 });
    expect(seen[0].login).toBe('Codertocat');
    scope.done();
  });

  it('answers an unknown command with the list of commands, in the config language', async () => {
    let reply = '';
    const config = Buffer.from('language: en\n').toString('base64');
    const file = { ...openapiExample('content-file'), path: '.github/study.yml', content: config, encoding: 'base64' };
    const scope = mockInstallationToken()
      .get(`${repoPath}/contents/.github%2Fstudy.yml`)
      .reply(200, file)
      .post(`${repoPath}/issues/1/comments`, (body) => {
        reply = body.body;
        return true;
      })
      .reply(201, openapiExample('issue-comment'));
    await probot.receive({ id: '2', name: 'issue_comment', payload: commentPayload('/frobnicate now') } as any);
    expect(reply).toContain('`/frobnicate` is not a command I know');
    expect(reply).toContain('`/echo` — say it back');
    expect(seen).toEqual([]);
    scope.done();
  });

  it.each([
    ['a bot', '/echo hi', { login: 'study-bot[bot]', type: 'Bot' }],
    ['a command in a code block', '```\n/echo hi\n```', {}],
    ['a quoted command', '> /echo hi', {}],
    ['a path, not a command', '/etc/passwd is a file', {}],
  ])('ignores %s without any GitHub request', async (_, body, user) => {
    await probot.receive({ id: '3', name: 'issue_comment', payload: commentPayload(body, user) } as any);
    expect(seen).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('ignores edited comments', async () => {
    const payload = webhookExample('issue_comment', 'edited');
    payload.comment.body = '/echo hi';
    payload.installation = { id: INSTALLATION_ID };
    await probot.receive({ id: '4', name: 'issue_comment', payload } as any);
    expect(seen).toEqual([]);
  });
});
