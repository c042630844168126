import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * GitHub caps a webhook's payload at 25 MB and does not deliver larger events
 * (docs.github.com, "Webhook events and payloads": "Payloads are capped at 25 MB").
 */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;
/** Bodies of deliveries being read at once, in all: more waiting bodies are refused with 503. */
export const MAX_WEBHOOK_BYTES_IN_FLIGHT = 64 * 1024 * 1024;

export interface WebhookGuardOptions {
  path: string;
  /** the secrets a delivery may be signed with (WEBHOOK_SECRET); none: the guard only bounds sizes */
  secrets: string[];
  log?: { warn: (message: string) => void };
  maxBytes?: number;
  maxBytesInFlight?: number;
}

/**
 * In front of Probot's webhook middleware. Anyone who can reach the webhook URL can POST to it,
 * and the middleware (@octokit/webhooks) reads the whole body into memory, checks the signature
 * and, when it does not match, logs an error carrying the whole payload: a forged 64 MiB body
 * stalled /ping for 7 s and grew the app by 333 MiB. Here a body must declare its length (GitHub
 * always does), at most GitHub's own cap; the signature is computed chunk by chunk as the body
 * arrives, so nothing large runs on the event loop at once; and a forged body is answered 400
 * with one short log line. A genuine delivery goes on to Probot with the body already read
 * (`req.body`, which the middleware takes as is). Returns whether it answered the request
 * itself (refused it); false: hand it on.
 */
export function webhookGuard(options: WebhookGuardOptions): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const maxBytes = options.maxBytes ?? MAX_WEBHOOK_BYTES;
  const maxInFlight = options.maxBytesInFlight ?? MAX_WEBHOOK_BYTES_IN_FLIGHT;
  let inFlight = 0;
  return async (req, res) => {
    if (req.method !== 'POST' || pathOf(req.url) !== options.path) return false;
    const declared = req.headers['content-length'];
    const length = declared !== undefined && /^\d{1,12}$/.test(declared) ? Number(declared) : null;
    if (length === null) return refuse(req, res, 411, 'a webhook delivery must declare its Content-Length');
    if (length > maxBytes) {
      options.log?.warn(`webhook refused: a body of ${length} bytes is over GitHub's ${maxBytes}-byte cap`);
      return refuse(req, res, 413, `the body is over GitHub's cap of ${maxBytes} bytes`);
    }
    if (inFlight + length > maxInFlight) return refuse(req, res, 503, 'too many deliveries being read; GitHub will redeliver');
    inFlight += length;
    try {
      const body = await readSigned(req, options.secrets);
      if (body === null) return refuse(req, res, 400, 'the body ended early');
      const signature = req.headers['x-hub-signature-256'];
      if (options.secrets.length > 0 && !(typeof signature === 'string' && body.digests.some((d) => sameSignature(signature, d)))) {
        options.log?.warn(`webhook refused: the signature of a ${length}-byte ${String(req.headers['x-github-event'] ?? '?')} delivery does not match`);
        return refuse(req, res, 400, 'signature does not match event payload and secret');
      }
      // The middleware reads `req.body` when it is a string instead of the (consumed) stream.
      (req as IncomingMessage & { body?: string }).body = body.text();
    } finally {
      inFlight -= length;
    }
    return false;
  };
}

function pathOf(url: string | undefined): string | null {
  try {
    let path = new URL(url ?? '/', 'http://localhost').pathname;
    while (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    return path;
  } catch {
    return null;
  }
}

/** The body as text and its HMAC-SHA256 under each secret, updated per chunk; null when it ended early. */
function readSigned(req: IncomingMessage, secrets: string[]): Promise<{ text: () => string; digests: string[] } | null> {
  return new Promise((resolve) => {
    const hmacs = secrets.map((s) => createHmac('sha256', s));
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      for (const h of hmacs) h.update(chunk);
    });
    // decoded only when asked: a forged body is never turned into one large string
    req.once('end', () => resolve({ text: () => Buffer.concat(chunks).toString('utf8'), digests: hmacs.map((h) => `sha256=${h.digest('hex')}`) }));
    req.once('error', () => resolve(null));
    req.once('aborted', () => resolve(null));
  });
}

function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuse(req: IncomingMessage, res: ServerResponse, status: number, message: string): true {
  if (!res.headersSent) {
    // The rest of a refused body is not read: close the connection instead of draining it.
    res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify({ error: message }));
  }
  res.once('finish', () => req.destroy());
  return true;
}
