import type { CheckedFile } from '../check/check-result-block.js';

/**
 * One push, one report refresh. The push check and the attendance report both answer a
 * `push`; the report waits for the check's verdicts and writes them together with the
 * push's first-seen times in a single refresh, instead of refreshing once for the push and
 * again for the `check_run.completed` that follows. That later event is then skipped when
 * this process already recorded its verdicts (a restarted process records them from it).
 */
export interface CheckedPush {
  checkRunId: number;
  files: CheckedFile[];
  completedAt: Date;
}

interface Entry {
  checked: Promise<CheckedPush | null>;
  resolve: (outcome: CheckedPush | null) => void;
}

/** How many pushes (and handed-over check runs) are remembered; older ones fall back to the webhook path. */
const REMEMBERED = 500;

export class PushOutcomes {
  private readonly pushes = new Map<string, Entry>();
  /** check run id → whether the report refresh that carried its verdicts wrote them */
  private readonly recorded = new Map<number, Promise<boolean>>();

  static key(repo: { owner: string; repo: string }, before: string, after: string): string {
    return `${repo.owner}/${repo.repo}`.toLowerCase() + `@${before}..${after}`;
  }

  /** The push check starts on this push: its outcome will be `settle`d (null when there are no verdicts). */
  begin(key: string): (outcome: CheckedPush | null) => void {
    let resolve!: (outcome: CheckedPush | null) => void;
    const checked = new Promise<CheckedPush | null>((r) => (resolve = r));
    this.pushes.set(key, { checked, resolve });
    trim(this.pushes);
    return (outcome) => resolve(outcome);
  }

  /** The check's outcome for this push, or null when no check of this process is on it. */
  outcome(key: string): Promise<CheckedPush | null> | null {
    return this.pushes.get(key)?.checked ?? null;
  }

  /** The report took over `checkRunId`'s verdicts; `written` resolves to whether its refresh succeeded. */
  handOver(checkRunId: number, written: Promise<boolean>): void {
    this.recorded.set(checkRunId, written);
    trim(this.recorded);
  }

  /** Whether this process already wrote the run's verdicts into the report (waits for a refresh under way). */
  async wasRecorded(checkRunId: number): Promise<boolean> {
    return (await this.recorded.get(checkRunId)) ?? false;
  }
}

function trim<K, V>(map: Map<K, V>): void {
  while (map.size > REMEMBERED) map.delete(map.keys().next().value as K);
}

const registries = new WeakMap<object, PushOutcomes>();

/** The registry of one app instance (`owner` is the app's deps object). */
export function pushOutcomesOf(owner: object): PushOutcomes {
  let outcomes = registries.get(owner);
  if (!outcomes) {
    outcomes = new PushOutcomes();
    registries.set(owner, outcomes);
  }
  return outcomes;
}
