/**
 * Attack review (issue 17, `/verify project`), refused: what a member can put in their project folder's
 * git tree, read through the app's own reading (fetchProjectFiles + collectProject, as
 * readProject runs them on the tree GitHub lists), and what reaches the VM request.
 * Git allows any byte but `/` and NUL in a name: backslashes, newlines, `..`-looking names,
 * and symlinks (mode 120000, listed by the trees API as `type: blob`).
 */
import { describe, expect, it } from 'vitest';
import { collectProject } from '../../src/project/collect-sources.js';
import { fetchProjectFiles } from '../../src/project/fetch-project-files.js';
import { projectPayloadSchema } from '../../src/project/project-request.js';
import { projectReport } from '../../src/project/verify-project.js';
import type { ProjectVmRun } from '../../src/runner/vm/verify-in-vm.js';
import { renderProjectCheck, renderProjectComment } from '../../src/verify/render-verify-project.js';
import type { VerifyView } from '../../src/verify/render-verify.js';

const ROOT = 'projects/kim';
const VIEW: VerifyView = { webOrigin: 'https://github.com', owner: 'o', repo: 'r', path: ROOT, sha: 'a'.repeat(40), requester: 'kim', requestId: 'ic1', lang: 'ko' };

function guestAnswer(stderr: string): ProjectVmRun {
  return {
    runner: { kernel: '6.1.0-test', bpftrace: 'v0.17.0', btf: true, isolation: 'vm', accel: 'tcg' },
    scripts: [],
    project: { kernel: 'whatever the guest says', results: [{ path: 'open.bpf.c', kind: 'libbpf-c', compile: { ok: false, ms: 10, stderr }, programs: [] }] },
    failure: null,
    durationMs: 100,
  };
}

const PROGRAM = (include: string) => `#include "vmlinux.h"\n#include <bpf/bpf_helpers.h>\n${include}\nSEC("kprobe/do_sys_openat2")\nint trace_open(void *ctx) { return 0; }\nchar LICENSE[] SEC("license") = "GPL";\n`;

function repo(files: Record<string, string>) {
  const downloads: string[] = [];
  const listing = Object.entries(files).map(([path, c]) => ({ path, size: Buffer.byteLength(c) }));
  const download = async (path: string) => {
    downloads.push(path);
    return new TextEncoder().encode(files[path]!);
  };
  return { listing, download, downloads };
}

describe('refused: a project folder built to escape', () => {
  it("an #include that climbs out of the folder (another member's project, the study notes) is never downloaded nor sent", async () => {
    const r = repo({
      'projects/kim/a.bpf.c': PROGRAM('#include "../lee/secret.h"\n#include "../../study/week1/lee.md"'),
      'projects/lee/secret.h': '#define LEE_SECRET 42\n',
      'study/week1/lee.md': '# lee\n',
    });
    const fetched = await fetchProjectFiles('projects/kim', r.listing, r.download);
    const collected = collectProject('projects/kim', fetched.files);
    expect(r.downloads).toEqual(['projects/kim/a.bpf.c']);
    expect(JSON.stringify(collected.payload ?? {})).not.toContain('LEE_SECRET');
    expect(collected.entries.find((e) => e.path === 'projects/kim/a.bpf.c')?.status ?? 'sent').not.toBe('ok');
  });

  it('a symlink (the tree lists it as a blob whose content is the target) travels as a file holding that text, never as a link', async () => {
    const r = repo({
      'projects/kim/a.bpf.c': PROGRAM('#include "link.h"'),
      // mode 120000: GitHub serves the blob's content, the target path
      'projects/kim/link.h': '../../../../../etc/shadow',
    });
    const fetched = await fetchProjectFiles('projects/kim', r.listing, r.download);
    const collected = collectProject('projects/kim', fetched.files);
    const payload = projectPayloadSchema.parse(collected.payload);
    expect(payload.files.find((f) => f.path === 'link.h')?.content).toBe('../../../../../etc/shadow');
  });
});

describe('refused: a compromised guest\'s made-up project report', () => {
  const collected = collectProject(ROOT, { list: () => [{ path: `${ROOT}/open.bpf.c`, size: PROGRAM('').length }], read: (p, max) => (p === `${ROOT}/open.bpf.c` ? new TextEncoder().encode(PROGRAM('')).subarray(0, max) : null) });

  it('a result for a source the host did not send is dropped', () => {
    expect(collected.payload?.sources.map((s) => s.path)).toEqual(['open.bpf.c']);
    const run = guestAnswer('x');
    run.project!.results[0]!.path = 'other.bpf.c';
    const report = projectReport(ROOT, collected, collected.payload!, [run], 1);
    expect(report.entries.filter((e) => e.path.endsWith('other.bpf.c'))).toEqual([]);
  });


  it('program names, sections and verifier log lines a guest makes up cannot break out of the reply or mention anyone', () => {
    const evil = '`|</summary></details><img src=x>@kim-cs #1 www.evil.example ```\n[x](javascript:alert(1))';
    const run = guestAnswer('');
    run.project!.results[0] = {
      path: 'open.bpf.c', kind: 'libbpf-c', compile: { ok: true, ms: 10, stderr: '' },
      programs: [{ name: `trace_open${evil}`, section: `kprobe/${evil}`, err: -13, stats: evil, log: Array.from({ length: 20 }, () => `0: (85) call ${evil}`).join('\n'), libbpf: evil }],
    };
    const report = projectReport(ROOT, collected, collected.payload!, [run], 1);
    const comment = renderProjectComment(VIEW, { kind: 'project', report });
    const check = renderProjectCheck(VIEW, { kind: 'project', report }, 'failure');
    expect(comment).toContain('trace_open');
    expect(check.annotations.length).toBeGreaterThan(0);
    // Outside code blocks: no raw tag but the renderer's own, no live mention, reference or link.
    const outsideCode = comment.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '').replace(/`[^`\n]*`/g, '');
    expect(outsideCode.match(/<(?!\/?(?:details|summary)>)[a-z/]/gi)).toBeNull();
    expect(outsideCode).not.toMatch(/@kim-cs|#1\b|www\.evil|javascript:alert/);
    for (const a of check.annotations) expect(`${a.title}\n${a.message}`).not.toMatch(/@kim-cs|www\.evil/);
    expect(check.annotations.every((a) => a.title.length <= 255)).toBe(true);
  });
});
