import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { buildAgentInitramfs } from './initramfs.js';
import { launchVm } from './launch-vm.js';
import { connectQmp } from './qmp.js';
import { QEMU_BINARY, qemuArgv, type QemuSpec } from './qemu-argv.js';
import type { KernelEntry } from './runner-dir.js';
import type { VmUser } from './vm-user.js';

/**
 * Warm starts. Booting a guest under full emulation and starting Node.js and bpftrace in it
 * costs ~10 s before the first one-liner compiles; restoring a guest saved right after that
 * costs well under a second (RUNNER.md; Firecracker does the same for serverless functions).
 *
 * Once per kernel, agent, QEMU and VM size, study-bot boots a guest that runs no member's code,
 * lets the agent get ready (serial-protocol.ts), and saves the running guest with QEMU's
 * migration into a file next to the image. Every request then restores that file into a new,
 * throwaway QEMU (`-incoming fd:3`) and sends its request over the serial line; the guest is
 * thrown away after one request as before, and the file is only ever read. The root image is
 * read-only, so the disk the saved guest knew is the disk it finds.
 */

/** The agent's hash, kept for the one agent a process runs: every request would hash ~600 KB again. */
let agentHash: { agent: string; hash: string } | null = null;
const hashOfAgent = (agent: string): string => {
  if (agentHash?.agent !== agent) agentHash = { agent, hash: createHash('sha256').update(agent).digest('hex') };
  return agentHash.hash;
};

/** Where the boot files of one kernel and one guest agent live, under the runner directory. */
export function bootFolder(dir: string, kernel: KernelEntry, agent: string): string {
  const base = statSync(path.join(dir, kernel.initramfs));
  const key = createHash('sha256').update(hashOfAgent(agent)).update(`\0${base.size}:${base.mtimeMs}`).digest('hex').slice(0, 16);
  // A name of dots only ("..", ".") or none would put the folder beside the others, and
  // pruneOtherAgents would then empty the runner directory itself.
  const name = kernel.name.replace(/[^\w.-]/g, '_');
  return path.join(dir, 'warm', /^\.*$/.test(name) ? `_${name}` : name, key);
}

/** The kernel's base initramfs with the agent appended: where ensureAgentInitramfs keeps it. */
export const agentInitramfsPath = (dir: string, kernel: KernelEntry, agent: string): string => path.join(bootFolder(dir, kernel, agent), 'initramfs.cpio');

/**
 * The kernel's base initramfs with the agent appended, written once into the boot folder
 * (QEMU, running as another user, reads it by path). Null when the runner directory is not
 * writable by this process: the caller then writes one of its own for each request.
 */
export function ensureAgentInitramfs(dir: string, kernel: KernelEntry, agent: string): string | null {
  const file = agentInitramfsPath(dir, kernel, agent);
  const folder = path.dirname(file);
  if (existsSync(file)) return file;
  try {
    mkdirSync(folder, { recursive: true, mode: 0o755 });
    const partial = `${file}.partial-${process.pid}`;
    writeFileSync(partial, Buffer.concat([readFileSync(path.join(dir, kernel.initramfs)), buildAgentInitramfs(agent)]), { mode: 0o644 });
    renameSync(partial, file);
    pruneOtherAgents(path.dirname(folder), path.basename(folder));
    return file;
  } catch {
    return null;
  }
}

/** Boot folders of older agents: their snapshots can never be restored again. */
function pruneOtherAgents(kernelFolder: string, keep: string): void {
  for (const name of readdirSync(kernelFolder)) {
    if (name !== keep) rmSync(path.join(kernelFolder, name), { recursive: true, force: true });
  }
}

let qemuVersionText: Promise<string> | null = null;
function qemuVersion(): Promise<string> {
  qemuVersionText ??= new Promise((resolve) => {
    execFile(QEMU_BINARY, ['--version'], { timeout: 10_000 }, (error, stdout) => resolve(error ? 'unknown' : stdout.split('\n')[0]!.trim()));
  });
  return qemuVersionText;
}

/**
 * The snapshot file for this exact QEMU command line: a saved guest restores only into the
 * same QEMU build, machine, CPU model, memory size and files, so all of them name the file.
 */
export async function snapshotFile(spec: QemuSpec): Promise<string> {
  const identity = (file: string) => {
    const stat = statSync(file);
    return `${file}:${stat.size}:${stat.mtimeMs}:${stat.ino}`;
  };
  const key = createHash('sha256')
    .update(await qemuVersion())
    .update(JSON.stringify(qemuArgv({ ...spec, incomingFd: 3 })))
    .update([spec.kernel, spec.initramfs, spec.rootImage].map(identity).join('\n'))
    .digest('hex')
    .slice(0, 16);
  return path.join(path.dirname(spec.initramfs), `${spec.accel}-${spec.cpus}cpu-${spec.memoryMb}m-${key}.vmstate`);
}

export type SaveResult = { ok: true; bytes: number; durationMs: number } | { ok: false; reason: string };

/**
 * Boots a guest that runs no member's code, waits for the agent to say it is ready, and saves
 * the running guest into `statePath`. The monitor is a socket pair QEMU inherits; the saved
 * state comes back through QEMU's migration to a Unix socket this process listens on (QEMU 7.2
 * migrates only to a path or a descriptor passed over the monitor, and its seccomp sandbox
 * forbids the `exec:` route). That socket sits under a random name in a folder other users may
 * enter but not list, so no other process of the VM user can find it. The file appears only
 * when complete.
 */
export async function saveSnapshot(opts: { spec: QemuSpec; user: VmUser | null; jail: boolean; statePath: string; deadlineMs: number; qemuBinary?: string }): Promise<SaveResult> {
  const startedAt = Date.now();
  // A save a killed process left half done (~300 MiB each) goes before a new one starts.
  pruneOtherSnapshots(opts.statePath, { keepCurrent: true });
  const work = mkdtempSync(path.join(os.tmpdir(), 'study-bot-vm-snap-'));
  const partial = `${opts.statePath}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  const server = net.createServer();
  let received: Promise<void> | null = null;
  try {
    chmodSync(work, 0o711);
    const stateSocket = path.join(work, randomBytes(16).toString('hex'));
    server.maxConnections = 1;
    server.on('connection', (socket) => {
      if (received) return void socket.destroy();
      received = pipeline(socket, createWriteStream(partial, { mode: 0o600 }));
      // Awaited only once QEMU says the migration is over: a write that fails before that (a
      // full disk, the folder pruned by another process) must not end the whole app as an
      // unhandled rejection.
      received.catch(() => undefined);
    });
    await new Promise<void>((resolve, reject) => server.listen(stateSocket, resolve).once('error', reject));
    // A mapped user is study-bot itself outside QEMU's user namespace: the socket is already its own.
    if (opts.user && !opts.user.mapped) chownSync(stateSocket, opts.user.uid, opts.user.gid);

    let saving: Promise<string | null> | null = null;
    const save = async (monitor: Duplex): Promise<string | null> => {
      const qmp = await connectQmp(monitor, opts.deadlineMs);
      try {
        await qmp.execute('qmp_capabilities');
        // QEMU 7.2 caps migration at 32 MiB/s by default: a local file needs no cap.
        await qmp.execute('migrate-set-parameters', { 'max-bandwidth': 64 * 1024 * 1024 * 1024 });
        await qmp.execute('migrate', { uri: `unix:${stateSocket}` });
        for (;;) {
          const status = ((await qmp.execute('query-migrate')) as { status?: string; 'error-desc'?: string }) ?? {};
          if (status.status === 'completed') break;
          if (status.status === 'failed' || status.status === 'cancelled') return `migration ${status.status}: ${status['error-desc'] ?? ''}`.trim();
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        if (!received) return 'QEMU never connected to save the guest';
        await received;
        return null;
      } finally {
        await qmp.execute('quit').catch(() => undefined);
        qmp.close();
      }
    };
    const launched = await launchVm({
      spec: { ...opts.spec, qmpFd: 3 },
      fd3: 'pipe',
      deadlineMs: opts.deadlineMs,
      qemuBinary: opts.qemuBinary,
      user: opts.user,
      // In the jail QEMU sees the state socket's folder (and nothing else of /tmp).
      jail: opts.jail ? { writable: [work] } : null,
      onReady: (monitor) => {
        if (!monitor) return;
        saving ??= save(monitor).catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
      },
    });
    const problem = saving
      ? await saving
      : launched.timedOut
        ? `the guest was not ready within ${Math.round(opts.deadlineMs / 1000)} s`
        : `the guest ended before it was ready (exit ${launched.exitCode}) ${launched.qemuErrors.split('\n')[0] ?? ''}`.trim();
    if (problem) return { ok: false, reason: problem };
    const bytes = statSync(partial).size;
    renameSync(partial, opts.statePath);
    return { ok: true, bytes, durationMs: Date.now() - startedAt };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  } finally {
    server.close();
    // QEMU is gone by now; once the file is closed, no late write re-creates the partial file.
    await (received as Promise<void> | null)?.catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
    rmSync(partial, { force: true });
  }
}

/**
 * Snapshots of other QEMU command lines in the same boot folder (another VM size, a QEMU
 * upgrade), and partial files a killed process left (an hour old: no save takes that long).
 * `keepCurrent` (before a save) leaves every finished snapshot alone.
 */
export function pruneOtherSnapshots(statePath: string, opts: { keepCurrent?: boolean } = {}): void {
  const folder = path.dirname(statePath);
  const cutoff = Date.now() - 3_600_000;
  // Best effort: another process may be renaming its own file, or removing this folder, right
  // now. A throw here would leave the snapshot's promise rejected, cached for every request.
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const file = path.join(folder, name);
    try {
      if (name.includes('.partial-')) {
        if (statSync(file).mtimeMs < cutoff) rmSync(file, { force: true });
      } else if (name.endsWith('.vmstate') && file !== statePath && !opts.keepCurrent) rmSync(file, { force: true });
    } catch {
      // gone meanwhile
    }
  }
}
