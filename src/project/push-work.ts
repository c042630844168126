import type { LedgerChange } from '../attendance/ledger.js';
import { buildSchedule } from '../attendance/schedule.js';
import type { StudyConfig } from '../config/schema.js';
import { CLASSIFY_READ_BYTES } from './classify-source.js';
import { attributeCommits, commitKey, ebpfKindFromPath, projectOwners, type ProjectCommit } from './project-work.js';

/**
 * Project work from push webhooks, for the report the bot keeps. The payload names each
 * commit's files but not its lines, and a C or Python file's kind needs its text: both come
 * from GitHub through `PushWorkGitHub`, within a fixed number of requests per refresh however
 * big the push (a member who vendors a library must not cost the bot a thousand requests).
 */
export interface PushWorkGitHub {
  /** lines added + removed per file of one commit, or null when GitHub cannot say */
  commitLines?(sha: string): Promise<Map<string, number> | null>;
  /** the first bytes of a file at a commit (at most CLASSIFY_READ_BYTES), or null */
  filePrefix?(sha: string, path: string): Promise<Uint8Array | null>;
}

export interface PushCommitFacts {
  id?: string;
  message?: string;
  /** the commit's own timestamp from the payload (kept by a rebase): part of its identity */
  timestamp?: string;
  added?: string[];
  removed?: string[];
  modified?: string[];
}

export interface PushWorkFacts {
  after: string;
  pushedAt: number;
  /** the login of who pushed (the payload's `sender`); attributes a folder named for the project */
  pusher?: string | null;
  commits: PushCommitFacts[];
}

/** Commits handled between two turns of the event loop. */
const YIELD_EVERY = 200;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Commits whose lines are asked for, per refresh; the rest count with lines unknown. */
export const LINE_REQUESTS = 10;
/** C and Python files read to tell eBPF from other code, per refresh. */
export const PREFIX_REQUESTS = 20;

export async function pushProjectWork(gh: PushWorkGitHub, config: StudyConfig, pushes: readonly PushWorkFacts[]): Promise<LedgerChange[]> {
  const schedule = buildSchedule(config);
  const commits: (ProjectCommit & { sha: string | null; after: string })[] = [];
  // A push may carry 2,048 commits of hundreds of files each: close to a million (commit, file)
  // pairs over a few hundred paths. Each path's owner is asked once per pusher, and the event
  // loop is let go every few hundred commits (the eleventh attack review: 2.3 s in one block).
  const ownerOf = projectOwners(config);
  let seen = 0;
  for (const push of pushes) {
    for (const c of push.commits) {
      if (++seen % YIELD_EVERY === 0) await nextTurn();
      const touched = [...new Set([...(c.added ?? []), ...(c.modified ?? [])])];
      const files = touched.filter((p) => ownerOf(p, push.pusher ?? null) !== null);
      if (files.length === 0 || !c.message) continue;
      commits.push({
        key: commitKey(c.timestamp ?? c.id ?? '', c.message.split('\n', 1)[0]),
        message: c.message,
        at: push.pushedAt,
        pusher: push.pusher ?? null,
        files: files.map((path) => ({ path, lines: null })),
        sha: c.id ?? null,
        after: push.after,
      });
    }
  }
  if (commits.length === 0) return [];

  let lineRequests = 0;
  for (const commit of commits) {
    if (!gh.commitLines || !commit.sha || lineRequests >= LINE_REQUESTS) break;
    lineRequests++;
    const lines = await gh.commitLines(commit.sha).catch(() => null);
    if (lines) commit.files = commit.files.map((f) => ({ path: f.path, lines: lines.get(f.path) ?? 0 }));
  }

  // Only C and Python need their text; the newest push's tree has the newest version of each.
  const prefixes = new Map<string, Uint8Array | null>();
  const newest = pushes[pushes.length - 1]?.after;
  const candidates = [...new Set(commits.flatMap((c) => c.files.map((f) => f.path)))].filter((p) => /\.(c|py)$/i.test(p) && !ebpfKindFromPath(p));
  for (const path of candidates.slice(0, PREFIX_REQUESTS)) {
    if (!gh.filePrefix || !newest) break;
    const bytes = await gh.filePrefix(newest, path).catch(() => null);
    prefixes.set(path, bytes ? bytes.subarray(0, CLASSIFY_READ_BYTES) : null);
  }
  const work: LedgerChange[] = [];
  for (let i = 0; i < commits.length; i += YIELD_EVERY) {
    if (i > 0) await nextTurn();
    const chunk = attributeCommits(commits.slice(i, i + YIELD_EVERY), config, schedule, { contentOf: (path) => prefixes.get(path) ?? null });
    for (const w of chunk) work.push({ kind: 'work', work: w });
  }
  return work;
}
