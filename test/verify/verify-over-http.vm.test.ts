/**
 * Issue 8, "done when": through the app as `npm start` runs it (a real server process over
 * real HTTP, pointed at bench/fake-github.ts as a GitHub Enterprise Server), a member's
 * `/verify` runs in a throwaway VM and the reply names the VM's kernel, not the host's.
 */
import os from 'node:os';
import nock from 'nock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deliver, startApp, testKey, until, type AppProcess } from '../../bench/app-over-http.js';
import { FakeGitHub } from '../../bench/fake-github.js';
import { readManifest } from '../../src/runner/vm/runner-dir.js';
import { webhookExample } from '../helpers/github-examples.js';
import { describeVm, VM_TEST_TIMEOUT } from '../helpers/vm.js';
import { FORK_AND_KPROBE_NOTE } from '../helpers/vm-note.js';

const OWNER = 'Codertocat';
const REPO = 'Hello-World';
const HEAD = 'c'.repeat(40);
const SECRET = 'verify-over-http-secret-0123456789';
const MEMBER = 'hong-gildong';

const NOTE = [
  FORK_AND_KPROBE_NOTE,
  '### 3. the environment of every process it can see',
  '',
  '```bash',
  "sudo bpftrace -e 'BEGIN { cat(\"/proc/1/environ\"); cat(\"/proc/self/environ\"); exit(); }'",
  '```',
  '',
].join('\n');

let fake: FakeGitHub;
let app: AppProcess | null = null;

beforeAll(async () => {
  nock.enableNetConnect('127.0.0.1');
  fake = new FakeGitHub({
    owner: OWNER,
    repo: REPO,
    commits: new Map([[HEAD, new Map([
      ['.github/study.yml', `language: ko\nmembers:\n  - login: ${MEMBER}\n    name: hgd\n`],
      ['study/week1/hgd.md', NOTE],
    ])]]),
    roles: new Map([[MEMBER, 'write']]),
  });
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await fake.stop();
  nock.disableNetConnect();
});

describeVm('/verify through the app started by `npm start`, over real HTTP', () => {
  it('runs the member\'s one-liners in a VM and the reply names the VM\'s kernel', async () => {
    const apiPort = await fake.start();
    // `npm start` builds dist/ (and the guest agent) first, then serves: give it minutes.
    const privateKey = testKey();
    // One guest of the first kernel parked (the warm pool, issue 18; its memory bound leaves the
    // second kernel's out so that CI restores no guest it does not use), waited for before the
    // comment arrives, as a member's request would find it.
    app = await startApp({
      how: 'npm-start', apiPort, secret: SECRET, privateKey, bootTimeoutMs: 400_000,
      env: { STUDY_BOT_VM_POOL: '1', STUDY_BOT_VM_POOL_MAX_MB: '1000', STUDY_BOT_VM_TRACE: '1', ...(process.env.STUDY_BOT_RUNNER_DIR ? { STUDY_BOT_RUNNER_DIR: process.env.STUDY_BOT_RUNNER_DIR } : {}) },
    });
    expect(await until(() => (/VM warm pool \S+: a guest is parked/.test(app!.output()) ? true : undefined), 400_000), app.output().slice(-2000)).toBe(true);
    const payload = webhookExample('issue_comment', 'created');
    Object.assign(payload.comment, { body: '/verify week1', author_association: 'COLLABORATOR', created_at: new Date().toISOString() });
    payload.comment.user.login = MEMBER;
    payload.sender.login = MEMBER;
    payload.installation = { id: 2, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMg==' };
    const deliveredAt = Date.now();
    const deliveredPerf = performance.now();
    const answered = await deliver(app.port, SECRET, 'issue_comment', payload);
    expect(answered.status).toBe(200);

    const kernel = readManifest()!.kernels[0]!.release;
    const reply = await until(() => {
      const edits = fake.seen('PATCH', /\/issues\/comments\/\d+$/).map((r) => String(r.body?.body ?? ''));
      return edits.find((body) => body.includes(`kernel \`${kernel}\``));
    }, 400_000);
    const context = `${app.output().slice(-4000)}\nunknown routes: ${fake.unknown.join(', ')}`;
    expect(reply, context).toBeDefined();
    // The figure of issue 18's "done when" (≤ 10 s with a parked guest on a quiet 2-core host).
    console.log(`/verify week1 over HTTP: result comment ${Date.now() - deliveredAt} ms after delivery (load ${os.loadavg()[0]!.toFixed(1)})`);
    // Where those seconds went: every request the app made of GitHub, from the delivery on,
    // and the reply's own split of the VM's part.
    console.log(fake.requests.filter((r) => r.at >= deliveredPerf).map((r) => `+${Math.round(r.at - deliveredPerf)} ms ${r.method} ${r.path}`).join('\n'));
    console.log(reply!.split('\n').find((l) => l.includes('⏱')));
    for (const line of app.output().split('\n')) {
      const logged = /"time":(\d+).*"msg":"(verify: the run[^"]*)"/.exec(line);
      if (logged) console.log(`+${Number(logged[1]) - deliveredAt} ms ${logged[2]}`);
      // The VM's own steps (vm-trace.ts): the guest's, each one-liner's, QEMU's exit.
      if (line.startsWith('study-bot vm trace')) console.log(line);
    }
    if (process.env.STUDY_BOT_HTTP_LOG) (await import('node:fs')).writeFileSync(process.env.STUDY_BOT_HTTP_LOG, `delivered at ${deliveredAt}\n${app.output()}`);
    expect(reply).toMatch(/VM \((전체 에뮬레이션|KVM)\)/);
    expect(reply).toContain('⏱ 대기 중이던 게스트(pooled)');
    expect(reply).not.toContain(`kernel \`${os.release()}\``);
    // The kprobe one-liner: kprobes are off on this host's kernel, on in the VM's.
    expect(reply).toMatch(/\| 2 \| \[L12\][^\n]*✅ 동작함/);
    // The third one-liner read every environment the guest has, and nothing the app holds
    // (its webhook secret, its private key) reaches GitHub.
    expect(reply).toMatch(/\| 3 \| \[L18\][^\n]*✅ 동작함/);
    const written = JSON.stringify(fake.requests.filter((r) => r.method !== 'GET').map((r) => r.body));
    expect(written).not.toContain(SECRET);
    expect(written).not.toContain(privateKey.split('\n')[1]!);
    // The check run on the note's commit completes after the reply.
    const done = await until(() => fake.checkRunsOn(HEAD).find((run) => run.status === 'completed') ?? undefined, 60_000);
    expect(done, JSON.stringify(fake.checkRunsOn(HEAD).map((r) => [r.name, r.status, r.conclusion]))).toMatchObject({ conclusion: 'success' });
  }, VM_TEST_TIMEOUT);
});
