import { accessSync, constants } from 'node:fs';

/**
 * Where a bcc tool lives on this runner: Debian/Ubuntu install `/usr/sbin/NAME-bpfcc`,
 * upstream installs `/usr/share/bcc/tools/NAME`. Members write either name.
 */
export function findBccTool(name: string): string | null {
  const bare = name.replace(/-bpfcc$/, '');
  const candidates = [`/usr/sbin/${bare}-bpfcc`, `/usr/share/bcc/tools/${bare}`, `/usr/sbin/${bare}`];
  for (const candidate of candidates) {
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
