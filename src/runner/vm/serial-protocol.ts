/**
 * How the host hands a request to the guest agent over the serial line it also reads the
 * answer from. The agent is started (and, with a snapshot, frozen) before any request exists,
 * so it announces itself with a heartbeat line and the host answers the first one it sees with
 * one request line. The request is base64 so nothing in a member's one-liner can look like a
 * marker or reach the tty as a control character.
 */
export const READY_MARKER = '@@STUDYBOT-READY@@';
export const REQUEST_PREFIX = '@@STUDYBOT-REQUEST@@';

/**
 * Host to a parked guest, before any request (warm-pool.ts): compile and attach the warm-up
 * program once more in this QEMU, so the code it translated for bpftrace and LLVM is still
 * there when the request comes (under full emulation that translation is much of a compile).
 * The agent answers WARMED_MARKER and waits for its request as before.
 */
export const WARMUP_LINE = '@@STUDYBOT-WARMUP@@\n';
export const WARMED_MARKER = '@@STUDYBOT-WARMED@@';

/** How often a waiting agent says it is ready: the host's wait after a snapshot restore. */
export const READY_INTERVAL_MS = 100;

/** A request line is at most this long (50 one-liners of a few KB each, base64'd, fit). */
export const MAX_REQUEST_LINE = 8 * 1024 * 1024;

export function encodeRequestLine(request: unknown): string {
  return `${REQUEST_PREFIX}${Buffer.from(JSON.stringify(request), 'utf8').toString('base64')}\n`;
}

/** The request in a line the host sent, or null when the line is not one. */
export function decodeRequestLine(line: string): unknown {
  const at = line.indexOf(REQUEST_PREFIX);
  if (at === -1) return null;
  const body = line.slice(at + REQUEST_PREFIX.length).trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) return null;
  try {
    return JSON.parse(Buffer.from(body, 'base64').toString('utf8'));
  } catch {
    return null;
  }
}

/** Console text without the heartbeat lines, for a message about a guest that gave no answer. */
export const withoutHeartbeats = (text: string): string => text.split(READY_MARKER).join('').replace(/(\r?\n){3,}/g, '\n\n');
