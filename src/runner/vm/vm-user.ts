import { randomInt } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';

/**
 * QEMU parses a hostile guest's device traffic, so it runs as an unprivileged user: when
 * study-bot runs as root, as a user id of its own for each VM (from a range no account uses),
 * or as `STUDY_BOT_VM_USER` when set; otherwise (study-bot unprivileged, as its systemd unit
 * runs it) as a per-VM uid inside a user namespace of its own, mapped onto study-bot's uid
 * (qemu-jail.ts). A uid per VM means a QEMU a guest broke into owns no other VM's process or
 * file. With KVM its group is `kvm`, so it can open /dev/kvm and nothing else extra.
 */
export interface VmUser {
  uid: number;
  gid: number;
  name: string;
  /** The uid and gid exist inside QEMU's user namespace only (study-bot is not root). */
  mapped?: boolean;
}

/** The per-VM user ids: 65,536 of them above two billion, where no distribution puts accounts or subordinate ids. */
export const VM_UID_BASE = 2_100_000_000;

/** Uids this process gave lately: their QEMU may not be running yet. */
const givenRecently: number[] = [];

/**
 * A uid of the range that no running process has: picked at random (two study-bot processes,
 * the app and a CLI, do not walk the same sequence) and checked against /proc.
 */
function unusedVmUid(): number {
  // Given by this process but maybe not running yet, and what runs now.
  const inUse = new Set<number>(givenRecently);
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const uid = statSync(`/proc/${entry}`).uid;
        if (uid >= VM_UID_BASE) inUse.add(uid);
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    // no /proc: random alone
  }
  for (let attempt = 0; ; attempt++) {
    const uid = VM_UID_BASE + randomInt(65_536);
    if (!inUse.has(uid) || attempt > 64) {
      givenRecently.push(uid);
      if (givenRecently.length > 256) givenRecently.shift();
      return uid;
    }
  }
}

export function vmUser(opts: { kvm: boolean; env?: NodeJS.ProcessEnv } = { kvm: false }): VmUser | null {
  if (typeof process.getuid !== 'function') return null;
  if (process.getuid() !== 0) {
    // Inside bwrap's user namespace; /dev/kvm is reached through study-bot's own groups.
    const uid = unusedVmUid();
    return { uid, gid: uid, name: `uid ${uid} in a user namespace`, mapped: true };
  }
  const kvmGid = () => (opts.kvm ? readDatabase('/etc/group').find((fields) => fields[0] === 'kvm') : undefined);
  const named = (opts.env ?? process.env).STUDY_BOT_VM_USER;
  if (!named) {
    const uid = unusedVmUid();
    const group = kvmGid();
    return { uid, gid: group ? Number(group[2]) : uid, name: `uid ${uid}` };
  }
  const name = named;
  const account = readDatabase('/etc/passwd').find((fields) => fields[0] === name);
  if (!account) throw new Error(`VM을 실행할 사용자 ${name}이(가) 없습니다 (no user ${name} to run the VM as; set STUDY_BOT_VM_USER)`);
  const uid = Number(account[2]);
  if (uid === 0) throw new Error(`VM은 root로 실행하지 않습니다: ${name} (the VM never runs as root; set STUDY_BOT_VM_USER to an unprivileged user)`);
  const kvmGroup = kvmGid();
  return { uid, gid: kvmGroup ? Number(kvmGroup[2]) : Number(account[3]), name };
}

function readDatabase(file: string): string[][] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => line.split(':'));
  } catch {
    return [];
  }
}
