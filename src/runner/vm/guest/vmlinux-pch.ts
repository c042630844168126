/**
 * When a member's libbpf C may be compiled with the guest's precompiled vmlinux.h.
 *
 * Under full emulation clang spends most of a compile parsing the 3 MB vmlinux.h; the guest
 * parses it once into a precompiled header before it is saved (check-project.ts), and a
 * source then loads that instead (`-include-pch`). A PCH is always read first, before anything
 * in the source, so it gives the same program only when vmlinux.h is the first thing the
 * source includes: a `#define BPF_NO_PRESERVE_ACCESS_INDEX` or another header ahead of it
 * would change what vmlinux.h means. Any other source is compiled as before, without it.
 * Either way the vmlinux.h it gets is the guest kernel's own (a committed one is never sent).
 */

/** The flags a source and the PCH are compiled with: clang refuses a PCH made with other -D or -target. */
export const BPF_CLANG_FLAGS = ['-O2', '-g', '-target', 'bpf', '-D__TARGET_ARCH_x86', '-D__x86_64__'] as const;

/** How far into a source the first directive is looked for (licence headers are a few hundred bytes). */
const SCAN_LIMIT = 64 * 1024;

/**
 * True when the first preprocessor directive of `source`, after blank lines and comments, is
 * `#include "vmlinux.h"` or `#include <vmlinux.h>`.
 */
export function includesVmlinuxFirst(source: string): boolean {
  const text = source.slice(0, SCAN_LIMIT);
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\v') {
      i++;
    } else if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      if (end === -1) return false;
      i = end + 1;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) return false;
      i = end + 2;
    } else {
      // The first line of code: it must be the include itself, on one line, with nothing after
      // it but a comment (a line continuation or a macro would be another program).
      const end = text.indexOf('\n', i);
      const line = text.slice(i, end === -1 ? undefined : end);
      return /^#[ \t]*include[ \t]*(?:"vmlinux\.h"|<vmlinux\.h>)[ \t]*(?:\/\/.*|\/\*.*\*\/[ \t]*)?\r?$/.test(line) && !line.endsWith('\\');
    }
  }
  return false;
}
