import { collectProject, type CollectedProject, type ProjectFiles } from './collect-sources.js';

/**
 * One round of collecting a project that lives somewhere slow (fetch-project-files.ts), as
 * plain data that can cross to a worker thread: the listing, the bytes downloaded so far, and
 * the files that will not be downloaded. The collector classifies every listed file (up to
 * 5,000) and reads every downloaded one (up to 8 MiB) each round, which held the bot's event
 * loop half a second in the attack review; the bot runs rounds in its worker pool.
 */
export interface ProjectSnapshot {
  root: string;
  listed: { path: string; size: number }[];
  /** downloaded bytes by path */
  contents: [string, Uint8Array][];
  /** paths the collector may want but will not get (not read, or not worth a download) */
  withheld: string[];
  /** the last round whatever it asks: the verdict is wanted even if it asks for more */
  final?: boolean;
}

export interface CollectedRound {
  /**
   * The verdict, once nothing more is asked (or on the final round): a round that asks for
   * more is followed by another, and sending 5,000 files' entries back for nothing cost the
   * event loop more than the round itself.
   */
  collected: CollectedProject | null;
  /** listed paths the collector tried to read that are neither downloaded nor withheld */
  asked: string[];
}

/** Pure: what the collector makes of the snapshot, and what it asked for that is not there yet. */
export function collectRound(snapshot: ProjectSnapshot): CollectedRound {
  const listed = new Set(snapshot.listed.map((f) => f.path));
  const bytes = new Map(snapshot.contents);
  const withheld = new Set(snapshot.withheld);
  const asked = new Set<string>();
  const files: ProjectFiles = {
    list: () => snapshot.listed,
    read(path, maxBytes) {
      const got = bytes.get(path);
      if (got) return got.subarray(0, maxBytes);
      if (!withheld.has(path) && listed.has(path)) asked.add(path);
      return null;
    },
  };
  const collected = collectProject(snapshot.root, files);
  return { collected: asked.size === 0 || snapshot.final ? collected : null, asked: [...asked] };
}

/** Where a round runs: inline (the CLI, tests) or in the bot's worker pool. */
export type ProjectCollector = (snapshot: ProjectSnapshot) => Promise<CollectedRound>;

export const collectInline: ProjectCollector = async (snapshot) => collectRound(snapshot);
