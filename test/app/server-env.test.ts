import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverEnvProblems, verifyRunnerNotice } from '../../src/app/server-env.js';

const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const keyDir = mkdtempSync(join(tmpdir(), 'study-bot-key-'));
writeFileSync(join(keyDir, 'k.pem'), key);

describe('serverEnvProblems', () => {
  it.each([
    ['setup mode (no APP_ID)', {}, 0],
    ['a configured app', { APP_ID: '1', PRIVATE_KEY: key, WEBHOOK_SECRET: 's3cret' }, 0],
    ['a key file instead of the key', { APP_ID: '1', PRIVATE_KEY_PATH: join(keyDir, 'k.pem'), WEBHOOK_SECRET: 's3cret' }, 0],
    ['the key with \\n escapes on one line', { APP_ID: '1', PRIVATE_KEY: key.replace(/\n/g, '\\n'), WEBHOOK_SECRET: 's3cret' }, 0],
    ['the key in base64', { APP_ID: '1', PRIVATE_KEY: Buffer.from(key).toString('base64'), WEBHOOK_SECRET: 's3cret' }, 0],
    ['no webhook secret', { APP_ID: '1', PRIVATE_KEY: key }, 1],
    ["Probot's default secret", { APP_ID: '1', PRIVATE_KEY: key, WEBHOOK_SECRET: 'development' }, 1],
    ['no private key and no secret', { APP_ID: '1' }, 2],
    ['local development through a webhook proxy', { APP_ID: '1', PRIVATE_KEY: key, NODE_ENV: 'development', WEBHOOK_PROXY_URL: 'https://smee.io/x' }, 0],
  ])('%s', (_, env, count) => {
    const problems = serverEnvProblems(env as NodeJS.ProcessEnv);
    expect(problems).toHaveLength(count);
    if (count > 0) expect(problems[0]).toMatch(/^(WEBHOOK_SECRET|PRIVATE_KEY|PRIVATE_KEY_PATH): /);
  });

  it.each([
    ['a key that does not parse', { PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----\\nAAAA\\n-----END RSA PRIVATE KEY-----' }, /^PRIVATE_KEY: .*not an RSA private key/],
    ['an EC key (GitHub Apps sign with RSA)', { PRIVATE_KEY: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }, /^PRIVATE_KEY: /],
    ['a key path to nothing', { PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: '/nowhere/k.pem' }, /^PRIVATE_KEY_PATH: .*\/nowhere\/k\.pem does not exist/],
    ['a key path to a folder', { PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: keyDir }, /^PRIVATE_KEY_PATH: .*cannot read/],
    ['the Client ID as APP_ID', { APP_ID: 'Iv23liXyZ' }, /^APP_ID: .*not a number/],
    ['no APP_ID with the rest set', { APP_ID: '' }, /^APP_ID: .*missing/],
  ])('names the variable of %s', (_, change, message) => {
    const problems = serverEnvProblems({ APP_ID: '1', PRIVATE_KEY: key, WEBHOOK_SECRET: 's3cret', ...change } as NodeJS.ProcessEnv);
    expect(problems).toEqual([expect.stringMatching(message)]);
  });

  it('nothing set is the setup page on a laptop, a missing APP_ID in production', () => {
    expect(serverEnvProblems({})).toEqual([]);
    expect(serverEnvProblems({ NODE_ENV: 'production' })).toEqual([expect.stringMatching(/^APP_ID: /)]);
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

describe('verifyRunnerNotice', () => {
  it('says what /verify does without the VM image, and without KVM', () => {
    expect(verifyRunnerNotice({ driver: 'vm', image: false, dir: '/var/cache/study-bot/runner', kvm: true })).toMatch(/no VM runner image in \/var\/cache\/study-bot\/runner: every \/verify request is answered with a runner error until `sudo study-bot runner image build`/);
    expect(verifyRunnerNotice({ driver: 'vm', image: true, dir: '/r', kvm: false })).toMatch(/no usable \/dev\/kvm: VMs run under full emulation/);
    expect(verifyRunnerNotice({ driver: 'vm', image: true, dir: '/r', kvm: true })).toBeNull();
    expect(verifyRunnerNotice({ driver: 'actions', image: false, dir: '/r', kvm: false })).toBeNull();
  });
});
