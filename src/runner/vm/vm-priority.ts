import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

/**
 * The CPU priority of a guest the warm pool starts ahead of time (issue 18). On a small host
 * under full emulation a refill (QEMU restoring the saved guest and compiling the warm-up
 * program, seconds of CPU) next to a guest that runs a member's request takes half the CPU
 * from it. A refill therefore starts at a low priority (a high `nice`), and the scheduler, not
 * a VM slot, keeps it out of a running request's way; once a request takes the guest, its
 * QEMU gets the normal priority back (reniceTree) before it is handed the request.
 *
 * Raising a priority back needs root (CAP_SYS_NICE); a study-bot that is not root starts its
 * refills at the normal priority, as before (refillNice says 0).
 */

/** The `nice` of a pool guest until a request takes it: STUDY_BOT_VM_REFILL_NICE (0-19, 0 = off), 19 by default; 0 where it could not be undone. */
export function refillNice(env: NodeJS.ProcessEnv = process.env): number {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 0;
  const raw = env.STUDY_BOT_VM_REFILL_NICE;
  if (raw === undefined || raw === '') return 19;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 && n <= 19 ? n : 19;
}

/** argv run at the given nice (coreutils' nice; 0: unchanged). */
export const nicedArgv = (nice: number, argv: string[]): string[] => (nice > 0 ? ['nice', '-n', String(nice), ...argv] : argv);

/**
 * Sets the nice of every thread of `root` and of its descendants (bash, bwrap and QEMU with
 * its vCPU threads): Linux keeps a nice per thread, and `setpriority` on a pid changes only
 * that one thread. Twice over, for a thread created while the first pass ran; one that is gone
 * meanwhile is skipped.
 *
 * And the nice of their autogroups other than this process's own: bubblewrap starts QEMU in a
 * session of its own (`--new-session`), and where the kernel groups tasks by session
 * (`kernel.sched_autogroup_enabled`, on in most distributions' kernels) the scheduler shares
 * the CPU between groups first, by the group's nice, so a thread's own nice counts only against
 * the threads of its session. Returns how many autogroups it set (0: QEMU's session is not
 * there yet, or there are no autogroups).
 */
export function reniceTree(root: number, nice: number): number {
  const own = autogroupOf('self');
  const groups = new Set<string>();
  for (let pass = 0; pass < 2; pass++) {
    for (const pid of processTree(root)) {
      const group = autogroupOf(String(pid));
      if (group !== null && group !== own && !groups.has(group)) {
        try {
          writeFileSync(`/proc/${pid}/autogroup`, String(nice));
          groups.add(group);
        } catch {
          // gone since, or not ours to change
        }
      }
      let tids: string[];
      try {
        tids = readdirSync(`/proc/${pid}/task`);
      } catch {
        continue;
      }
      for (const tid of tids) {
        try {
          if (os.getPriority(Number(tid)) !== nice) os.setPriority(Number(tid), nice);
        } catch {
          // gone since, or not ours to change
        }
      }
    }
  }
  return groups.size;
}

/** A process's autogroup ("/autogroup-12"), null without one (no such file: autogroups off or not built). */
function autogroupOf(pid: string): string | null {
  try {
    return /^(\S+) nice/.exec(readFileSync(`/proc/${pid}/autogroup`, 'latin1'))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** `root` and every process under it, from /proc's parent links (launch-vm.ts kills them all). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'latin1');
    } catch {
      continue;
    }
    // The command name (in parentheses) may hold spaces and parentheses: read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}
