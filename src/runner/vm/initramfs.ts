import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeCpio, type CpioEntry } from './cpio.js';
import { GUEST_INIT_SCRIPT } from './guest-init.js';
import { BOOT_MODULES, moduleLoadOrder } from './kernel-modules.js';

/**
 * The base initramfs of one kernel: a static busybox, the modules that kernel needs to see its
 * root disk, and /init (guest-init.ts). Built once per kernel when the image is built.
 */
export function buildBaseInitramfs(opts: { busybox: string; modulesDir: string }): Buffer {
  const modulesDep = readFileSync(path.join(opts.modulesDir, 'modules.dep'), 'utf8');
  const order = moduleLoadOrder(modulesDep, BOOT_MODULES);
  const modules = order.map((file) => ({ name: path.basename(file).replace(/\.ko\..*$/, '.ko'), data: readModule(path.join(opts.modulesDir, file)) }));
  const entries: CpioEntry[] = [
    { kind: 'dir', path: 'bin' },
    { kind: 'dir', path: 'dev' },
    // The kernel opens /dev/console for /init before devtmpfs is mounted.
    { kind: 'char-device', path: 'dev/console', major: 5, minor: 1 },
    { kind: 'dir', path: 'etc' },
    { kind: 'dir', path: 'etc/study-bot' },
    { kind: 'dir', path: 'lib' },
    { kind: 'dir', path: 'lib/modules' },
    { kind: 'file', path: 'bin/busybox', data: readFileSync(opts.busybox), mode: 0o755 },
    { kind: 'file', path: 'init', data: GUEST_INIT_SCRIPT, mode: 0o755 },
    { kind: 'file', path: 'etc/study-bot/modules', data: modules.map((m) => `${m.name}\n`).join('') },
    ...modules.map((m): CpioEntry => ({ kind: 'file', path: `lib/modules/${m.name}`, data: m.data })),
  ];
  return writeCpio(entries);
}

/**
 * The guest agent, appended to the base archive. No request is in it: requests come over the
 * serial line, so one archive (and one snapshot of the booted guest) serves every request.
 */
export function buildAgentInitramfs(agent: Uint8Array | string): Buffer {
  return writeCpio([
    { kind: 'dir', path: 'study-bot' },
    { kind: 'file', path: 'study-bot/agent.mjs', data: agent },
  ]);
}

/** busybox's insmod reads plain ELF only: newer Debian kernels ship modules xz- or zstd-compressed. */
function readModule(file: string): Buffer {
  if (file.endsWith('.xz')) return execFileSync('xz', ['-dc', file], { maxBuffer: 256 * 1024 * 1024 });
  if (file.endsWith('.zst')) return execFileSync('zstd', ['-dc', file], { maxBuffer: 256 * 1024 * 1024 });
  if (file.endsWith('.gz')) return execFileSync('gzip', ['-dc', file], { maxBuffer: 256 * 1024 * 1024 });
  return readFileSync(file);
}
