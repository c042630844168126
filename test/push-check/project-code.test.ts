/**
 * The push check on project code (issue 15, item 2): a push shaped like
 * @octokit/webhooks-examples' `push` that touches only a member's project folder, with real
 * public eBPF code (test/fixtures/project) and copies broken on purpose; GitHub is nock with
 * @octokit/openapi's example shapes. Every request is counted: only eBPF sources are fetched.
 */
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFIG_PATH } from '../../src/config/schema.js';
import { MAX_PROJECT_READS } from '../../src/push-check/run-push-check.js';
import { acceptCheckRun, FakeCommit, githubScope, REPO_PATH, requestLines, serveCommit } from '../helpers/push-github.js';
import { buildPushApp, pushPayload, sha, type PushApp } from '../helpers/push-probot.js';
import { baseCommit, CONFIG_TEXT } from '../helpers/push-world.js';

type Body = Record<string, any>;

let app: PushApp;
let gh: ReturnType<typeof githubScope>;

beforeEach(async () => {
  app = await buildPushApp();
  gh = githubScope();
});

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

const real = (rel: string): Uint8Array => new Uint8Array(readFileSync(`test/fixtures/project/${rel}`));
const text = (rel: string): string => readFileSync(`test/fixtures/project/${rel}`, 'utf8');

async function deliver(payload: Record<string, unknown>) {
  await app.probot.receive({ id: 'delivery-1', name: 'push', payload } as never);
  return app.settle();
}

// The study's projects live in `projects/{name}/`, as in the real study repository the issue describes.
const CONFIG = `${CONFIG_TEXT}paths:\n  project: 'projects/{name}/'\n`;
const P = 'projects/hgd';
/** A 10 MB vmlinux.h: its size is in the listing, its bytes are never asked for. */
const VMLINUX = new Uint8Array(10 * 1024 * 1024).fill(0x20);

describe('push check: project code', () => {
  it('a week-5 push of only project code: one line per eBPF program, findings with lines, only the sources fetched', async () => {
    const before = baseCommit(CONFIG);
    const brokenBt = text('bpftrace/opensnoop.bt').replace('"Tracing open syscalls... Hit Ctrl-C to end.\\n"', '"Tracing open syscalls... Hit Ctrl-C to end.\\n');
    const noSecFunction = `${text('libbpf-bootstrap/minimal.bpf.c')}\nSEC("kprobe/do_unlinkat")\n`;
    const files = [
      { path: `${P}/minimal.bpf.c`, content: noSecFunction },
      { path: `${P}/minimal.c`, content: real('libbpf-bootstrap/minimal.c') },
      { path: `${P}/vmlinux.h`, content: VMLINUX },
      { path: `${P}/minimal.bpf.o`, content: real('learning-ebpf/chapter5/hello-buffer-config') },
      { path: `${P}/bcc/task_switch.py`, content: real('bcc/examples/task_switch.py') },
      { path: `${P}/bcc/task_switch.c`, content: real('bcc/examples/task_switch.c') },
      { path: `${P}/opensnoop.bt`, content: brokenBt },
      { path: `${P}/go/main.go`, content: real('cilium-ebpf/kprobe/main.go') },
      { path: `${P}/go/kprobe.c`, content: real('cilium-ebpf/kprobe/kprobe.c') },
      { path: `${P}/Makefile`, content: 'all:\n\tclang -target bpf -c minimal.bpf.c\n' },
    ];
    const after = before.with(sha('week5'), { set: files });
    const sources = [`${P}/bcc/task_switch.c`, `${P}/bcc/task_switch.py`, `${P}/go/kprobe.c`, `${P}/go/main.go`, `${P}/minimal.bpf.c`, `${P}/minimal.c`, `${P}/opensnoop.bt`];
    const withSubmodule = new FakeCommit(after.sha, [...after.files].map(([path, content]) => ({ path, content })), { 'projects/kcs': sha('kcs-project') });
    serveCommit(gh.scope, withSubmodule, [CONFIG_PATH, ...sources]);
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));

    const errors = await deliver(
      pushPayload({ before: before.sha, after: after.sha, commits: [{ added: [...files.map((f) => f.path), 'projects/kcs'] }] }),
    );

    expect(errors).toEqual([]);
    const blobs = requestLines(gh.requests).filter((l) => l.includes('/git/blobs/'));
    // the config and the seven sources: not the 10 MB header, the object, the Makefile
    expect(blobs).toHaveLength(1 + sources.length);
    expect(blobs).not.toContain(`GET ${REPO_PATH}/git/blobs/${withSubmodule.shaOf(`${P}/vmlinux.h`)}`);
    expect(created.conclusion).toBe('neutral');
    expect(created.output.title).toBe('📦 프로젝트 파일 11개 · eBPF 프로그램 7개 · 확인할 파일 3개');
    const summary: string = created.output.summary;
    expect(summary).toContain('- `projects/hgd/minimal.bpf.c` 10행 · libbpf C · `SEC("tp/syscalls/sys_enter_write")` `handle_tp`');
    expect(summary).toContain('- `projects/hgd/minimal.bpf.c` 23행 · libbpf C · `SEC("kprobe/do_unlinkat")`\n');
    expect(summary).toContain('- `projects/hgd/bcc/task_switch.py` 8행 · BCC 파이썬 · `projects/hgd/bcc/task_switch.c` 로드');
    expect(summary).toContain('- `projects/hgd/go/main.go` 17행 · Go (bpf2go) · `projects/hgd/go/kprobe.c` 포함');
    expect(summary).toContain('- `projects/hgd/go/kprobe.c` 14행 · libbpf C · `SEC("kprobe/sys_execve")` `kprobe_execve`');
    expect(summary).toContain('`submodule`');
    expect(summary).not.toContain('vmlinux.h');
    expect(created.output.annotations).toEqual([
      expect.objectContaining({ path: `${P}/minimal.bpf.c`, start_line: 23, annotation_level: 'warning', title: 'sec-function' }),
      expect.objectContaining({ path: `${P}/opensnoop.bt`, start_line: 55, annotation_level: 'warning', title: 'bpftrace-syntax' }),
    ]);
    expect(created.output).toMatchSnapshot();
  });

  it(`a big project folder (3,000 files, a 10 MB header): only eBPF sources are fetched, at most ${MAX_PROJECT_READS}`, async () => {
    const before = baseCommit(CONFIG);
    const files: { path: string; content: string | Uint8Array }[] = [{ path: `${P}/include/vmlinux.h`, content: VMLINUX }];
    for (let i = 0; i < 2_800; i++) files.push({ path: `${P}/vendor/linux/include/uapi/h${i}.h`, content: `#define X${i} ${i}\n` });
    for (let i = 0; i < 50; i++) files.push({ path: `${P}/docs/img${i}.png`, content: new Uint8Array([0x89, 0x50, 0x4e, 0x47, i]) });
    // 150 C files in a vendored library: more sources than one push reads
    for (let i = 0; i < 150; i++) files.push({ path: `${P}/vendor/libbpf/src/f${String(i).padStart(3, '0')}.c`, content: `int f${i}(void) { return ${i}; }\n` });
    files.push({ path: `${P}/minimal.bpf.c`, content: real('libbpf-bootstrap/minimal.bpf.c') });
    const after = before.with(sha('big'), { set: files });
    // `.bpf.c` first, then the others by path
    const read = [`${P}/minimal.bpf.c`, ...files.filter((f) => f.path.endsWith('.c') && !f.path.endsWith('.bpf.c')).map((f) => f.path).sort().slice(0, MAX_PROJECT_READS - 1)];
    serveCommit(gh.scope, after, [CONFIG_PATH, ...read]);
    // GitHub lists at most 3,000 files of a commit in the payload: the trees say the rest.
    serveCommit(gh.scope, before);
    let created: Body = {};
    acceptCheckRun(gh.scope, 4, (b) => (created = b));

    const errors = await deliver(pushPayload({ before: before.sha, after: after.sha, commits: [{ added: files.slice(0, 3000).map((f) => f.path) }] }));

    expect(errors).toEqual([]);
    const lines = requestLines(gh.requests);
    expect(lines.filter((l) => l.includes('/git/blobs/'))).toHaveLength(1 + MAX_PROJECT_READS);
    expect(lines).toHaveLength(2 + 1 + MAX_PROJECT_READS + 1); // trees at after and before, config, sources, check run
    expect(created.output.title).toBe(`📦 프로젝트 파일 ${files.length}개 · eBPF 프로그램 1개`);
    expect(created.output.summary).toContain('- `projects/hgd/minimal.bpf.c` 10행 · libbpf C · `SEC("tp/syscalls/sys_enter_write")` `handle_tp`');
    // the 50 C files past the budget are said to be unread, not silently passed
    expect(created.output.summary).toContain('ℹ️ `projects/hgd/vendor/libbpf/src/f149.c`');
    expect(created.output.summary.length).toBeLessThan(65_535);
  });
});
