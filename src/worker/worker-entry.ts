import { parentPort } from 'node:worker_threads';
import { serveTasks } from './serve-tasks.js';

/** The module a pool worker runs from the sources and dist/src (shared-pool.ts's `workerEntry`). */
export type { CheckTask, CollectTask, ExtractedOneLiners, ExtractTask, PortableCheckInput, WorkerTask } from './serve-tasks.js';

if (parentPort) await serveTasks(parentPort);
