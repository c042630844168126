import { posix } from 'node:path';
import type { CollectedProject, ProjectFiles } from './collect-sources.js';
import { collectInline, type ProjectCollector } from './collect-round.js';
import { MAX_PROJECT_FILE_BYTES } from './project-request.js';
import type { ProjectEntry } from './project-report.js';

/**
 * A project folder that lives somewhere slow (GitHub, for `/verify project`) as the collector's
 * synchronous ProjectFiles: the listing is known up front (the git tree, with sizes), bytes are
 * fetched only for what the collector asks to read, and only within a budget decided before
 * each download from the listed size. The collector is pure and cheap, so it is simply run
 * again after each round of downloads until it asks for nothing new: the first round reads the
 * sources it classifies, later rounds the project headers they include (a header `#include`s
 * another: one round per level, bounded by MAX_ROUNDS).
 *
 * What is never downloaded: files the collector decides by their path (headers nobody
 * includes, objects, the 10 MB vmlinux.h, which the guest makes from its own kernel's BTF),
 * a file over MAX_PROJECT_FILE_BYTES, anything past MAX_FETCHED_FILES or MAX_FETCHED_BYTES.
 * Each of those that the collector wanted gets a finding saying so.
 *
 * `collect` runs each round: inline by default; the bot passes its worker pool's, since a round
 * over a large folder is too much work for the event loop (collect-round.ts).
 */
export interface ListedFile {
  path: string;
  size: number;
}

/** Downloads per request, in files and bytes (the payload's own caps are smaller still). */
export const MAX_FETCHED_FILES = 200;
export const MAX_FETCHED_BYTES = 8 * 1024 * 1024;
/** Files of one folder the collector looks at; past it the request says the folder was cut. */
export const MAX_LISTED_FILES = 5_000;
const MAX_ROUNDS = 18;

export interface FetchedProject {
  files: ProjectFiles;
  /** the collector's verdict on everything that was downloaded (its last round) */
  collected: CollectedProject;
  /** Files the collector wanted and that were not downloaded, with why (Korean, then English). */
  notRead: Map<string, string>;
  /** The listing had more than MAX_LISTED_FILES files: only the first were looked at. */
  cut: boolean;
  /** Blobs downloaded, and their bytes. */
  fetched: { files: number; bytes: number };
}

const bi = (ko: string, en: string) => `${ko} (${en})`;
const kib = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`);

/** eBPF-looking files first, so a budget that runs out leaves out the least likely ones. */
function priority(path: string): number {
  const base = posix.basename(path).toLowerCase();
  if (/\.bpf\.c$|_kern\.c$|\.bt$/.test(base)) return 0;
  if (base.endsWith('.py')) return 1;
  if (base.endsWith('.h')) return 2;
  if (base.endsWith('.c')) return 3;
  return 4;
}

/** Files without an extension (a compiled program, a Makefile) are not worth a download here. */
const worthFetching = (path: string) => posix.basename(path).includes('.') && !path.split('/').includes('__pycache__');

export async function fetchProjectFiles(
  root: string,
  listing: readonly ListedFile[],
  download: (path: string) => Promise<Uint8Array>,
  collect: ProjectCollector = collectInline,
): Promise<FetchedProject> {
  const inside = listing.filter((f) => root === '' || f.path.startsWith(`${root}/`));
  inside.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const listed = inside.slice(0, MAX_LISTED_FILES).map((f) => ({ path: f.path, size: f.size }));
  const sizes = new Map(listed.map((f) => [f.path, f.size]));
  const bytes = new Map<string, Uint8Array>();
  const notRead = new Map<string, string>();
  /** Not downloaded and not worth a finding (a Makefile, a compiled program): "not an eBPF source". */
  const ignored = new Set<string>();
  let total = 0;
  const files: ProjectFiles = {
    list: () => listed,
    read: (path, maxBytes) => bytes.get(path)?.subarray(0, maxBytes) ?? null,
  };
  const round = (final: boolean) => collect({ root, listed, contents: [...bytes], withheld: [...notRead.keys(), ...ignored], final });
  let last = await round(false);
  for (let rounds = 1; rounds <= MAX_ROUNDS; rounds++) {
    const wanted = last.asked.filter((p) => !bytes.has(p));
    if (wanted.length === 0) break;
    wanted.sort((a, b) => priority(a) - priority(b) || (a < b ? -1 : 1));
    for (const path of wanted) {
      const size = sizes.get(path)!;
      if (!worthFetching(path)) ignored.add(path);
      else if (size > MAX_PROJECT_FILE_BYTES) notRead.set(path, bi(`너무 커서 읽지 않았습니다: ${kib(size)} > ${kib(MAX_PROJECT_FILE_BYTES)}`, `too large to read: ${kib(size)} > ${kib(MAX_PROJECT_FILE_BYTES)}`));
      else if (bytes.size >= MAX_FETCHED_FILES) notRead.set(path, bi(`한 요청에 파일 ${MAX_FETCHED_FILES}개까지 읽습니다: 읽지 않았습니다`, `a request reads at most ${MAX_FETCHED_FILES} files: not read`));
      else if (total + size > MAX_FETCHED_BYTES) notRead.set(path, bi(`한 요청에 모두 ${kib(MAX_FETCHED_BYTES)}까지 읽습니다: 읽지 않았습니다`, `a request reads at most ${kib(MAX_FETCHED_BYTES)} in all: not read`));
      else {
        const got = await download(path);
        // The listing said how big it is; a blob that is bigger is cut to what was budgeted.
        bytes.set(path, got.length > size ? got.subarray(0, size) : got);
        total += Math.min(got.length, size);
      }
    }
    // The verdict on what was just downloaded (and, unless it asks again, the last one).
    last = await round(rounds === MAX_ROUNDS);
  }
  const collected = last.collected ?? (await round(true)).collected!;
  return { files, collected, notRead, cut: inside.length > listed.length, fetched: { files: bytes.size, bytes: total } };
}

/**
 * The collector's entries with the reason a file was not downloaded where it said less (a
 * source it could not classify is "not an eBPF source" to it; here it is "too large to read").
 */
export function withNotRead(entries: readonly ProjectEntry[], notRead: ReadonlyMap<string, string>): ProjectEntry[] {
  return entries.map((e) => {
    const why = notRead.get(e.path);
    if (why && e.status === 'skipped') return { ...e, status: 'denied' as const, message: why };
    // A source refused because a header it includes could not be read: say why not.
    if (e.status === 'denied') {
      const header = /\(cannot read (.+)\)$/.exec(e.message)?.[1];
      const because = header ? notRead.get(header) : undefined;
      if (header && because) return { ...e, message: `${header}: ${because}` };
    }
    return e;
  });
}
