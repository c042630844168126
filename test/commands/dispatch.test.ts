import nock from 'nock';
import { Probot } from 'probot';
import { beforeEach, describe, expect, it } from 'vitest';
import { registerCommandDispatch, type CommandHandler } from '../../src/commands/dispatch.js';
import type { SlashCommand } from '../../src/commands/parse-commands.js';
import { openapiExample, webhookExample } from '../helpers/github-examples.js';
import { INSTALLATION_ID, mockInstallationToken, mockNoApprovedConfig, mockNoReportTrail, testOctokit, testPrivateKey } from '../helpers/probot-app.js';

const api = 'https://api.github.com';
const repoPath = '/repos/Codertocat/Hello-World';

function commentPayload(body: string, user: Partial<{ login: string; type: string }> = {}, association = 'OWNER') {
  const payload = webhookExample('issue_comment', 'created');
  payload.comment.body = body;
  payload.comment.author_association = association;
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
    mockNoReportTrail();
    const echo: CommandHandler = {
      names: ['echo', '에코'],
      usage: { ko: '따라 말하기', en: 'say it back' },
      handle: async (ctx, command) => {
        seen.push({ command, login: ctx.author.login, issue: ctx.source });
      },
    };
    const shout: CommandHandler = {
      names: ['shout'],
      usage: { ko: '크게 답하기', en: 'answer out loud' },
      handle: async (ctx, command) => {
        seen.push({ command, login: ctx.author.login, issue: ctx.source });
        await ctx.reply(`heard ${command.raw}`);
      },
    };
    probot = new Probot({
      appId: 1,
      privateKey: testPrivateKey(),
      Octokit: testOctokit(),
      logLevel: 'fatal',
    });
    await probot.load((app) =>
      registerCommandDispatch(app, { clock: { now: () => new Date() }, background: () => {} }, [echo, shout]),
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

  const noConfig = (scope: nock.Scope) =>
    scope.get(`${repoPath}/contents/.github%2Fstudy.yml`).reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  const recordReplies = (scope: nock.Scope, bodies: string[]) =>
    scope
      .post(`${repoPath}/issues/1/comments`, (b) => {
        bodies.push(`POST ${b.body}`);
        return true;
      })
      .reply(201, openapiExample('issue-comment'))
      .patch(`${repoPath}/issues/comments/${openapiExample('issue-comment').id}`, (b) => {
        bodies.push(`PATCH ${b.body}`);
        return true;
      })
      .optionally()
      .times(10)
      .reply(200, openapiExample('issue-comment'));

  it('an outsider\'s fifty unknown commands get one reaction and no reply, without reading the config', async () => {
    const reactions: string[] = [];
    const scope = mockInstallationToken()
      .post(`${repoPath}/issues/comments/${webhookExample('issue_comment', 'created').comment.id}/reactions`, (b) => {
        reactions.push(b.content);
        return true;
      })
      .reply(201, openapiExample('reaction'));
    await probot.receive({ id: '5', name: 'issue_comment', payload: commentPayload('/zz\n'.repeat(50), { login: 'stranger' }, 'NONE') } as any);
    expect(reactions).toEqual(['confused']);
    scope.done();
  });

  it('a member\'s fifty unknown commands get one reply that names a few of them', async () => {
    const bodies: string[] = [];
    const scope = noConfig(mockInstallationToken());
    recordReplies(scope, bodies);
    const body = Array.from({ length: 50 }, (_, i) => `/zz${i}`).join('\n');
    await probot.receive({ id: '6', name: 'issue_comment', payload: commentPayload(body, {}, 'COLLABORATOR') } as any);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatch(/^POST /);
    expect(bodies[0]).toContain('`/zz0`, `/zz1`, `/zz2`, `/zz3`, `/zz4`, …');
    expect(bodies[0]).not.toContain('zz5');
  });

  it('runs at most five commands of a member\'s comment, once each, and says which were not run in the same reply', async () => {
    const bodies: string[] = [];
    const scope = noConfig(mockInstallationToken());
    recordReplies(scope, bodies);
    const body = ['/shout 1', '/shout 1', '/echo 2', '/echo 3', '/echo 4', '/echo 5', '/echo 6', '/echo 7'].join('\n');
    await probot.receive({ id: '7', name: 'issue_comment', payload: commentPayload(body) } as any);
    expect(seen.map((s) => s.command.raw)).toEqual(['/shout 1', '/echo 2', '/echo 3', '/echo 4', '/echo 5']);
    // one reply, written once: the handler's answer and the list of what was not run
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatch(/^POST heard \/shout 1\n\n---\n\n/);
    expect(bodies[0]).toContain('/echo 6');
    expect(bodies[0]).toContain('/echo 7');
  });

  it('runs one command of an outsider\'s comment and says nothing of the rest', async () => {
    const bodies: string[] = [];
    const scope = noConfig(mockInstallationToken());
    recordReplies(scope, bodies);
    const body = Array.from({ length: 50 }, (_, i) => `/shout ${i}`).join('\n');
    await probot.receive({ id: '8', name: 'issue_comment', payload: commentPayload(body, { login: 'stranger' }, 'NONE') } as any);
    expect(seen.map((s) => s.command.raw)).toEqual(['/shout 0']);
    expect(bodies).toEqual(['POST heard /shout 0']);
  });

  it('costs no request for 20 KB of list markers, and one pass for the same with a command at the end', async () => {
    await probot.receive({ id: '9', name: 'issue_comment', payload: commentPayload('- '.repeat(10_000), {}, 'NONE') } as any);
    expect(nock.pendingMocks()).toEqual([]);
    const scope = noConfig(mockInstallationToken());
    await probot.receive({ id: '10', name: 'issue_comment', payload: commentPayload(`${'- '.repeat(10_000)}/echo hi`) } as any);
    expect(seen.map((s) => s.command.raw)).toEqual(['/echo hi']);
    scope.done();
  });
});

describe('outsiders: a few answers an hour (the attack review: one reply per comment, no budget)', () => {
  it('answers an outsider\'s first five commented commands in an hour, then none, while members are always answered', async () => {
    mockNoApprovedConfig();
    mockNoReportTrail();
    let now = Date.parse('2026-12-07T11:00:00Z');
    const seen: string[] = [];
    const shout: CommandHandler = {
      names: ['shout'],
      usage: { ko: '크게 답하기', en: 'answer out loud' },
      handle: async (ctx, command) => {
        seen.push(`${ctx.author.login} ${command.raw}`);
        await ctx.reply(`heard ${command.raw}`);
      },
    };
    const probot = new Probot({ appId: 1, privateKey: testPrivateKey(), Octokit: testOctokit(), logLevel: 'fatal' });
    await probot.load((app) => registerCommandDispatch(app, { clock: { now: () => new Date(now) }, background: () => {} }, [shout]));
    const bodies: string[] = [];
    const scope = mockInstallationToken();
    scope
      .get(`${repoPath}/contents/.github%2Fstudy.yml`)
      .times(8)
      .reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    scope
      .post(`${repoPath}/issues/1/comments`, (b) => {
        bodies.push(b.body);
        return true;
      })
      .times(8)
      .reply(201, openapiExample('issue-comment'));
    for (let i = 0; i < 12; i++) {
      await probot.receive({ id: `o${i}`, name: 'issue_comment', payload: commentPayload(`/shout ${i}`, { login: 'stranger' }, 'NONE') } as any);
    }
    // a member is never counted against the outsiders' budget
    await probot.receive({ id: 'm1', name: 'issue_comment', payload: commentPayload('/shout member', {}, 'COLLABORATOR') } as any);
    expect(seen).toEqual(['stranger /shout 0', 'stranger /shout 1', 'stranger /shout 2', 'stranger /shout 3', 'stranger /shout 4', 'Codertocat /shout member']);
    // an hour later the outsider has a budget again; another outsider had one all along
    now += 61 * 60_000;
    await probot.receive({ id: 'o99', name: 'issue_comment', payload: commentPayload('/shout again', { login: 'stranger' }, 'NONE') } as any);
    await probot.receive({ id: 'p1', name: 'issue_comment', payload: commentPayload('/shout hi', { login: 'passer-by' }, 'NONE') } as any);
    expect(seen.slice(6)).toEqual(['stranger /shout again', 'passer-by /shout hi']);
    expect(bodies).toHaveLength(8);
    scope.done();
  });
});
