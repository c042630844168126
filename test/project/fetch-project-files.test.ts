import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectProject } from '../../src/project/collect-sources.js';
import { fetchProjectFiles, MAX_FETCHED_FILES, MAX_LISTED_FILES, withNotRead } from '../../src/project/fetch-project-files.js';
import { MAX_PROJECT_FILE_BYTES } from '../../src/project/project-request.js';

/**
 * `/verify project` reads a member's folder from GitHub: the listing comes with sizes, and a
 * blob is downloaded only when the collector asks for it, within the caps, decided from the
 * listed size before the download. The files are real public eBPF code (test/fixtures/project).
 */
const FIXTURES = 'test/fixtures/project';

function repo(files: Record<string, string | number>) {
  const downloads: string[] = [];
  const listing = Object.entries(files).map(([path, c]) => ({ path, size: typeof c === 'number' ? c : Buffer.byteLength(c) }));
  const download = async (path: string) => {
    downloads.push(path);
    const c = files[path]!;
    return typeof c === 'number' ? new Uint8Array(c) : new TextEncoder().encode(c);
  };
  return { listing, download, downloads };
}

const fixture = (folder: string, prefix: string) =>
  Object.fromEntries(readdirSync(`${FIXTURES}/${folder}`).map((f) => [`${prefix}/${f}`, readFileSync(`${FIXTURES}/${folder}/${f}`, 'utf8')]));

describe('fetchProjectFiles: only what the collector wants, within caps', () => {
  it('collects from downloads exactly what it collects from disk, without the 10 MB vmlinux.h or unused headers', async () => {
    const files: Record<string, string | number> = {
      ...fixture('libbpf-bootstrap', 'projects/kim'),
      ...fixture('bcc/libbpf-tools', 'projects/kim/tools'),
      'projects/kim/vmlinux.h': 10 * 1024 * 1024,
      'projects/kim/unused.h': '#define NOTHING 1\n',
      'projects/kim/Makefile': 'all:\n\tclang -target bpf -c minimal.bpf.c\n',
      'projects/lee/minimal.bpf.c': 'not kim\'s',
    };
    const r = repo(files);
    const fetched = await fetchProjectFiles('projects/kim', r.listing, r.download);
    const collected = collectProject('projects/kim', fetched.files);
    expect(collected.payload?.sources.map((s) => s.path)).toEqual(['bootstrap.bpf.c', 'fentry.bpf.c', 'kprobe.bpf.c', 'minimal.bpf.c', 'tc.bpf.c', 'tools/opensnoop.bpf.c']);
    // The headers the sources include travel; nothing was downloaded twice, nothing outside the folder.
    expect(collected.payload?.files.map((f) => f.path)).toEqual(expect.arrayContaining(['bootstrap.h', 'tools/opensnoop.h', 'tools/compat.bpf.h']));
    expect(new Set(r.downloads).size).toBe(r.downloads.length);
    expect(r.downloads).not.toContain('projects/kim/vmlinux.h');
    expect(r.downloads).not.toContain('projects/kim/unused.h');
    expect(r.downloads).not.toContain('projects/kim/Makefile');
    expect(r.downloads.every((p) => p.startsWith('projects/kim/'))).toBe(true);
    expect(fetched.fetched.bytes).toBeLessThan(200 * 1024);
    expect(collected.entries.find((e) => e.path === 'projects/kim/vmlinux.h')).toMatchObject({ status: 'skipped', message: expect.stringContaining("makes vmlinux.h from its own kernel's BTF") });
  });

  it('refuses a source over the per-file cap before downloading it, and says so', async () => {
    const r = repo({ 'project/kim/huge.bpf.c': 50 * 1024 * 1024, 'project/kim/ok.bpf.c': '#include <bpf/bpf_helpers.h>\nSEC("xdp") int f(void *c) { return 2; }\n' });
    const fetched = await fetchProjectFiles('project/kim', r.listing, r.download);
    expect(r.downloads).toEqual(['project/kim/ok.bpf.c']);
    const collected = collectProject('project/kim', fetched.files);
    const entries = withNotRead(collected.entries, fetched.notRead);
    expect(entries.find((e) => e.path === 'project/kim/huge.bpf.c')).toMatchObject({ status: 'denied', message: expect.stringContaining(`${MAX_PROJECT_FILE_BYTES / 1024} KiB`) });
  });

  it('stops downloading at the file budget and lists at most MAX_LISTED_FILES of a vendored tree', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < MAX_LISTED_FILES + 1000; i++) files[`project/kim/vendor/f${String(i).padStart(5, '0')}.c`] = 'int main(void) { return 0; }\n';
    const r = repo(files);
    const fetched = await fetchProjectFiles('project/kim', r.listing, r.download);
    expect(fetched.cut).toBe(true);
    expect(fetched.files.list()).toHaveLength(MAX_LISTED_FILES);
    expect(r.downloads).toHaveLength(MAX_FETCHED_FILES);
    expect(fetched.notRead.size).toBe(MAX_LISTED_FILES - MAX_FETCHED_FILES);
  });

  it('never downloads a header an include names outside the project', async () => {
    const r = repo({
      'project/kim/shadow.bpf.c': readFileSync(`${FIXTURES}/broken/include-shadow.bpf.c`, 'utf8'),
      'project/evil.h': 'secret',
    });
    const fetched = await fetchProjectFiles('project/kim', r.listing, r.download);
    const collected = collectProject('project/kim', fetched.files);
    expect(r.downloads).toEqual(['project/kim/shadow.bpf.c']);
    expect(collected.entries[0]).toMatchObject({ status: 'denied', message: expect.stringContaining('/etc/shadow') });
  });
});
