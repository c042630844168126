import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import type { ResourceLimits, Worker } from 'node:worker_threads';

/**
 * node:worker_threads, loaded when the first worker starts: the CLI checks a few notes on its
 * own thread and never starts one, and loading the module is a few ms of its one-note check.
 */
const workerThreads = () => createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');

/**
 * A small pool of worker threads where every task has a budget: a deadline (past it, the
 * worker is terminated and replaced) and a memory limit (V8's `resourceLimits`; a worker
 * that runs out is ended by V8 and replaced). The event loop of the bot or the CLI never
 * runs the task itself, so a pathological file costs one worker's budget, never a webhook.
 *
 * Why not piscina: its workers load the task module by `require()`/`import()` of a file
 * path, and under tsx (tests, `npm start` before the build) a worker thread does not inherit
 * the TypeScript loader; our entry (`worker-entry.ts`) needs a bootstrap that registers tsx
 * first. The pool needs little else: a queue, a deadline per task, replacement on failure.
 */
export interface Budget {
  /** wall-clock milliseconds a task may run once a ready worker has it */
  timeoutMs: number;
  /** V8 old-generation heap of one worker, in MB */
  memoryMb: number;
}

export type TaskOutcome<R> =
  | { ok: true; value: R }
  | { ok: false; reason: 'timeout' | 'memory' | 'stack' | 'crash'; detail: string };

export interface PoolOptions {
  /** the worker's module (see `workerEntry()`) */
  entry: URL;
  size: number;
  budget: Budget;
}

interface Task {
  message: unknown;
  budget: Budget;
  settle(outcome: TaskOutcome<unknown>): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  task: Task | null;
  timer: NodeJS.Timeout | null;
  /** set when this slot's worker was ended on purpose (deadline) */
  ending: boolean;
}

/** Reply of the worker: `{ ready: true }` once loaded, then `{ ok, value | error }` per task. */
type WorkerReply = { ready: true } | { ok: true; value: unknown } | { ok: false; error: string; stack: boolean };

export class BudgetedPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Task[] = [];
  private closed = false;

  constructor(private readonly options: PoolOptions) {}

  /** Runs one task on the next free worker; never rejects for the task's own failures. */
  run<R>(message: unknown, budget: Partial<Budget> = {}): Promise<TaskOutcome<R>> {
    if (this.closed) return Promise.resolve({ ok: false, reason: 'crash', detail: 'the worker pool is closed' });
    return new Promise((resolve) => {
      this.queue.push({ message, budget: { ...this.options.budget, ...budget }, settle: resolve as Task['settle'] });
      this.pump();
    });
  }

  /**
   * Starts up to `workers` workers now (never more than the pool's size), before any task: a
   * caller that knows work is coming lets them load while it reads files. Idle workers do not
   * keep the process alive.
   */
  warm(workers: number): void {
    if (this.closed) return;
    while (this.slots.size < Math.min(workers, this.options.size)) this.spawn();
  }

  /** Workers started and not ended (loading, idle or busy). */
  get workers(): number {
    return this.slots.size;
  }

  /** Ends every worker; queued tasks settle as crashes. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.settle({ ok: false, reason: 'crash', detail: 'the worker pool is closed' });
    await Promise.all([...this.slots].map((slot) => this.end(slot)));
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.ready && !slot.task) this.start(slot, this.queue.shift()!);
    }
    // Workers still loading take queued tasks when ready; spawn only what the queue still needs.
    let loading = [...this.slots].filter((s) => !s.ready).length;
    while (this.queue.length > loading && this.slots.size < this.options.size) {
      this.spawn();
      loading++;
    }
  }

  private spawn(): void {
    // The old generation is what a runaway parse grows; the young generation and the stack
    // stay near V8's defaults (a deeper stack lets a legitimately nested file finish).
    const resourceLimits: ResourceLimits = { maxOldGenerationSizeMb: this.options.budget.memoryMb, stackSizeMb: 8 };
    const worker = new (workerThreads().Worker)(this.options.entry, { resourceLimits, stdout: false, stderr: false });
    const slot: Slot = { worker, ready: false, task: null, timer: null, ending: false };
    this.slots.add(slot);
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
    worker.on('error', (error: Error & { code?: string }) => {
      const memory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.fail(slot, memory ? 'memory' : 'crash', error.message);
    });
    worker.on('exit', (code) => {
      if (!slot.ending) this.fail(slot, 'crash', `the worker exited with code ${code}`);
    });
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    if ('ready' in reply) {
      slot.ready = true;
      this.pump();
      return;
    }
    const task = slot.task;
    if (!task) return;
    this.clear(slot);
    if (reply.ok) task.settle({ ok: true, value: reply.value });
    else task.settle({ ok: false, reason: reply.stack ? 'stack' : 'crash', detail: reply.error });
    this.pump();
  }

  private start(slot: Slot, task: Task): void {
    slot.task = task;
    slot.worker.ref(); // a CLI waiting on this task must not exit under it
    slot.timer = setTimeout(() => {
      this.fail(slot, 'timeout', `over ${task.budget.timeoutMs} ms`);
    }, task.budget.timeoutMs);
    slot.worker.postMessage(task.message);
  }

  private clear(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.task = null;
    slot.worker.unref();
  }

  /** The slot's task failed or its worker died: settle the task, end and forget the worker, refill. */
  private fail(slot: Slot, reason: 'timeout' | 'memory' | 'crash', detail: string): void {
    if (!this.slots.has(slot)) return;
    const task = slot.task;
    this.clear(slot);
    this.slots.delete(slot);
    void this.end(slot);
    if (task) task.settle({ ok: false, reason, detail });
    else if (!slot.ready) {
      // A worker that cannot even load would fail every task: fail the queue rather than loop.
      for (const queued of this.queue.splice(0)) queued.settle({ ok: false, reason: 'crash', detail });
      return;
    }
    this.pump();
  }

  private async end(slot: Slot): Promise<void> {
    slot.ending = true;
    this.slots.delete(slot);
    if (slot.timer) clearTimeout(slot.timer);
    await slot.worker.terminate().catch(() => {});
  }
}

/** Workers to run: the cores this process may use, at most 4 (parsing is memory-bound past that). */
export function defaultPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const asked = Number.parseInt(env.STUDY_BOT_WORKERS ?? '', 10);
  if (Number.isInteger(asked) && asked >= 1 && asked <= 64) return asked;
  return Math.max(1, Math.min(4, availableParallelism()));
}
