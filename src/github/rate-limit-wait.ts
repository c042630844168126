/**
 * How long to wait before sending again a request GitHub refused for its rate limits, as
 * GitHub's "Rate limits for the REST API" says to: when `retry-after` is there, that many
 * seconds; when `x-ratelimit-remaining` is 0, until `x-ratelimit-reset` (epoch seconds);
 * otherwise, for a secondary limit, "wait for at least one minute". Retrying sooner counts
 * against the limit again and can get the app's access cut off.
 */
type ErrorLike = {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
};

const MINUTE_MS = 60_000;

const header = (e: ErrorLike, name: string): string | undefined => {
  const value = e.response?.headers?.[name];
  return value === undefined ? undefined : String(value);
};

const messageOf = (e: ErrorLike): string => {
  const data = e.response?.data as { message?: unknown } | undefined;
  return `${typeof data?.message === 'string' ? data.message : ''} ${e.message ?? ''}`;
};

/** The wait GitHub asks for (ms from `now`), or null when `error` is not a rate limit. */
export function rateLimitWaitMs(error: unknown, now: number): number | null {
  const e = (error ?? {}) as ErrorLike;
  if (e.status !== 403 && e.status !== 429) return null;
  const retryAfter = header(e, 'retry-after');
  const remaining = header(e, 'x-ratelimit-remaining');
  const reset = header(e, 'x-ratelimit-reset');
  const limited = e.status === 429 || retryAfter !== undefined || remaining === '0' || /rate limit/i.test(messageOf(e));
  if (!limited) return null; // a plain 403: no right to do it, not a limit
  if (retryAfter !== undefined && /^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
  if (remaining === '0' && reset !== undefined && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now);
  return MINUTE_MS;
}

/** `planned` (the caller's own backoff), or longer when GitHub asked for a longer wait. */
export const waitBeforeRetry = (error: unknown, planned: number, now: number): number => Math.max(planned, rateLimitWaitMs(error, now) ?? 0);
