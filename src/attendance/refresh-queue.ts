/**
 * Serializes and coalesces work per key (one key per repository). Requests that arrive
 * while a run is going on are merged into ONE follow-up run that carries all their items,
 * so N events at once cost two runs, not N, and no item is dropped. A run never overlaps
 * another run of the same key, so read-modify-write of the report cannot race in-process.
 */
export type Runner<T> = (items: T[]) => Promise<void>;

interface KeyState<T> {
  running: boolean;
  /** items waiting for the next run, with the runner of the latest request */
  pending: { items: T[]; runner: Runner<T>; waiters: { resolve: () => void; reject: (e: unknown) => void }[] } | null;
}

export class RefreshQueue<T> {
  private readonly keys = new Map<string, KeyState<T>>();

  /** Resolves when a run that included `items` has finished (rejects if that run failed). */
  request(key: string, items: T[], runner: Runner<T>): Promise<void> {
    let state = this.keys.get(key);
    if (!state) {
      state = { running: false, pending: null };
      this.keys.set(key, state);
    }
    const done = new Promise<void>((resolve, reject) => {
      const pending = (state.pending ??= { items: [], runner, waiters: [] });
      pending.items.push(...items);
      // The latest request's runner carries the freshest credentials (installation token).
      pending.runner = runner;
      pending.waiters.push({ resolve, reject });
    });
    if (!state.running) void this.drain(key, state);
    return done;
  }

  /** Whether a run for `key` is going on or waiting (for tests and the bench). */
  busy(key: string): boolean {
    const state = this.keys.get(key);
    return Boolean(state && (state.running || state.pending));
  }

  private async drain(key: string, state: KeyState<T>): Promise<void> {
    state.running = true;
    try {
      while (state.pending) {
        const batch = state.pending;
        state.pending = null;
        try {
          await batch.runner(batch.items);
          for (const w of batch.waiters) w.resolve();
        } catch (error) {
          for (const w of batch.waiters) w.reject(error);
        }
      }
    } finally {
      state.running = false;
      this.keys.delete(key);
    }
  }
}
