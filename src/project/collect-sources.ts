import { posix } from 'node:path';
import type { OneLiner } from '../oneliners/types.js';
import {
  CLASSIFY_READ_BYTES,
  classifySource,
  includesOf,
  kindFromPath,
  type ProjectFileClass,
} from './classify-source.js';
import {
  MAX_PROJECT_FILE_BYTES,
  MAX_PROJECT_FILES,
  MAX_PROJECT_PROGRAMS,
  MAX_PROJECT_TOTAL_BYTES,
  isSafeRelativePath,
  projectPayloadSchema,
  type ProjectPayload,
} from './project-request.js';
import type { ProjectEntry } from './project-report.js';

/**
 * What of a project travels to the VM, decided on the host without compiling or running
 * anything: the eBPF sources (libbpf C, BCC Python and the C it loads, the C a bpf2go
 * directive names) and the headers they include from the project folder, within the
 * payload's caps; `.bt` scripts become one-liners. Every other file gets an entry saying
 * what it is and that it was not run. An include that reaches outside the project (`/etc/shadow`,
 * `../../x`) is refused here with a finding; the guest, which has nothing of the host, is
 * the second line.
 */
export interface ProjectFiles {
  /** Files under the project folder: repo-relative paths and sizes in bytes. */
  list(): { path: string; size: number }[];
  /** The file's content, at most `maxBytes` of it; null when it cannot be read. */
  read(path: string, maxBytes: number): Uint8Array | null;
}

export interface CollectedProject {
  /** null when there is nothing to run in a VM. */
  payload: ProjectPayload | null;
  /** `.bt` scripts, to run like one-liners in the same VM. */
  scripts: OneLiner[];
  /** Files that get no VM run (skipped, denied), in path order. */
  entries: ProjectEntry[];
  /** Every file's class, for the caller's own use (the report of sources touched). */
  classes: ProjectFileClass[];
}

const BT_MAX_BYTES = 64 * 1024;
/** The guest makes its own vmlinux.h from its kernel's BTF: never sent, whatever its size. */
const GENERATED_HEADERS = new Set(['vmlinux.h']);

const bi = (ko: string, en: string) => `${ko} (${en})`;

/** `only`: one file to check (the CLI given a file); the folder's other files are only there to be included. */
export function collectProject(root: string, files: ProjectFiles, only?: string): CollectedProject {
  const listed = files.list().filter((f) => f.path === root || f.path.startsWith(`${root}/`) || root === '');
  listed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const sizes = new Map(listed.map((f) => [f.path, f.size]));
  const texts = new Map<string, string>();
  const readText = (path: string): string | null => {
    if (texts.has(path)) return texts.get(path)!;
    const bytes = files.read(path, MAX_PROJECT_FILE_BYTES);
    if (!bytes) return null;
    const text = new TextDecoder('utf-8').decode(bytes);
    texts.set(path, text);
    return text;
  };

  const classes = listed.map((f) => {
    if (kindFromPath(f.path)) return classifySource({ path: f.path, size: f.size });
    const bytes = files.read(f.path, CLASSIFY_READ_BYTES);
    return classifySource({ path: f.path, size: f.size, ...(bytes ? { content: bytes } : {}) });
  });

  const entries: ProjectEntry[] = [];
  const scripts: OneLiner[] = [];
  const sources: ProjectPayload['sources'] = [];
  const shipped = new Map<string, string>();
  let total = 0;
  /** C a BCC script or a bpf2go directive names: checked through its loader, not alone. */
  const loadedBy = new Map<string, string>();
  for (const c of classes) {
    for (const src of c.loads?.sourceFiles ?? []) loadedBy.set(src, c.path);
  }

  const deny = (c: ProjectFileClass, message: string, line?: number) =>
    entries.push({ path: c.path, kind: c.kind, status: 'denied', message, ...(line ? { line } : {}) });
  const skip = (c: ProjectFileClass, message: string) => entries.push({ path: c.path, kind: c.kind, status: 'skipped', message });

  /** Adds a file and the project headers it includes; a reason when it cannot. */
  const ship = (path: string, depth = 0): string | null => {
    if (shipped.has(path)) return null;
    // The guest's schema takes only plain relative names: say so here instead of failing the whole request.
    const relative = relativeTo(root, path);
    if (relative.length > 255 || !isSafeRelativePath(relative)) {
      return bi(
        `${JSON.stringify(path)}: 파일 이름에 역슬래시·줄바꿈·제어 문자가 있거나 너무 길어 VM에 보낼 수 없습니다. 이름을 바꿔 주세요`,
        `${JSON.stringify(path)}: the file name has a backslash, a line break or a control character, or is too long, so it cannot be sent to the VM; rename it`,
      );
    }
    const size = sizes.get(path) ?? 0;
    if (size > MAX_PROJECT_FILE_BYTES) return bi(`${path}이(가) 너무 큽니다: ${mib(size)} > ${mib(MAX_PROJECT_FILE_BYTES)}`, `${path} is too large: ${mib(size)} > ${mib(MAX_PROJECT_FILE_BYTES)}`);
    if (shipped.size >= MAX_PROJECT_FILES) return bi(`파일이 너무 많습니다 (최대 ${MAX_PROJECT_FILES}개)`, `too many files (at most ${MAX_PROJECT_FILES})`);
    const text = readText(path);
    if (text === null) return bi(`${path}을(를) 읽을 수 없습니다`, `cannot read ${path}`);
    if (total + text.length > MAX_PROJECT_TOTAL_BYTES) return bi(`보낼 파일이 모두 합쳐 ${mib(MAX_PROJECT_TOTAL_BYTES)}를 넘습니다`, `the files to send exceed ${mib(MAX_PROJECT_TOTAL_BYTES)} in total`);
    shipped.set(path, text);
    total += text.length;
    if (!/\.(c|h)$/i.test(path) || depth > 16) return null;
    for (const inc of includesOf(text)) {
      const resolved = resolveInclude(root, path, inc.target);
      if (resolved.outside) {
        return bi(`${path}:${inc.line}: 프로젝트 밖의 파일을 include합니다 (${inc.target})`, `${path}:${inc.line}: includes a file outside the project (${inc.target})`);
      }
      if (!inc.quoted || GENERATED_HEADERS.has(posix.basename(inc.target))) continue;
      const found = resolved.candidates.find((p) => sizes.has(p));
      if (!found) continue; // clang in the guest says what is missing
      const why = ship(found, depth + 1);
      if (why) return why;
    }
    return null;
  };

  for (const c of classes) {
    if (only !== undefined && c.path !== only) continue;
    if (c.kind === 'bpftrace') {
      const size = sizes.get(c.path) ?? 0;
      const text = size <= BT_MAX_BYTES ? readText(c.path) : null;
      if (text === null) deny(c, bi(`bpftrace 스크립트가 너무 큽니다 (최대 ${BT_MAX_BYTES / 1024} KiB)`, `the bpftrace script is too large (at most ${BT_MAX_BYTES / 1024} KiB)`));
      else scripts.push(scriptOneLiner(c.path, text));
      continue;
    }
    if (c.kind === 'libbpf-c' || c.kind === 'bcc-python') {
      if (loadedBy.has(c.path) && c.kind === 'libbpf-c') {
        // libbpf C that a BCC script loads: BCC compiles it, not clang alone.
        skip(c, bi(`${loadedBy.get(c.path)}이(가) BCC로 불러오는 C: 그 스크립트로 확인합니다`, `C that ${loadedBy.get(c.path)} loads through BCC: checked by running that script`));
        continue;
      }
      if (c.kind === 'libbpf-c' && (c.programs?.length ?? 0) === 0) {
        skip(c, bi('SEC() 프로그램이 없는 eBPF C (헤더처럼 쓰이는 파일): 따로 불러오지 않습니다', 'eBPF C without a SEC() program (used like a header): not loaded on its own'));
        continue;
      }
      if (sources.length >= MAX_PROJECT_PROGRAMS) {
        deny(c, bi(`한 번에 소스 ${MAX_PROJECT_PROGRAMS}개까지 확인합니다`, `at most ${MAX_PROJECT_PROGRAMS} sources are checked per request`));
        continue;
      }
      const mark = new Map(shipped);
      const markTotal = total;
      let why = ship(c.path);
      for (const src of c.loads?.sourceFiles ?? []) why ??= sizes.has(src) ? ship(src) : null;
      if (why) {
        // Nothing of a refused source travels.
        shipped.clear();
        for (const [k, v] of mark) shipped.set(k, v);
        total = markTotal;
        deny(c, why);
        continue;
      }
      sources.push({ path: c.path, kind: c.kind });
      continue;
    }
    if (c.kind === 'go-bpf2go') {
      const embedded = (c.embeds ?? []).flatMap((e) => e.sources).join(', ');
      skip(c, bi(`Go 사용자 공간 코드는 VM에서 빌드하지 않습니다${embedded ? `; bpf2go가 넣는 C(${embedded})는 확인합니다` : ''}`, `Go user space is not built in the VM${embedded ? `; the C bpf2go embeds (${embedded}) is checked` : ''}`));
      continue;
    }
    skip(c, skipMessage(c));
  }

  const payload = sources.length
    ? projectPayloadSchema.parse({ root, files: [...shipped].map(([path, content]) => ({ path: relativeTo(root, path), content })), sources: sources.map((s) => ({ ...s, path: relativeTo(root, s.path) })) })
    : null;
  return { payload, scripts, entries, classes };
}

function skipMessage(c: ProjectFileClass): string {
  switch (c.kind) {
    case 'bcc-c':
      return bi('BCC 방식의 C: 이것을 불러오는 Python 스크립트로만 컴파일됩니다', 'BCC-style C: only compiles inside BCC, from the Python that loads it');
    case 'userspace-c':
      return bi('사용자 공간 C (main): 컴파일하거나 실행하지 않습니다', 'user-space C (main): not compiled or run');
    case 'header':
      // Never read nor sent, whatever its size: the guest makes its own for the kernel it loads on.
      if (GENERATED_HEADERS.has(posix.basename(c.path))) return bi('보내지 않습니다: VM이 자기 커널의 BTF로 vmlinux.h를 만듭니다', "not sent: the VM makes vmlinux.h from its own kernel's BTF");
      return bi('헤더: 이것을 include하는 소스와 함께 보냅니다', 'header: sent with the sources that include it');
    case 'build-output':
      return bi('빌드 결과물이나 바이너리: 실행하지 않습니다 (커밋하지 않는 것이 좋습니다)', 'build output or binary: never run (better not committed)');
    default:
      return bi('eBPF 소스가 아님', 'not an eBPF source');
  }
}

/**
 * Where `#include` may find a file, as clang would look (next to the including file, then the
 * project folder, `-I`); outside when the path is absolute or climbs out of the project.
 */
export function resolveInclude(root: string, from: string, target: string): { outside: boolean; candidates: string[] } {
  if (target.startsWith('/')) return { outside: true, candidates: [] };
  const candidates = [posix.join(posix.dirname(from), target), posix.join(root, target)].map((p) => posix.normalize(p));
  const inside = (p: string) => (root === '' ? !p.startsWith('../') && p !== '..' : p === root || p.startsWith(`${root}/`));
  // `../x.h` that stays inside the project is fine; one that leaves it is not.
  if (target.split('/').includes('..') && !candidates.every(inside)) return { outside: true, candidates: [] };
  return { outside: false, candidates: candidates.filter(inside) };
}

function relativeTo(root: string, path: string): string {
  return root === '' ? path : path.slice(root.length + 1);
}

function scriptOneLiner(path: string, text: string): OneLiner {
  const lines = text.split('\n').length;
  return {
    kind: 'bpftrace',
    line: 1,
    endLine: lines,
    heading: path,
    command: `bpftrace ${path}`,
    argv: ['bpftrace', '-e', text],
    env: {},
    shellSyntax: [],
  };
}

const mib = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`);
