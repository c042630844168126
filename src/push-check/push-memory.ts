/**
 * What this process remembers about the pushes it has checked, so that a redelivered
 * webhook does not create a second Check Run without spending a request to find out.
 *
 * A delivery is the same push when it has the same delivery id (GitHub keeps the id on
 * "Redeliver") or the same `before..after`. `after` alone is not enough: a force push that
 * resets main to an older commit has a known `after` but a new `before`, and its check is
 * the one that must report the wiped records.
 *
 * Memory only covers what arrived since the process started. A delivery of a push made
 * before that (a redelivery after a restart or an outage) cannot be judged from memory:
 * `mayPredate` says so, and the handler then asks GitHub for the check runs on `after`.
 * That lookup is spent only then, keeping an ordinary push within its request budget.
 * (One process per app is assumed; several replicas would need a shared store.)
 */
export type Claim = 'new' | 'same-delivery' | 'same-push';

/** GitHub's clock and ours disagree a little, and deliveries take a moment to arrive. */
export const CLOCK_SLACK_MS = 60_000;

export class PushMemory {
  readonly #deliveries = new Map<string, string>();
  readonly #pushes = new Set<string>();

  constructor(
    readonly startedAt: Date,
    private readonly capacity = 5_000,
  ) {}

  static key(repoId: number | string, before: string, after: string): string {
    return `${repoId}:${before}..${after}`;
  }

  /** Claims a delivery of a push; anything but `new` means it is already handled or in hand. */
  claim(deliveryId: string, pushKey: string): Claim {
    if (this.#deliveries.has(deliveryId)) return 'same-delivery';
    if (this.#pushes.has(pushKey)) return 'same-push';
    this.#deliveries.set(deliveryId, pushKey);
    this.#pushes.add(pushKey);
    this.#trim();
    return 'new';
  }

  /** Forgets a push whose check failed, so that a redelivery can try again. */
  release(deliveryId: string, pushKey: string): void {
    this.#deliveries.delete(deliveryId);
    this.#pushes.delete(pushKey);
  }

  /** True when an earlier delivery of a push made at `pushedAt` may have reached another process. */
  mayPredate(pushedAt: Date | null): boolean {
    if (!pushedAt || Number.isNaN(pushedAt.getTime())) return true;
    return pushedAt.getTime() < this.startedAt.getTime() + CLOCK_SLACK_MS;
  }

  #trim(): void {
    // Oldest first: Map and Set iterate in insertion order.
    while (this.#deliveries.size > this.capacity) {
      const [id, key] = this.#deliveries.entries().next().value as [string, string];
      this.#deliveries.delete(id);
      this.#pushes.delete(key);
    }
  }
}
