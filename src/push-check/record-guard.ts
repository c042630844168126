import { nfc } from '../paths/study-paths.js';
import type { PathChange } from './changed-paths.js';

/**
 * Everyone pushes to main and force pushes are allowed, so nothing stops a member from
 * wiping out someone else's notes by accident (a `git push -f` from a stale clone). The
 * guard finds removals and rewrites of paths that belong to another member. Whether the
 * pusher is an organizer (who may tidy up anything) is asked of GitHub afterwards, and only
 * when this finds something.
 */

export interface WipedRecord {
  path: string;
  /** the roster name the path belongs to */
  owner: string;
  change: 'removed' | 'modified';
}

export interface GuardInput {
  changes: readonly PathChange[];
  /** the pusher's GitHub login */
  pusherLogin: string;
  /** the pusher's roster name, null when they are not on the roster */
  pusherMember: string | null;
  /**
   * Every roster name a path belongs to, under each config that matters: the one before the
   * push and the one after it, so a push cannot dodge the guard by rewriting the roster.
   */
  ownersOf: (path: string) => string[];
  /** with an empty roster, names in paths are compared with the pusher's login instead */
  rosterIsEmpty: boolean;
}

export function findWipedRecords(input: GuardInput): WipedRecord[] {
  const isPusher = (owner: string): boolean => {
    if (input.pusherMember !== null && nfc(owner) === nfc(input.pusherMember)) return true;
    return input.rosterIsEmpty && nfc(owner).toLowerCase() === input.pusherLogin.toLowerCase();
  };
  const wiped: WipedRecord[] = [];
  for (const change of input.changes) {
    if (change.status === 'added') continue;
    const others = input.ownersOf(change.path).filter((owner) => !isPusher(owner));
    if (others.length === 0) continue;
    // An exact move that keeps the record with its owner (a misplaced file put in its place) wipes nothing.
    if (change.movedTo) {
      const keptBy = input.ownersOf(change.movedTo);
      if (others.every((owner) => keptBy.includes(owner))) continue;
    }
    wiped.push({ path: change.path, owner: others[0], change: change.status });
  }
  return wiped;
}

/** A path as one shell word: bare when it is plainly safe, single-quoted otherwise. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_./@%+=:,-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The exact command that brings the files back as they were at `before`. */
export function restoreCommand(before: string, paths: readonly string[]): string {
  return `git checkout ${before} -- ${paths.map(shellQuote).join(' ')}`;
}
