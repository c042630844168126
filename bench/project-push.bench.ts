/**
 * A push of a big project folder through the real app (Probot, nock with GitHub's shapes):
 * 3,000 files (2,800 headers, 50 images, 150 vendored C files, one libbpf program) and a 10 MB
 * vmlinux.h. Shows the push budget holds: only eBPF source candidates are fetched, at most
 * MAX_PROJECT_READS of them. Before project handling (main before b238506) such a push
 * fetched no project file at all (tree, config, check run) and said nothing about the code.
 */
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { CONFIG_PATH } from '../src/config/schema.js';
import { MAX_PROJECT_READS } from '../src/push-check/run-push-check.js';
import { acceptCheckRun, githubScope, serveCommit } from '../test/helpers/push-github.js';
import { buildPushApp, pushPayload, sha } from '../test/helpers/push-probot.js';
import { baseCommit } from '../test/helpers/push-world.js';

const ROUNDS = 3;
const P = 'project/hgd';

export async function benchProjectPush(): Promise<{ name: string; figures: Record<string, number | string> }[]> {
  nock.disableNetConnect();
  const before = baseCommit();
  const files: { path: string; content: string | Uint8Array }[] = [{ path: `${P}/include/vmlinux.h`, content: new Uint8Array(10 * 1024 * 1024).fill(0x20) }];
  for (let i = 0; i < 2_800; i++) files.push({ path: `${P}/vendor/include/h${i}.h`, content: `#define X${i} ${i}\n` });
  for (let i = 0; i < 50; i++) files.push({ path: `${P}/docs/img${i}.png`, content: new Uint8Array([0x89, 0x50, 0x4e, 0x47, i]) });
  for (let i = 0; i < 150; i++) files.push({ path: `${P}/vendor/src/f${String(i).padStart(3, '0')}.c`, content: `int f${i}(void) { return ${i}; }\n` });
  files.push({ path: `${P}/minimal.bpf.c`, content: readFileSync('test/fixtures/project/libbpf-bootstrap/minimal.bpf.c', 'utf8') });
  const read = [`${P}/minimal.bpf.c`, ...files.filter((f) => f.path.endsWith('.c') && !f.path.endsWith('.bpf.c')).map((f) => f.path).sort().slice(0, MAX_PROJECT_READS - 1)];
  const times: number[] = [];
  let requests = 0;
  let blobs = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const app = await buildPushApp();
    const after = before.with(sha(`bench-project-${round}`), { set: files });
    const gh = githubScope();
    serveCommit(gh.scope, after, [CONFIG_PATH, ...read]);
    acceptCheckRun(gh.scope, 4);
    const t0 = performance.now();
    await app.probot.receive({ id: `bench-project-${round}`, name: 'push', payload: pushPayload({ before: before.sha, after: after.sha, commits: [{ added: files.map((f) => f.path) }] }) } as never);
    const errors = await app.settle();
    times.push(performance.now() - t0);
    if (errors.length > 0) throw errors[0] as Error;
    if (nock.pendingMocks().length > 0) throw new Error(`bench project push: ${nock.pendingMocks().join(', ')}`);
    requests = gh.requests.length;
    blobs = gh.requests.filter((r) => r.path.includes('/git/blobs/')).length;
    nock.cleanAll();
  }
  times.sort((a, b) => a - b);
  return [
    {
      name: 'push check: a push of a 3,000-file project folder with a 10 MB vmlinux.h (real app, nock)',
      figures: {
        'files in the push': files.length,
        'GitHub requests (tree, config, blobs, check run)': requests,
        'blobs fetched (config + project sources)': blobs,
        [`ms per push (median of ${ROUNDS})`]: times[Math.floor(ROUNDS / 2)]!,
      },
    },
  ];
}
