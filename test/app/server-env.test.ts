import { describe, expect, it } from 'vitest';
import { serverEnvProblems } from '../../src/app/server-env.js';

describe('serverEnvProblems', () => {
  const key = '-----BEGIN RSA PRIVATE KEY-----\n…';
  it.each([
    ['setup mode (no APP_ID)', {}, 0],
    ['a configured app', { APP_ID: '1', PRIVATE_KEY: key, WEBHOOK_SECRET: 's3cret' }, 0],
    ['a key file instead of the key', { APP_ID: '1', PRIVATE_KEY_PATH: '/k.pem', WEBHOOK_SECRET: 's3cret' }, 0],
    ['no webhook secret', { APP_ID: '1', PRIVATE_KEY: key }, 1],
    ["Probot's default secret", { APP_ID: '1', PRIVATE_KEY: key, WEBHOOK_SECRET: 'development' }, 1],
    ['no private key and no secret', { APP_ID: '1' }, 2],
    ['local development through a webhook proxy', { APP_ID: '1', PRIVATE_KEY: key, NODE_ENV: 'development', WEBHOOK_PROXY_URL: 'https://smee.io/x' }, 0],
  ])('%s', (_, env, count) => {
    const problems = serverEnvProblems(env as NodeJS.ProcessEnv);
    expect(problems).toHaveLength(count);
    if (count > 0) expect(problems[0]).toMatch(/WEBHOOK_SECRET|PRIVATE_KEY/);
  });

  it.each([
    ['the host driver without the unsafe switch', { STUDY_BOT_VERIFY_DRIVER: 'host' }, /STUDY_BOT_UNSAFE_HOST_RUNNER=1/],
    ['the actions driver without a runner repository', { STUDY_BOT_VERIFY_DRIVER: 'actions' }, /STUDY_BOT_RUNNER_REPOSITORY/],
    ['an unknown driver (the old study.yml word)', { STUDY_BOT_VERIFY_DRIVER: 'local' }, /vm, actions or host/],
  ])('refuses to start with %s', (_, extra, message) => {
    const problems = serverEnvProblems({ APP_ID: '1', PRIVATE_KEY: key, WEBHOOK_SECRET: 's3cret', ...extra } as NodeJS.ProcessEnv);
    expect(problems).toEqual([expect.stringMatching(message)]);
  });

  it('starts with the host driver when the deployment says the machine is disposable', () => {
    expect(serverEnvProblems({ APP_ID: '1', PRIVATE_KEY: key, WEBHOOK_SECRET: 's3cret', STUDY_BOT_VERIFY_DRIVER: 'host', STUDY_BOT_UNSAFE_HOST_RUNNER: '1' })).toEqual([]);
  });
});
