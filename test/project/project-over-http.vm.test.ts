/**
 * Issue 15, "done when", over real HTTP: the app as `npm start` runs it, against the local
 * GitHub stand-in (bench/fake-github.ts as a GitHub Enterprise Server), the VM for real. A
 * member's week-5 push of only project code (real libbpf-bootstrap programs, one of them
 * broken on purpose: the NULL check after bpf_map_lookup_elem() removed, and cilium/ebpf Go
 * user space) gets a Check Run listing its eBPF programs; the report counts it as their
 * week-5 work; `/verify project` replies with each program's verdict from the VM's kernel,
 * the rejected one at the source line the verifier rejected. One VM for the whole file.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import nock from 'nock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deliver, startApp, testKey, until, type AppProcess } from '../../bench/app-over-http.js';
import { FakeGitHub } from '../../bench/fake-github.js';
import { REPORT_MARKER } from '../../src/attendance/render-report.js';
import { readManifest } from '../../src/runner/vm/runner-dir.js';
import { webhookExample } from '../helpers/github-examples.js';
import { describeNeeding } from '../helpers/prerequisites.js';
import { missingVmPrerequisite, VM_TEST_TIMEOUT } from '../helpers/vm.js';

const missing = missingVmPrerequisite() ?? (readManifest()?.packages.some((p) => p.startsWith('clang=')) ? null : 'the runner image has no clang/bpftool (rebuild it: study-bot runner image build)');

const OWNER = 'Codertocat';
const REPO = 'Hello-World';
const BASE = 'a'.repeat(40);
const HEAD = 'c'.repeat(40);
const SECRET = 'project-over-http-secret-0123456789';
const MEMBER = 'kim-gh';
const FIXTURES = 'test/fixtures/project';

const CONFIG = `language: ko
paths:
  project: projects/{name}/
members:
  - login: ${MEMBER}
    name: kim
`;
const PROJECT: Record<string, string> = {
  'projects/kim/minimal.bpf.c': readFileSync(`${FIXTURES}/libbpf-bootstrap/minimal.bpf.c`, 'utf8'),
  'projects/kim/minimal.c': readFileSync(`${FIXTURES}/libbpf-bootstrap/minimal.c`, 'utf8'),
  'projects/kim/null-check.bpf.c': readFileSync(`${FIXTURES}/broken/null-check.bpf.c`, 'utf8'),
  'projects/kim/main.go': readFileSync(`${FIXTURES}/cilium-ebpf/kprobe/main.go`, 'utf8'),
};

function pushPayload(at: Date) {
  const p = webhookExample('push');
  Object.assign(p, { ref: 'refs/heads/main', before: BASE, after: HEAD, created: false, deleted: false, forced: false });
  p.repository.default_branch = 'main';
  p.repository.master_branch = 'main';
  p.repository.pushed_at = Math.floor(at.getTime() / 1000);
  p.sender.login = MEMBER;
  p.pusher = { name: MEMBER, email: `${MEMBER}@users.noreply.github.com` };
  const commit = { ...(p.head_commit ?? {}), id: HEAD, tree_id: HEAD, distinct: true, message: 'week5 kim', timestamp: at.toISOString(), added: Object.keys(PROJECT), removed: [], modified: [] };
  p.commits = [commit];
  p.head_commit = commit;
  p.installation = { id: 2, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMg==' };
  return p;
}

let fake: FakeGitHub;
let app: AppProcess | null = null;

beforeAll(() => {
  nock.enableNetConnect('127.0.0.1');
  const base = new Map([['.github/study.yml', CONFIG], ['README.md', '# eBPF 스터디\n']]);
  const head = new Map([...base, ...Object.entries(PROJECT)]);
  fake = new FakeGitHub({ owner: OWNER, repo: REPO, id: webhookExample('push').repository.id as number, commits: new Map([[BASE, base], [HEAD, head]]), roles: new Map([[MEMBER, 'write']]) });
});

afterAll(async () => {
  await app?.stop();
  await fake?.stop();
  nock.disableNetConnect();
});

/** The newest body the app wrote into a comment whose body passes `test`. */
const written = (test: (body: string) => boolean): string | undefined =>
  fake.requests
    .filter((r) => (r.method === 'POST' || r.method === 'PATCH') && /\/comments(\/\d+)?$/.test(r.path) && typeof r.body?.body === 'string' && test(r.body.body))
    .map((r) => r.body.body as string)
    .at(-1);

describeNeeding({ missing, required: process.env.STUDY_BOT_REQUIRE_VM === '1', variable: 'STUDY_BOT_REQUIRE_VM', tests: 'VM' }, 'project work over real HTTP, `/verify project` in the VM', () => {
  it('a week-5 push of project code is listed, counted as week 5, and /verify project gives each program the VM kernel\'s verdict', async () => {
    const apiPort = await fake.start();
    app = await startApp({
      how: 'npm-start', apiPort, secret: SECRET, privateKey: testKey(), bootTimeoutMs: 400_000,
      env: process.env.STUDY_BOT_RUNNER_DIR ? { STUDY_BOT_RUNNER_DIR: process.env.STUDY_BOT_RUNNER_DIR } : {},
    });
    const context = () => `${app!.output().slice(-4000)}\nunknown routes: ${fake.unknown.join(', ')}`;

    // The push: its Check Run lists the eBPF programs, the report counts the week.
    expect((await deliver(app.port, SECRET, 'push', pushPayload(new Date()))).status).toBe(200);
    const pushCheck = await until(() => fake.checkRunsOn(HEAD).find((r) => r.status === 'completed' && /📦/.test(String(r.output?.summary ?? '') + String(r.output?.text ?? ''))), 180_000);
    expect(pushCheck, context()).toBeDefined();
    const listed = `${pushCheck.output.summary}\n${pushCheck.output.text ?? ''}`;
    expect(listed).toMatch(/`projects\/kim\/minimal\.bpf\.c` 10행 · [^\n]*`SEC\("tp\/syscalls\/sys_enter_write"\)` `handle_tp`/);
    expect(listed).toMatch(/`projects\/kim\/null-check\.bpf\.c` 16행 · [^\n]*`handle_exit`/);
    const kimRow = (body: string) => body.split('\n').find((l) => l.startsWith('| kim<br>'));
    const report = await until(() => written((b) => b.startsWith(REPORT_MARKER) && /📦/.test(kimRow(b) ?? '')), 180_000);
    expect(report, `${written((b) => b.startsWith(REPORT_MARKER))}\n${context()}`).toBeDefined();
    const row = kimRow(report!)!.split(' | ');
    // name, then weeks 1-8: week 5 holds the project work and its eBPF sources
    expect(row[5]).toMatch(/📦 커밋 1 · 파일 4/);
    expect(row[5]).toContain('<code>minimal.bpf.c</code>');
    expect(row.slice(1, 5).concat(row.slice(6, 9)).join(' ')).not.toContain('📦');

    // `/verify project`: one VM, the verdicts of its kernel.
    const payload = webhookExample('issue_comment', 'created');
    Object.assign(payload.comment, { id: 4_242_001, body: '/verify project', author_association: 'COLLABORATOR', created_at: new Date().toISOString() });
    payload.comment.user.login = MEMBER;
    payload.sender.login = MEMBER;
    payload.installation = { id: 2, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMg==' };
    const asked = Date.now();
    expect((await deliver(app.port, SECRET, 'issue_comment', payload)).status).toBe(200);
    const kernel = readManifest()!.kernels[0]!.release;
    const reply = await until(() => written((b) => b.includes('프로젝트 검증') && b.includes(`kernel \`${kernel}\``)), 600_000);
    expect(reply, context()).toBeDefined();
    console.log(`/verify project over HTTP: reply ${Date.now() - asked} ms after the comment (load ${os.loadavg()[0]!.toFixed(1)})\n${reply}`);
    expect(reply).not.toContain(`kernel \`${os.release()}\``);
    expect(reply).toMatch(/VM \((전체 에뮬레이션|KVM)\)/);
    // The real program: compiled in the guest, verified, attached, run by the workload.
    expect(reply).toMatch(/\| \[minimal\.bpf\.c:10\]\([^)]*\) \| `handle_tp` \(SEC `tp\/syscalls\/sys_enter_write`\) \| ✅ 동작함 \| [^\n]*컴파일 \d/);
    // The broken one: rejected at the line that dereferences the unchecked pointer, with its class.
    expect(reply).toMatch(/\| \[null-check\.bpf\.c:23\]\([^)]*#L23\) \| `handle_exit` [^\n]*❌ 검증기 거부 \| NULL 확인 없이[^\n]*\(null-check\)[^\n]*map\\_value\\_or\\_null/);
    expect(reply).toMatch(/main\.go[^\n]*Go 사용자 공간 코드는 VM에서 빌드하지 않습니다/);
    expect(reply).toMatch(/minimal\.c[^\n]*사용자 공간 C \(main\): 컴파일하거나 실행하지 않습니다/);
    // The project was read through the git trees and blob APIs, never the contents API.
    expect(fake.seen('GET', /\/contents\/projects/)).toEqual([]);
    const verifyCheck = await until(() => fake.checkRunsOn(HEAD).find((r) => r.name.startsWith('study-bot / project 검증 (@') && r.status === 'completed'), 60_000);
    expect(verifyCheck, context()).toMatchObject({ conclusion: 'failure' });
    expect(verifyCheck.output.annotations).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'projects/kim/null-check.bpf.c', start_line: 23, annotation_level: 'failure' })]));
  }, 1.5 * VM_TEST_TIMEOUT); // npm start builds first; two programs compiled under emulation
});
