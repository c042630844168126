import { readFileSync } from 'node:fs';

/**
 * QEMU parses a hostile guest's device traffic, so it runs as an unprivileged user: when
 * study-bot runs as root, as `STUDY_BOT_VM_USER` (default `nobody`); otherwise as the user who
 * runs study-bot. With KVM its group is `kvm`, so it can open /dev/kvm and nothing else extra.
 */
export interface VmUser {
  uid: number;
  gid: number;
  name: string;
}

export function vmUser(opts: { kvm: boolean; env?: NodeJS.ProcessEnv } = { kvm: false }): VmUser | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const name = (opts.env ?? process.env).STUDY_BOT_VM_USER || 'nobody';
  const account = readDatabase('/etc/passwd').find((fields) => fields[0] === name);
  if (!account) throw new Error(`VM을 실행할 사용자 ${name}이(가) 없습니다 (no user ${name} to run the VM as; set STUDY_BOT_VM_USER)`);
  const uid = Number(account[2]);
  if (uid === 0) throw new Error(`VM은 root로 실행하지 않습니다: ${name} (the VM never runs as root; set STUDY_BOT_VM_USER to an unprivileged user)`);
  const kvmGroup = opts.kvm ? readDatabase('/etc/group').find((fields) => fields[0] === 'kvm') : undefined;
  return { uid, gid: kvmGroup ? Number(kvmGroup[2]) : Number(account[3]), name };
}

function readDatabase(file: string): string[][] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => line.split(':'));
  } catch {
    return [];
  }
}
