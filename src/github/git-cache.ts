import type { RepoRef } from './octokit.js';
import type { GitTree } from './push-git.js';

/**
 * Git objects never change: the tree at a commit and a blob by its sha are the same for
 * whoever asks. One push is read by the push check and by the attendance report at the same
 * moment; both read through this cache, so the tree, the config blob and the notes are
 * fetched once per push (a reader that asks while the first request is still in flight
 * waits for it). Small and short-lived: the few newest trees and small blobs per process.
 *
 * Keys carry the repository: an object is only ever served to a reader of the repository
 * it was fetched from (with that installation's token).
 */
export interface GitCacheLimits {
  trees: number;
  blobs: number;
  /** blobs larger than this are never kept (a note's limit is 1 MiB; the config is small) */
  blobBytes: number;
}

const DEFAULT_LIMITS: GitCacheLimits = { trees: 16, blobs: 256, blobBytes: 256 * 1024 };

export class GitObjectCache {
  private readonly trees = new Map<string, Promise<GitTree>>();
  private readonly blobs = new Map<string, Promise<Uint8Array>>();
  private readonly limits: GitCacheLimits;

  constructor(limits: Partial<GitCacheLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  tree(repo: RepoRef, sha: string, read: () => Promise<GitTree>): Promise<GitTree> {
    return this.remember(this.trees, this.limits.trees, keyOf(repo, sha), read);
  }

  /** `size` (from the tree) decides whether the blob is worth keeping; unknown sizes are fetched uncached. */
  blob(repo: RepoRef, sha: string, size: number | null, read: () => Promise<Uint8Array>): Promise<Uint8Array> {
    if (size === null || size > this.limits.blobBytes) return read();
    return this.remember(this.blobs, this.limits.blobs, keyOf(repo, sha), read);
  }

  private remember<T>(map: Map<string, Promise<T>>, limit: number, key: string, read: () => Promise<T>): Promise<T> {
    const known = map.get(key);
    if (known) {
      // most recently used last
      map.delete(key);
      map.set(key, known);
      return known;
    }
    const pending = read();
    map.set(key, pending);
    // A failed read is not remembered: the next reader tries again.
    pending.catch(() => {
      if (map.get(key) === pending) map.delete(key);
    });
    while (map.size > limit) map.delete(map.keys().next().value as string);
    return pending;
  }
}

const keyOf = (repo: RepoRef, sha: string): string => `${repo.owner}/${repo.repo}@${sha}`.toLowerCase();

const caches = new WeakMap<object, GitObjectCache>();

/** The cache of one app instance (`owner` is the app's deps object: tests never share one). */
export function gitCacheOf(owner: object): GitObjectCache {
  let cache = caches.get(owner);
  if (!cache) {
    cache = new GitObjectCache();
    caches.set(owner, cache);
  }
  return cache;
}
