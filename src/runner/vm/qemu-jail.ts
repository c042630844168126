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
 * /tmp). QEMU dies with the process that started it, and runs as a user id of its own:
 *
 * - study-bot as root: setpriv drops to a per-VM uid (vm-user.ts), no groups, no new privileges;
 * - study-bot as an unprivileged user (docs/study-bot.service's `User=study-bot`): bwrap makes a
 *   user namespace in which QEMU is a per-VM uid mapped onto study-bot's (no setuid helper, no
 *   capability), with no further user namespaces allowed inside (`--disable-userns`).
 *
 * Where neither works (no bwrap, or unprivileged user namespaces turned off), the VM driver
 * refuses to run and says why (`jailCheck`, `study-bot doctor`): a QEMU with the host's view
 * of processes and files is not a boundary worth offering.
 *
 * Descriptors: whatever study-bot inherited without close-on-exec (a socket from its service
 * manager, a file of a parent shell) would pass through bwrap and setpriv, which close nothing,
 * into QEMU. A small bash step closes every descriptor but 0-2 and the ones QEMU is handed
 * before bwrap starts (`closeFdsArgv`).
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

export type JailCheck =
  | { ok: true; mode: 'root' | 'user-namespace' }
  | { ok: false; why: { ko: string; en: string } };

let checked: JailCheck | null = null;

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Whether QEMU can be confined here: bwrap and bash installed, and, for a study-bot that is
 * not root, an unprivileged user namespace allowed (Ubuntu 24.04's AppArmor restriction and
 * `kernel.unprivileged_userns_clone=0` forbid it). Tried once per process.
 */
export function jailCheck(env: NodeJS.ProcessEnv = process.env): JailCheck {
  if (env.STUDY_BOT_VM_JAIL === '0') {
    return { ok: false, why: { ko: 'STUDY_BOT_VM_JAIL=0으로 꺼져 있습니다', en: 'turned off by STUDY_BOT_VM_JAIL=0' } };
  }
  if (checked === null) {
    const root = isRoot();
    const probe = [BWRAP, ...(root ? [] : ['--unshare-user', '--uid', '2100000000', '--gid', '2100000000', '--disable-userns']), '--unshare-all', '--die-with-parent', '--ro-bind', '/usr', '/usr', ...usrMergeLinks(), '--', '/usr/bin/true'];
    if (!existsSync(CLOSE_FDS_SHELL)) {
      checked = { ok: false, why: { ko: `${CLOSE_FDS_SHELL}가 없습니다 (QEMU에 넘어가는 파일 설명자를 닫는 데 씁니다)`, en: `no ${CLOSE_FDS_SHELL} (it closes inherited descriptors before QEMU starts)` } };
    } else {
      try {
        execFileSync(probe[0]!, probe.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
        checked = { ok: true, mode: root ? 'root' : 'user-namespace' };
      } catch (error) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim().split('\n')[0]?.slice(0, 200) ?? '';
        checked = missing
          ? { ok: false, why: { ko: 'bubblewrap(bwrap)이 설치되어 있지 않습니다', en: 'bubblewrap (bwrap) is not installed' } }
          : root
            ? { ok: false, why: { ko: `bwrap이 실행되지 않습니다: ${stderr}`, en: `bwrap does not run: ${stderr}` } }
            : {
                ok: false,
                why: {
                  ko: `root가 아닌 study-bot이 bwrap으로 사용자 네임스페이스를 만들 수 없습니다 (${stderr}). 비특권 사용자 네임스페이스를 허용하거나(sysctl kernel.unprivileged_userns_clone=1, Ubuntu: bwrap용 AppArmor 프로필) docs/vm-confinement.md를 보세요`,
                  en: `study-bot, not root, cannot make a user namespace with bwrap (${stderr}). Allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu, an AppArmor profile for bwrap) or see docs/vm-confinement.md`,
                },
              };
      }
    }
  }
  return checked;
}

/** Whether QEMU can be confined here (jailCheck). */
export const jailAvailable = (env: NodeJS.ProcessEnv = process.env): boolean => jailCheck(env).ok;

/** The refusal the VM driver gives when there is no jail. */
export function noJailError(why: { ko: string; en: string }): Error {
  return new Error(`QEMU를 가둘 방법이 없어 VM을 시작하지 않습니다: ${why.ko} (no way to confine QEMU, so no VM is started: ${why.en})`);
}

export const CLOSE_FDS_SHELL = '/bin/bash';

/**
 * A step before bwrap that closes every descriptor but 0-2 and `keep`, then runs the rest of
 * the command line. bash, because dash's redirections stop at descriptor 9; `{fd}>&-` closes the
 * descriptor whose number the variable holds. `-L` skips the listing's own, already closed.
 */
export function closeFdsArgv(keep: readonly number[]): string[] {
  const script = 'keep=" $1 "; shift; for p in /proc/self/fd/*; do fd=${p##*/}; case "$keep" in *" $fd "*) continue;; esac; if [ "$fd" -gt 2 ] && [ -L "$p" ]; then exec {fd}>&-; fi; done; exec "$@"';
  // --norc: bash reads ~/.bashrc when its stdin is a socket, as if run by sshd.
  return [CLOSE_FDS_SHELL, '--norc', '--noprofile', '-c', script, 'study-bot-close-fds', keep.join(' ')];
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
  // Unprivileged: QEMU's uid is a per-VM one inside a user namespace, mapped onto study-bot's.
  const userNamespace = user === null || user.mapped === true;
  return [
    BWRAP,
    ...(userNamespace ? ['--unshare-user', ...(user ? ['--uid', String(user.uid), '--gid', String(user.gid)] : []), '--disable-userns'] : []),
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
