import os from 'node:os';

/**
 * Guests started before anyone asks (issue 18). Restoring a saved guest under full emulation
 * costs seconds (QEMU reads the whole ~300 MiB state before the guest runs; RUNNER.md), so a
 * few are restored ahead of time and parked where the agent says READY and waits for its one
 * request (serial-protocol.ts). A request takes a parked guest, which then runs that request
 * and nothing else: it leaves the pool when taken and ends with its request, as every guest
 * does. Another one is started in its place once the request's guest has ended, not while it
 * runs: on a 2-core host under TCG a restore next to a running guest slows that guest down.
 *
 * A parked guest is a QEMU process holding hundreds of MiB, so the pool is bounded by memory
 * as well as by count, and stopped with the process (stop(); QEMU also dies with its parent,
 * launch-vm.ts's setpriv --pdeathsig, so not even a SIGKILLed app leaves one behind).
 */

/** What a parked guest is handed when a request takes it. */
export interface ParkedRequest {
  line: string;
  deadlineMs: number;
}

/** One kind of guest the pool keeps: one kernel, one QEMU command line. */
export interface PoolTarget<R> {
  /** Guests of the same key are interchangeable (same kernel, agent, QEMU command line). */
  key: string;
  kernel: string;
  /** Memory one parked guest of this kind holds, bytes (an estimate: its saved state's size). */
  bytes: number;
  /**
   * Starts one guest that parks at READY. `park` resolves with its request, or null to stop it;
   * `onReady` is called once the agent says it is ready; `taken` resolves when a request takes
   * the guest (it may still be starting). Resolves when QEMU has ended.
   */
  launch: (park: Promise<ParkedRequest | null>, onReady: () => void, taken: Promise<void>) => Promise<R>;
}

export interface PoolOptions {
  /** Guests parked per kernel. */
  size: number;
  /** All parked guests together hold at most this many bytes. */
  maxBytes: number;
  /**
   * Runs a guest's start in one of the process's VM slots (verify-in-vm.ts): a refill waits
   * behind running requests rather than competing with them for the CPU.
   */
  withSlot?: <T>(task: () => Promise<T>) => Promise<T>;
  /**
   * The slot is given back as soon as the guest's start is under way instead of once it is
   * parked: for guests started at a low CPU priority (vm-priority.ts), which the scheduler
   * keeps out of a running request's way, so a request need not wait for a refill's slot.
   */
  slotUntilStarted?: boolean;
  /**
   * When a taken guest is replaced: `after` its request's guest ended (the default: on a small
   * host under full emulation a restore next to a running guest slows it), `at-once`, or
   * `never` (the last two only to measure that choice: bench/verify.bench.ts).
   */
  refill?: PoolRefill;
  /** A kind of guest that failed to start this many times in a row is given up on. */
  maxFailures?: number;
  warn?: (message: string) => void;
  /** A guest of this kernel is parked (the app logs it; tests wait for it). */
  onParked?: (kernel: string) => void;
}

export type PoolRefill = 'after' | 'at-once' | 'never';

type GuestState = 'starting' | 'parked' | 'taken' | 'ended';

/** A guest of the pool, handed to exactly one request. */
export class PoolGuest<R> {
  state: GuestState = 'starting';
  /** stop() was called before a request took it: it is not started, or killed. */
  cancelled = false;
  /** The agent said it was ready at some point. */
  wasReady = false;
  /** Resolves true once parked at READY, false when it ended (or was cancelled) first. */
  readonly ready: Promise<boolean>;
  /** QEMU's run; null when the guest was cancelled before it started. */
  readonly result: Promise<R | null>;
  private resolveRequest!: (request: ParkedRequest | null) => void;
  private resolveReady!: (ready: boolean) => void;
  private resolveTaken!: () => void;

  constructor(
    readonly kernel: string,
    readonly bytes: number,
    launch: (park: Promise<ParkedRequest | null>, onReady: () => void, taken: Promise<void>) => Promise<R | null>,
  ) {
    const park = new Promise<ParkedRequest | null>((resolve) => (this.resolveRequest = resolve));
    const taken = new Promise<void>((resolve) => (this.resolveTaken = resolve));
    this.ready = new Promise<boolean>((resolve) => (this.resolveReady = resolve));
    const onReady = () => {
      this.wasReady = true;
      if (this.state === 'starting') this.state = 'parked';
      this.resolveReady(true);
    };
    // Started on the next tick, so `launch` may look at this guest (cancelled) from the start.
    this.result = Promise.resolve().then(() => launch(park, onReady, taken));
    void this.result.then(
      () => this.ended(),
      () => this.ended(),
    );
  }

  /**
   * Hands this guest its request and resolves with its run (null: it never started). Only
   * once, and only after the pool gave it out: a guest that ran one member's programs is
   * never given another's request.
   */
  run(request: ParkedRequest): Promise<R | null> {
    if (this.state !== 'taken' || this.handedOut) throw new Error('a pool guest runs only the one request that took it');
    this.handedOut = true;
    this.resolveRequest(request);
    return this.result;
  }

  private handedOut = false;

  /** The pool gave this guest to a request (it leaves the pool; launch's `taken` resolves). */
  markTaken(): void {
    this.state = 'taken';
    this.resolveTaken();
  }

  /**
   * A taken guest whose request will not run after all (its member's deadline passed while it
   * waited for a VM slot): QEMU is stopped and the guest is never handed another request.
   */
  abandon(): void {
    if (this.handedOut) return;
    this.handedOut = true;
    this.resolveRequest(null);
  }

  stop(): void {
    if (this.state === 'taken') return;
    this.cancelled = true;
    this.resolveRequest(null);
  }

  private ended(): void {
    if (this.state !== 'taken') this.state = 'ended';
    this.resolveReady(false);
    this.resolveRequest(null);
  }
}

export interface PoolStatus {
  kernel: string;
  /** Guests at READY now. */
  parked: number;
  /** Guests being restored or booted for the pool now. */
  starting: number;
  /** The pool's goal for this kernel, after the memory bound. */
  size: number;
  /** What the parked and starting guests hold, estimated, bytes. */
  bytes: number;
  /** Given up on after repeated failures to start. */
  failed: boolean;
}

export class WarmPool<R> {
  private readonly guests = new Map<string, PoolGuest<R>[]>();
  private readonly targets = new Map<string, { target: PoolTarget<R>; size: number; failures: number }>();
  private stopped = false;

  constructor(private readonly opts: PoolOptions) {}

  private get maxFailures(): number {
    return this.opts.maxFailures ?? 3;
  }

  /** The kinds of guest to keep, in order of priority (the first kernel is the default one). */
  setTargets(targets: PoolTarget<R>[]): void {
    const sizes = planPool(targets, this.opts.size, this.opts.maxBytes);
    targets.forEach((target, i) => {
      this.targets.set(target.key, { target, size: sizes[i]!, failures: 0 });
      this.fill(target.key);
    });
  }

  /**
   * A guest for this key, taken out of the pool, or null when there is none. It may still be
   * starting: await `ready` (outside any VM slot: its start may be waiting for one).
   */
  take(key: string): PoolGuest<R> | null {
    if (this.stopped) return null;
    const list = this.guests.get(key) ?? [];
    const guest = list.find((g) => g.state === 'parked') ?? list.find((g) => g.state === 'starting');
    if (!guest) return null;
    guest.markTaken();
    this.remove(key, guest);
    // Its replacement starts once this guest has ended (the request's run is over).
    const refill = this.opts.refill ?? 'after';
    if (refill === 'at-once') this.fill(key);
    else if (refill === 'after') void guest.result.finally(() => this.fill(key)).catch(() => undefined);
    return guest;
  }

  status(): PoolStatus[] {
    return [...this.targets.values()].map(({ target, size, failures }) => {
      const list = this.guests.get(target.key) ?? [];
      return {
        kernel: target.kernel,
        parked: list.filter((g) => g.state === 'parked').length,
        starting: list.filter((g) => g.state === 'starting').length,
        size,
        bytes: list.length * target.bytes,
        failed: failures >= this.maxFailures,
      };
    });
  }

  /** Stops every guest no request took, and starts no more; resolves once they are gone. */
  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.guests.values()].flat();
    this.guests.clear();
    for (const guest of all) guest.stop();
    await Promise.all(all.map((guest) => guest.result.then(() => undefined, () => undefined)));
  }

  private fill(key: string): void {
    const entry = this.targets.get(key);
    if (this.stopped || !entry || entry.failures >= this.maxFailures) return;
    const list = this.guests.get(key) ?? [];
    this.guests.set(key, list);
    while (list.length < entry.size) {
      const guest = this.start(entry.target);
      list.push(guest);
      void guest.ready.then((ready) => {
        if (!ready) return;
        entry.failures = 0;
        if (guest.state === 'parked') this.opts.onParked?.(entry.target.kernel);
      });
      // A guest that ended while still in the pool (failed to start, or died parked) is
      // replaced; one that never got ready counts as a failure.
      const ended = () => {
        if (guest.state !== 'ended' || !(this.guests.get(key) ?? []).includes(guest)) return;
        this.remove(key, guest);
        if (this.stopped) return;
        if (!guest.wasReady && ++entry.failures >= this.maxFailures) {
          this.opts.warn?.(`warm pool: guests for ${entry.target.kernel} failed to start ${entry.failures} times in a row; requests start their own`);
          return;
        }
        this.fill(key);
      };
      void guest.result.then(ended, ended);
    }
  }

  private start(target: PoolTarget<R>): PoolGuest<R> {
    const withSlot = this.opts.withSlot;
    const guest: PoolGuest<R> = new PoolGuest<R>(target.kernel, target.bytes, (park, onReady, taken) => {
      if (!withSlot) return guest.cancelled ? Promise.resolve(null) : target.launch(park, onReady, taken);
      // The slot is held while the guest starts and given back once it is parked (or gone);
      // a guest still waiting for its slot when the pool stops is never started.
      return new Promise<R | null>((resolve, reject) => {
        void withSlot(
          () =>
            new Promise<void>((release) => {
              if (guest.cancelled) {
                release();
                return resolve(null);
              }
              const run = target.launch(park, () => {
                release();
                onReady();
              }, taken);
              if (this.opts.slotUntilStarted) release();
              run.then(resolve, reject).finally(release);
            }),
        );
      });
    });
    return guest;
  }

  private remove(key: string, guest: PoolGuest<R>): void {
    const list = this.guests.get(key);
    if (!list) return;
    const at = list.indexOf(guest);
    if (at !== -1) list.splice(at, 1);
  }
}

/**
 * Guests per kind: `size` each, as long as all of them fit in `maxBytes`, the first kinds
 * first (the first kernel is the one a request without --kernel gets).
 */
export function planPool(targets: readonly { bytes: number }[], size: number, maxBytes: number): number[] {
  let budget = maxBytes;
  return targets.map((target) => {
    const fits = target.bytes > 0 ? Math.floor(budget / target.bytes) : size;
    const n = Math.max(0, Math.min(size, fits));
    budget -= n * target.bytes;
    return n;
  });
}

/** Parked guests per kernel: STUDY_BOT_VM_POOL (0 = none), one by default. */
export function poolSize(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.STUDY_BOT_VM_POOL;
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 && n <= 16 ? n : 1;
}

/** The memory all parked guests may hold: STUDY_BOT_VM_POOL_MAX_MB, a quarter of the host's by default. */
export function poolMaxBytes(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.STUDY_BOT_VM_POOL_MAX_MB);
  if (Number.isInteger(n) && n >= 0) return n * 1024 * 1024;
  return Math.floor(os.totalmem() / 4);
}
