/**
 * A writer for the "newc" cpio format the kernel unpacks as an initramfs. The kernel accepts
 * several archives one after another, so a VM's initramfs is a cached base archive (busybox,
 * modules, /init) followed by a small per-request one (the agent and the request). Written here
 * because it is ~50 lines and needs no privileges: device nodes are only headers, so building
 * an initramfs never needs root or `mknod`.
 */

export type CpioEntry =
  | { kind: 'dir'; path: string; mode?: number }
  | { kind: 'file'; path: string; data: Uint8Array | string; mode?: number }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'char-device'; path: string; major: number; minor: number; mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

const hex8 = (n: number) => n.toString(16).padStart(8, '0');
const pad4 = (n: number) => (4 - (n % 4)) % 4;

export function writeCpio(entries: CpioEntry[]): Buffer {
  const chunks: Buffer[] = [];
  let ino = 1;
  const push = (name: string, mode: number, data: Buffer, rdev: [number, number] = [0, 0]) => {
    const nameBytes = Buffer.from(`${name}\0`, 'utf8');
    const header =
      '070701' +
      [ino++, mode, 0, 0, mode & S_IFDIR ? 2 : 1, 0, data.length, 0, 0, rdev[0], rdev[1], nameBytes.length, 0].map(hex8).join('');
    chunks.push(Buffer.from(header, 'ascii'), nameBytes, Buffer.alloc(pad4(header.length + nameBytes.length)));
    chunks.push(data, Buffer.alloc(pad4(data.length)));
  };
  for (const entry of entries) {
    const name = entry.path.replace(/^\/+/, '');
    if (!name || name.split('/').some((part) => part === '..' || part === '')) throw new Error(`cpio: bad path ${entry.path}`);
    switch (entry.kind) {
      case 'dir':
        push(name, S_IFDIR | (entry.mode ?? 0o755), Buffer.alloc(0));
        break;
      case 'file':
        push(name, S_IFREG | (entry.mode ?? 0o644), Buffer.from(entry.data));
        break;
      case 'symlink':
        push(name, S_IFLNK | 0o777, Buffer.from(entry.target, 'utf8'));
        break;
      case 'char-device':
        push(name, S_IFCHR | (entry.mode ?? 0o600), Buffer.alloc(0), [entry.major, entry.minor]);
        break;
    }
  }
  push('TRAILER!!!', 0, Buffer.alloc(0));
  return Buffer.concat(chunks);
}
