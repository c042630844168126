import type { Logger } from 'probot';

/**
 * Local development receives GitHub's deliveries through a smee.io channel
 * (`WEBHOOK_PROXY_URL`). Probot would start the smee client itself, but an unreachable
 * channel (no network, DNS failure, smee.io down) rejects inside Probot's start-up and ends
 * the process (`ENOTFOUND smee.io`), webhook server and all. The proxy is a convenience, so
 * here its failure is logged and retried with a growing pause, and the server keeps running.
 */

/** What study-bot needs of smee-client's `SmeeClient`. */
export interface ProxyClient {
  start(): Promise<unknown>;
  stop(): Promise<void>;
}
export type ProxyClientFactory = (options: { source: string; target: string; logger: Logger }) => ProxyClient;

export interface WebhookProxyOptions {
  /** WEBHOOK_PROXY_URL */
  source: string;
  /** this server's webhook endpoint */
  target: string;
  log: Logger;
  /** smee-client when installed (a dev dependency); null when it is not */
  createClient?: () => Promise<ProxyClientFactory | null>;
  /** pauses before the 1st, 2nd, … retry; the last one repeats */
  retryDelaysMs?: readonly number[];
}

export interface WebhookProxy {
  stop(): Promise<void>;
}

const DEFAULT_RETRY_DELAYS_MS = [5_000, 15_000, 60_000, 300_000];

async function smeeClientFactory(): Promise<ProxyClientFactory | null> {
  try {
    const { SmeeClient } = await import('smee-client');
    return (options) => new SmeeClient(options);
  } catch {
    return null;
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  // EventSource rejects with an ErrorEvent, whose `message` carries the cause
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message !== '' ? message : String(error);
}

/** Starts forwarding in the background; never throws, never waits for the channel. */
export async function startWebhookProxy(options: WebhookProxyOptions): Promise<WebhookProxy> {
  const { source, target, log } = options;
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const create = await (options.createClient ?? smeeClientFactory)();
  if (!create) {
    log.warn(`webhook proxy ${source} not started: smee-client is not installed (npm install --save-dev smee-client)`);
    return { stop: async () => {} };
  }

  let client: ProxyClient | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let failures = 0;

  const attempt = async (): Promise<void> => {
    if (stopped) return;
    const current = create({ source, target, logger: log });
    client = current;
    try {
      await current.start();
      failures = 0;
    } catch (error) {
      // Stop this client's own reconnect loop: it would log an error every few seconds.
      await current.stop().catch(() => {});
      if (stopped) return;
      const delay = delays[Math.min(failures, delays.length - 1)];
      failures++;
      log.warn(
        `webhook proxy ${source} unreachable (${describeError(error)}); the app keeps running ` +
          `and retries in ${Math.round(delay / 1000)} s. Deliveries sent meanwhile can be redelivered ` +
          "from the app's settings (Advanced → Recent Deliveries).",
      );
      timer = setTimeout(() => void attempt(), delay);
    }
  };
  void attempt();

  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await client?.stop().catch(() => {});
    },
  };
}
