/**
 * Writes that create something (a check run, a comment, an issue) must not happen twice.
 * Probot's Octokit retries any request after a 5xx, POSTs included (@octokit/plugin-retry
 * skips only 400/401/403/404/410/422/451), yet a 502 or a timeout often comes back after
 * GitHub has already stored the new object: the retry creates a second one. So every create
 * goes out with the plugin's retries off, and after an answer that leaves the outcome unknown
 * the caller's `find` looks for what the first attempt may have made before trying again.
 */

/** Per-request option of @octokit/plugin-retry: this request is sent once. */
export const SEND_ONCE = { request: { retries: 0 } } as const;

const statusOf = (error: unknown): number | undefined => (error as { status?: number } | null)?.status;

/**
 * Whether a failed write may have been applied anyway: GitHub answered 5xx, or no answer
 * came at all (a reset connection, a timeout: Octokit reports those with status 500 or
 * none). A 4xx means GitHub refused it; nothing was made.
 */
export const mayHaveLanded = (error: unknown): boolean => {
  const status = statusOf(error);
  return status === undefined || status >= 500;
};

export interface CreateOnceOptions {
  /**
   * Waits before each look-then-retry; its length is how many more attempts are made.
   * GitHub's reads can lag its writes a little, so the first look is not immediate.
   */
  delaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_CREATE_DELAYS_MS: readonly number[] = [500, 2000];

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.());

/**
 * `create` (sent with SEND_ONCE), and after an unknown outcome: wait, `find`, and only when
 * nothing is found `create` again. Errors that say nothing was created (4xx) and errors of
 * `find` itself are thrown as they are; after the last attempt the last error is.
 */
export async function createOnce<T>(create: () => Promise<T>, find: () => Promise<T | null>, options: CreateOnceOptions = {}): Promise<T> {
  const delays = options.delaysMs ?? DEFAULT_CREATE_DELAYS_MS;
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await create();
    } catch (error) {
      if (!mayHaveLanded(error) || attempt >= delays.length) throw error;
      await sleep(delays[attempt]!);
      const found = await find();
      if (found !== null) return found;
    }
  }
}
