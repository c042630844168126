import type { MessagePort } from 'node:worker_threads';
import { treeOf } from '../check/disk-repo.js';
import { extractOneLiners } from '../oneliners/extract-oneliners.js';
import type { OneLiner } from '../oneliners/types.js';
import { loadShellParser } from '../oneliners/shell-parser.js';
import { checkMarkdown, type MarkdownCheckInput, type MarkdownCheckResult } from '../rubric/check-markdown.js';
import { collectRound, type CollectedRound, type ProjectSnapshot } from '../project/collect-round.js';

/**
 * What every pool worker runs (worker-entry.ts; in the CLI bundle, bundled-worker.ts): loads
 * the rubric engine and the bash grammar once, says it is ready, then checks (or extracts the
 * one-liners of) one file per message. Budgets are the pool's business; a worker only reports
 * what happened.
 */
export type PortableCheckInput = Omit<MarkdownCheckInput, 'tree'> & { treePaths: string[] };

export interface CheckTask {
  kind: 'check-markdown';
  input: PortableCheckInput;
}

/** `/verify` and `study-bot verify`: the one-liners of a note, nothing else. */
export interface ExtractTask {
  kind: 'extract-oneliners';
  markdown: string;
  /**
   * At most this many one-liners come back (the first ones), with the count of all: a 1 MiB
   * note holds tens of thousands, and every one sent back is copied onto the event loop.
   */
  limit?: number;
}

/** What an extraction sends back: the first one-liners (all, without a limit) and how many there were. */
export interface ExtractedOneLiners {
  oneLiners: OneLiner[];
  total: number;
}

/** `/verify project`: one round of the collector over a project folder read from GitHub. */
export interface CollectTask {
  kind: 'collect-project';
  snapshot: ProjectSnapshot;
}

export type WorkerTask = CheckTask | ExtractTask | CollectTask;

const STACK_OVERFLOW = /Maximum call stack size exceeded/;

async function checkTask({ input }: CheckTask): Promise<MarkdownCheckResult> {
  const { treePaths, ...rest } = input;
  // loads the bash grammar if the note needs it and the worker has not yet (check-markdown.ts)
  const result = await checkMarkdown({ ...rest, tree: treeOf(treePaths) });
  // The engine turns any throw into an "internal error" finding; a stack overflow is the
  // file's shape, not our bug, and the pool reports it as "too deeply nested".
  const overflow = result.findings.find((f) => STACK_OVERFLOW.test(f.message));
  if (overflow) throw new RangeError(`Maximum call stack size exceeded (rule ${overflow.rule})`);
  return result;
}

async function extractTask({ markdown, limit }: ExtractTask): Promise<ExtractedOneLiners> {
  const all = await extractOneLiners(markdown);
  return { oneLiners: limit === undefined ? all : all.slice(0, limit), total: all.length };
}

const run = async (task: WorkerTask): Promise<MarkdownCheckResult | ExtractedOneLiners | CollectedRound> =>
  task.kind === 'extract-oneliners' ? extractTask(task) : task.kind === 'collect-project' ? collectRound(task.snapshot) : checkTask(task);

/**
 * Serves `port` until the worker is ended. `afterFirstReply` runs once, after the first task's
 * answer is sent (the CLI bundle's worker saves its code cache then: what a check compiles).
 * `lazyShellParser`: the bash grammar is loaded when a note first needs it, not before the
 * worker says it is ready (the CLI, whose notes are mostly plain commands: simple-shell.ts);
 * the bot's workers load it first, so no task's budget pays for it.
 */
export async function serveTasks(port: MessagePort, afterFirstReply?: () => void, options: { lazyShellParser?: boolean } = {}): Promise<void> {
  if (!options.lazyShellParser) await loadShellParser();
  let first = afterFirstReply;
  port.on('message', async (task: WorkerTask) => {
    try {
      port.postMessage({ ok: true, value: await run(task) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      port.postMessage({ ok: false, error: message, stack: STACK_OVERFLOW.test(message) });
    }
    const after = first;
    first = undefined;
    after?.();
  });
  port.postMessage({ ready: true });
}
