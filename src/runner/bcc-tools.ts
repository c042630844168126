import { accessSync, constants } from 'node:fs';

/**
 * The bcc tools a member may name, exactly as bcc ships them (Debian's bpfcc-tools 0.26
 * installs each as `/usr/sbin/NAME-bpfcc`; upstream as `/usr/share/bcc/tools/NAME`). A name
 * outside this list never runs: `/usr/sbin` holds many other programs (`groupadd-bpfcc` once
 * ran `/usr/sbin/groupadd`).
 */
export const BCC_TOOLS: ReadonlySet<string> = new Set(('argdist bashreadline bindsnoop biolatency biolatpcts ' +
  'biopattern biosnoop biotop bitesize bpflist btrfsdist btrfsslower cachestat cachetop capable cobjnew ' +
  'compactsnoop cpudist cpuunclaimed criticalstat dbslower dbstat dcsnoop dcstat deadlock dirtop drsnoop ' +
  'execsnoop exitsnoop ext4dist ext4slower filegone filelife fileslower filetop funccount funcinterval ' +
  'funclatency funcslower gethostlatency hardirqs inject javacalls javaflow javagc javaobjnew javastat ' +
  'javathreads killsnoop klockstat kvmexit llcstat mdflush memleak mountsnoop mysqld_qslower netqtop ' +
  'nfsdist nfsslower nodegc nodestat offcputime offwaketime oomkill opensnoop perlcalls perlflow perlstat ' +
  'phpcalls phpflow phpstat pidpersec ppchcalls profile pythoncalls pythonflow pythongc pythonstat ' +
  'readahead reset-trace rubycalls rubyflow rubygc rubyobjnew rubystat runqlat runqlen runqslower ' +
  'shmsnoop slabratetop sofdsnoop softirqs solisten sslsniff stackcount statsnoop syncsnoop syscount ' +
  'tclcalls tclflow tclobjnew tclstat tcpaccept tcpcong tcpconnect tcpconnlat tcpdrop tcplife tcpretrans ' +
  'tcprtt tcpstates tcpsubnet tcpsynbl tcptop tcptracer threadsnoop tplist trace ttysnoop vfscount ' +
  'vfsstat virtiostat wakeuptime xfsdist xfsslower zfsdist zfsslower').split(' '));

/**
 * Tools that change the runner's kernel (`inject` fails kernel calls, `reset-trace` clears
 * tracefs) or read other processes' secrets by design (`sslsniff` prints TLS plaintext,
 * `ttysnoop` a terminal): never on a host that also runs anything else.
 */
export const HOST_DENIED_BCC_TOOLS: ReadonlySet<string> = new Set(['inject', 'reset-trace', 'sslsniff', 'ttysnoop']);

/** `execsnoop-bpfcc` and `execsnoop` are the same tool; null for anything not in the list. */
export function bccToolName(written: string): string | null {
  const bare = written.endsWith('-bpfcc') ? written.slice(0, -'-bpfcc'.length) : written;
  return BCC_TOOLS.has(bare) ? bare : null;
}

/** Where a known bcc tool lives on this runner, or null (unknown name, or not installed). */
export function findBccTool(written: string): string | null {
  const name = bccToolName(written);
  if (name === null) return null;
  for (const candidate of [`/usr/sbin/${name}-bpfcc`, `/usr/share/bcc/tools/${name}`]) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return null;
}

/** bcc's smoke test: `timeout -s INT -k 5 Ns TOOL`; rc 124 means the tool ran until stopped. */
export function bccSmokeArgv(path: string, args: string[], windowSeconds: number): string[] {
  return ['timeout', '-s', 'INT', '-k', '5', `${Math.max(1, Math.ceil(windowSeconds))}s`, path, ...args];
}
