import type { Duplex } from 'node:stream';

/**
 * A QEMU Machine Protocol client, just enough for saving a snapshot: commands answered in
 * order, events skipped. Only the snapshot boot has a monitor (snapshot.ts), on a socket pair
 * QEMU inherits (no path another process could connect to); a guest running a member's
 * programs never has one.
 */
export interface QmpSession {
  execute(command: string, args?: Record<string, unknown>): Promise<unknown>;
  close(): void;
}

const MAX_LINE = 1024 * 1024;

export function connectQmp(socket: Duplex, timeoutMs: number): Promise<QmpSession> {
  return new Promise((resolve, reject) => {
    const waiting: { resolve: (value: unknown) => void; reject: (error: Error) => void }[] = [];
    let greeted = false;
    let buffer = '';
    const fail = (error: Error) => {
      for (const w of waiting.splice(0)) w.reject(error);
      if (!greeted) reject(error);
      socket.destroy();
    };
    const timer = setTimeout(() => fail(new Error(`QMP: no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('error', fail);
    let closed = false;
    socket.on('close', () => {
      clearTimeout(timer);
      if (!closed) fail(new Error('QMP: QEMU closed the monitor'));
    });
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > MAX_LINE) return fail(new Error('QMP: an answer too long'));
      let newline = buffer.indexOf('\n');
      while (newline !== -1) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
        if (!line) continue;
        let message: Record<string, unknown>;
        try {
          message = JSON.parse(line) as Record<string, unknown>;
        } catch {
          return fail(new Error('QMP: an answer that is not JSON'));
        }
        if ('QMP' in message && !greeted) {
          greeted = true;
          resolve(session);
        } else if ('return' in message) waiting.shift()?.resolve(message.return);
        else if ('error' in message) {
          const error = message.error as { desc?: string };
          waiting.shift()?.reject(new Error(`QMP: ${error.desc ?? 'error'}`));
        }
        // Anything else is an event: not needed here.
      }
    });
    const session: QmpSession = {
      execute: (command, args) =>
        new Promise((res, rej) => {
          waiting.push({ resolve: res, reject: rej });
          socket.write(`${JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}) })}\n`);
        }),
      close: () => {
        // The socket's own 'close' listeners stay: ChildProcess counts them to emit its 'close'.
        closed = true;
        clearTimeout(timer);
        socket.destroy();
      },
    };
  });
}
