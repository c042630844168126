import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import type { VmUser } from './vm-user.js';

/**
 * Where QEMU itself runs. QEMU parses a hostile guest's device traffic; if a member's program
 * ever broke out of the guest into QEMU, it should find as little as possible. So QEMU runs in
 * bubblewrap (`bwrap`, Debian's `bubblewrap`, what Flatpak uses): a root file system of its own
 * holding only /usr read-only, the loader cache, a minimal /dev and the runner's files it boots
 * from (read-only), and new PID, network, IPC, UTS and cgroup namespaces: no other process to
 * see or signal, no network, none of the host's files (the app's folder, its .env, /home, /root,
 * /tmp). Inside, setpriv drops to the VM user, with no groups and no new privileges, and QEMU
 * dies with the process that started it.
 *
 * Without bwrap (or, for a study-bot that is not root, without user namespaces) QEMU still runs
 * as the VM user in new network, IPC and UTS namespaces, and `study-bot doctor` says the jail
 * is missing.
 */
export interface JailPaths {
  /** Files QEMU opens by path (kernel, initramfs, image): their folders are bound read-only. */
  readOnly: string[];
  /** Folders QEMU writes or connects in (the snapshot boot's socket folder). */
  writable?: string[];
  /** /dev/kvm, when the VM uses KVM. */
  kvm?: boolean;
}

export const BWRAP = 'bwrap';

let bwrapWorks: boolean | null = null;

/**
 * Whether bwrap can jail QEMU here: installed, and (for a study-bot that is not root) allowed
 * to make the user namespace it then needs. Tried once per process.
 */
export function jailAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.STUDY_BOT_VM_JAIL === '0') return false;
  if (bwrapWorks === null) {
    try {
      const root = typeof process.getuid === 'function' && process.getuid() === 0;
      execFileSync(BWRAP, [...(root ? [] : ['--unshare-user']), '--unshare-all', '--die-with-parent', '--ro-bind', '/usr', '/usr', ...usrMergeLinks(), '--', '/usr/bin/true'], { stdio: 'ignore', timeout: 10_000 });
      bwrapWorks = true;
    } catch {
      bwrapWorks = false;
    }
  }
  return bwrapWorks;
}

/** /bin, /lib, /lib64, /sbin as this host has them: links into /usr (merged /usr) or folders. */
function usrMergeLinks(): string[] {
  const args: string[] = [];
  for (const dir of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    if (!existsSync(dir)) continue;
    const stat = lstatSync(dir);
    if (stat.isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir);
    else args.push('--ro-bind', dir, dir);
  }
  return args;
}

/** The bwrap part of QEMU's command line; setpriv and QEMU follow it. */
export function jailArgv(paths: JailPaths, user: VmUser | null): string[] {
  // Each file's folder, once, leaving out folders inside another one bound anyway.
  const folders = (files: string[]) => {
    const all = [...new Set(files.map((file) => path.dirname(path.resolve(file))))].sort();
    return all.filter((folder) => !all.some((other) => other !== folder && folder.startsWith(`${other}/`)));
  };
  const bound = [...folders(paths.readOnly), ...(paths.writable ?? []).map((folder) => path.resolve(folder))];
  // bwrap makes the folders leading to a mount point 0700, which the VM user could not cross.
  const ancestors = [...new Set(['/etc', ...bound].flatMap((folder) => folder.split('/').slice(1, -1).map((_, i, parts) => `/${parts.slice(0, i + 1).join('/')}`).concat(folder === '/etc' ? ['/etc'] : [])))].sort();
  return [
    BWRAP,
    ...(user ? [] : ['--unshare-user']),
    '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try',
    '--die-with-parent', '--new-session',
    '--ro-bind', '/usr', '/usr',
    ...usrMergeLinks(),
    // /tmp's own tmpfs first: made after them, it would hide the folders below, and bwrap would
    // then make a folder on the way to /tmp/a/b 0700 after all.
    '--tmpfs', '/tmp',
    ...ancestors.flatMap((folder) => ['--perms', '0755', '--dir', folder]),
    // The dynamic loader's cache: Debian's libraries live in /usr/lib/<triplet>, off its default path.
    ...(existsSync('/etc/ld.so.cache') ? ['--ro-bind', '/etc/ld.so.cache', '/etc/ld.so.cache'] : []),
    '--dev', '/dev',
    ...(paths.kvm ? ['--dev-bind', '/dev/kvm', '/dev/kvm'] : []),
    '--proc', '/proc',
    ...folders(paths.readOnly).flatMap((folder) => ['--ro-bind', folder, folder]),
    ...(paths.writable ?? []).flatMap((folder) => ['--bind', folder, folder]),
    '--chdir', '/',
    '--',
  ];
}
