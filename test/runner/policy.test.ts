import { beforeAll, describe, expect, it } from 'vitest';
import { extractFromShell } from '../../src/oneliners/extract-oneliners.js';
import { loadShellParser } from '../../src/oneliners/shell-parser.js';
import { checkPolicy, checkWildcardCounts, type Isolation } from '../../src/runner/policy.js';
import { ORIENTATION_PROGRAMS } from '../helpers/orientation.js';

beforeAll(async () => {
  await loadShellParser();
});

const decide = (code: string, isolation: Isolation = 'host') => {
  const [oneLiner] = extractFromShell(code);
  expect(oneLiner, `no one-liner in ${code}`).toBeDefined();
  return checkPolicy(oneLiner!, { isolation });
};

describe('policy: allowed', () => {
  it.each(ORIENTATION_PROGRAMS)('orientation one-liner %#', (program) => {
    const decision = decide(`sudo bpftrace -e '${program}'`);
    expect(decision).toMatchObject({ ok: true, argv: ['bpftrace', '-f', 'json', '-e', program] });
  });

  it.each([
    ["sudo bpftrace -q -B line -f text -e 'BEGIN { exit(); }'", ['bpftrace', '-f', 'json', '-q', '-B', 'line', '-e', 'BEGIN { exit(); }']],
    ["sudo bpftrace -qe 'BEGIN { exit(); }'", ['bpftrace', '-f', 'json', '-q', '-e', 'BEGIN { exit(); }']],
    ["bpftrace -e 'BEGIN { printf(\"%d\", $1); exit(); }' 42", ['bpftrace', '-f', 'json', '-e', 'BEGIN { printf("%d", $1); exit(); }', '42']],
    ["sudo bpftrace -l 'tracepoint:syscalls:*'", ['bpftrace', '-l', 'tracepoint:syscalls:*']],
    ["sudo BPFTRACE_STRLEN=200 bpftrace -e 'BEGIN { exit(); }'", ['bpftrace', '-f', 'json', '-e', 'BEGIN { exit(); }']],
    ['sudo execsnoop-bpfcc -T', ['execsnoop-bpfcc', '-T']],
    ["bpftrace -e 'interval:ms:10 { exit(); } profile:hz:99 { @ = count(); }'", ['bpftrace', '-f', 'json', '-e', 'interval:ms:10 { exit(); } profile:hz:99 { @ = count(); }']],
    ["bpftrace -e '#include <linux/sched.h>\nBEGIN { exit(); }'", ['bpftrace', '-f', 'json', '-e', '#include <linux/sched.h>\nBEGIN { exit(); }']],
    // the words only appear in a comment (a `//` comment needs its newline, as in bpftrace)
    ["bpftrace -e 'BEGIN { exit(); } // no system() here\n'", ['bpftrace', '-f', 'json', '-e', 'BEGIN { exit(); } // no system() here\n']],
    ["bpftrace -e 'BEGIN { printf(\"system(1) cat(2)\"); exit(); } /* system() */'", ['bpftrace', '-f', 'json', '-e', 'BEGIN { printf("system(1) cat(2)"); exit(); } /* system() */']],
    // field names are not calls
    ["bpftrace -e 'kprobe:do_exit { printf(\"%d\", curtask->signal->nr_threads); }'", ['bpftrace', '-f', 'json', '-e', 'kprobe:do_exit { printf("%d", curtask->signal->nr_threads); }']],
    ["bpftrace -e '#define TASK_COMM_LEN 16\n#define FLAGS (1 << 3)\nBEGIN { printf(\"%d\", TASK_COMM_LEN + FLAGS); exit(); }'",
      ['bpftrace', '-f', 'json', '-e', '#define TASK_COMM_LEN 16\n#define FLAGS (1 << 3)\nBEGIN { printf("%d", TASK_COMM_LEN + FLAGS); exit(); }']],
    ["bpftrace -e '#include <sys/socket.h>\nBEGIN { exit(); }'", ['bpftrace', '-f', 'json', '-e', '#include <sys/socket.h>\nBEGIN { exit(); }']],
    ["bpftrace -e '#include <linux/sched.h> // task_struct\nBEGIN { exit(); }'", ['bpftrace', '-f', 'json', '-e', '#include <linux/sched.h> // task_struct\nBEGIN { exit(); }']],
    ["bpftrace -e 'struct S { int a; } BEGIN { exit(); }'", ['bpftrace', '-f', 'json', '-e', 'struct S { int a; } BEGIN { exit(); }']],
    ['sudo bpftrace -kk -e "BEGIN { exit(); }"', ['bpftrace', '-f', 'json', '-k', '-k', '-e', 'BEGIN { exit(); }']],
    ['sudo /usr/share/bcc/tools/opensnoop -d 1', ['opensnoop', '-d', '1']],
  ])('%s', (code, argv) => {
    expect(decide(code)).toMatchObject({ ok: true, argv });
  });

  it('returns wildcards to count, the other attach points and the longest interval', () => {
    expect(decide("bpftrace -e 'tracepoint:syscalls:sys_enter_* { @[probe] = count(); } interval:s:2 { exit(); }'")).toMatchObject({
      ok: true, wildcards: ['tracepoint:syscalls:sys_enter_*'], fixedProbes: 1, longestPeriodMs: 2000,
    });
  });

  it('counts quoted wildcards and wildcards written across tokens', () => {
    expect(decide(`bpftrace -e 'tracepoint:syscalls:"sys_enter_*", kprobe:vfs_ * , BEGIN { exit(); }'`)).toMatchObject({
      ok: true, wildcards: ['tracepoint:syscalls:sys_enter_*', 'kprobe:vfs_*'], fixedProbes: 1,
    });
  });

  it('reads rates as bpftrace does (1e3, 0x10, 1_000)', () => {
    expect(decide("bpftrace -e 'interval:ms:1e3 { exit(); } i:s:0x10 { exit(); } profile:hz:1_0 { exit(); }'")).toMatchObject({ ok: true, longestPeriodMs: 16_000 });
  });
});

describe('policy: denied, each with its rule', () => {
  it.each([
    ["sudo bpftrace --unsafe -e 'BEGIN { system(\"id\"); }'", 'option'],
    ["sudo bpftrace -c 'touch /tmp/x' -e 'BEGIN { exit(); }'", 'option'],
    ["sudo bpftrace -p 1 -e 'BEGIN { exit(); }'", 'option'],
    ["sudo bpftrace -o /tmp/out -e 'BEGIN { exit(); }'", 'option'],
    ["sudo bpftrace -I /root -e 'BEGIN { exit(); }'", 'option'],
    ["sudo bpftrace --include /etc/shadow -e 'BEGIN { exit(); }'", 'option'],
    ["sudo bpftrace --emit-elf /tmp/x.o -e 'BEGIN { exit(); }'", 'option'],
    ["sudo bpftrace --usdt-file-activation -e 'BEGIN { exit(); }'", 'option'],
    ["sudo bpftrace -f yaml -e 'BEGIN { exit(); }'", 'option'],
    ["sudo bpftrace -e 'BEGIN { exit(); }'; touch /tmp/x", 'shell-syntax'],
    ["sudo bpftrace -e 'BEGIN { exit(); }' $(touch /tmp/x)", 'shell-syntax'],
    ["sudo bpftrace -e 'BEGIN { exit(); }' `touch /tmp/x`", 'shell-syntax'],
    ["sudo bpftrace -e 'BEGIN { exit(); }' && touch /tmp/x", 'shell-syntax'],
    ["sudo bpftrace -e 'BEGIN { exit(); }' | tee /tmp/x", 'shell-syntax'],
    ["sudo bpftrace -e 'BEGIN { exit(); }' > /tmp/x", 'shell-syntax'],
    ['sudo bpftrace -e "BEGIN { printf(\\"$(id)\\"); }"', 'shell-syntax'],
    ["bpftrace -e 'BEGIN { system(\"id\"); }'", 'unsafe-function'],
    ["bpftrace -e 'tracepoint:syscalls:sys_enter_kill { signal(\"KILL\"); }'", 'unsafe-function'],
    ["bpftrace -e 'kprobe:x { override(0); }'", 'unsafe-function'],
    ["bpftrace -e 'BEGIN { cat(\"/etc/shadow\"); }'", 'file-read'],
    ["bpftrace -e 'BEGIN { cat (\"/etc/shadow\"); }'", 'file-read'],
    ["bpftrace -e 'tracepoint:net:netif_receive_skb { skboutput(\"/tmp/x\", args->skbaddr, 64, 0); }'", 'skboutput'],
    ["bpftrace -e '#include \"/etc/shadow\"\nBEGIN {}'", 'include'],
    ["bpftrace -e '#include </etc/shadow>\nBEGIN {}'", 'include'],
    ["bpftrace -e '#include <linux/../../etc/shadow>\nBEGIN {}'", 'include'],
    ["bpftrace -e 'config = { max_map_keys = 1 } BEGIN {}'", 'config'],
    ["bpftrace -e 'kprobe:0xffffffff81000000 { exit(); }'", 'raw-address'],
    ["bpftrace -e 'uprobe:/bin/bash:0x1234 { exit(); }'", 'raw-address'],
    ["bpftrace -e 'iter:task { printf(\"%s\", ctx->task->comm); }'", 'iter'],
    ["bpftrace -e 'watchpoint:0x10000000:8:rw { exit(); }'", 'watchpoint'],
    ["bpftrace -e 'interval:ms:5 { exit(); }'", 'interval-rate'],
    ["bpftrace -e 'interval:hz:1000 { exit(); }'", 'interval-rate'],
    ["bpftrace -e 'i:us:100 { exit(); }'", 'interval-rate'],
    ["bpftrace -e 'profile:hz:999 { @ = count(); }'", 'profile-rate'],
    ["bpftrace -e 'profile:ms:1 { @ = count(); }'", 'profile-rate'],
    [`bpftrace -e 'BEGIN { printf("${'x'.repeat(4100)}"); }'`, 'program-size'],
    ["sudo opensnoop-bpfcc -p /etc/shadow", 'bcc-argument'],
    ["bpftrace -e 'BEGIN { exit(); } i:hz:abc { exit(); }'", 'interval-rate'],
    ["bpftrace -e 'i:us:1e3 { exit(); }'", 'interval-rate'],
    ["bpftrace -e 'p:hz:0x3e8 { exit(); }'", 'profile-rate'],
  ])('%s', (code, rule) => {
    const decision = decide(code);
    expect(decision.ok).toBe(false);
    if (!decision.ok) {
      expect(decision.rule).toBe(rule);
      expect(decision.message.length).toBeGreaterThan(10);
    }
  });

  it('judges wildcard counts', () => {
    expect(checkWildcardCounts(new Map([['kprobe:*', 40_000]]))).toMatchObject({ ok: false, rule: 'wildcard' });
    expect(checkWildcardCounts(new Map([['tracepoint:sock:*', 10]]))).toBeNull();
  });
});

/**
 * Every attack of issue 8 that went through the old scanner, written as it was sent. Each must
 * be refused on the host, and the ones that hand bpftrace's control to the member (flags after
 * `--`, unknown bcc tools, unsafe functions) in the VM too.
 */
const HIDDEN_BY_CHAR_LITERAL = `#define Q '"'\nBEGIN { printf("/*"); system("id; touch /proc/%d/root/tmp/x", curtask->real_parent->tgid); printf("*/"); exit(); }`;
const attacks: [name: string, command: string, hostRule: string, vmRule: string | null][] = [
  ["a '\"' literal in a #define hides system()", `sudo bpftrace -e '${HIDDEN_BY_CHAR_LITERAL.replace(/'/g, `'"'"'`)}' -- --unsafe`, 'argument', 'argument'],
  ["a '\"' literal in a #define hides system() (no --)", `sudo bpftrace -e '${HIDDEN_BY_CHAR_LITERAL.replace(/'/g, `'"'"'`)}'`, 'unsafe-function', 'unsafe-function'],
  ["a '\"' literal in a #define hides cat()", `bpftrace -e '#define Q '"'"'"'"'"'\nBEGIN { printf("/*"); cat("/proc/1/environ"); printf("*/"); }'`, 'file-read', null],
  ['-- --unsafe', "bpftrace -e 'BEGIN { exit(); }' -- --unsafe", 'argument', 'argument'],
  ['-- -oFILE', "bpftrace -e 'BEGIN { exit(); }' -- -o/tmp/x", 'argument', 'argument'],
  ['-- -cPROG', "bpftrace -e 'BEGIN { exit(); }' -- -c/usr/bin/id", 'argument', 'argument'],
  ['-- with a plain word', "bpftrace -e 'BEGIN { exit(); }' -- 1", 'argument', 'argument'],
  ['a positional that getopt reads as an option', "bpftrace -e 'BEGIN { exit(); }' x -o/tmp/x", 'option', 'option'],
  ['NAME-bpfcc falling back to /usr/sbin/NAME', 'sudo groupadd-bpfcc x', 'bcc-tool', 'bcc-tool'],
  ['a bcc tool that is not one', 'sudo /usr/share/bcc/tools/useradd', 'bcc-tool', 'bcc-tool'],
  ['#include_next', "bpftrace -e '#include_next <linux/sched.h>\nBEGIN {}'", 'include', null],
  ['#import', "bpftrace -e '#import </etc/shadow>\nBEGIN {}'", 'include', null],
  ['a macro-computed #include', "bpftrace -e '#define H </etc/shadow>\n#include H\nBEGIN {}'", 'macro', null],
  ['a macro-computed #include (defined last)', "bpftrace -e '#include H\n#define H </etc/shadow>\nBEGIN {}'", 'include', null],
  ['an #include continued on the next line', "bpftrace -e '#include \\\n</etc/shadow>\nBEGIN {}'", 'include', null],
  ['a # followed by a newline', "bpftrace -e '#\ninclude </etc/shadow>\nBEGIN {}'", 'preprocessor', null],
  ['#pragma', "bpftrace -e '#pragma GCC dependency \"/etc/shadow\"\nBEGIN {}'", 'preprocessor', null],
  ['an #include inside a struct definition', "bpftrace -e 'struct X {\n#include </etc/shadow>\n};\nBEGIN {}'", 'struct', null],
  ['a macro joined into cat()', "bpftrace -e '#define F ca t(\"/etc/hostname\")\nBEGIN { F; exit(); }'", 'macro', null],
  ['a macro joined into system', "bpftrace -e '#define F sys tem\nBEGIN { F; exit(); }'", 'unsafe-function', null],
  ['a macro that opens a struct', "bpftrace -e '#define S struct\nBEGIN { $x = (S \"*)0; $y = \"\"; }'", 'macro', null],
  ['a macro in an attach point', "bpftrace -e '#define K kprobe\nK:vfs_read { exit(); }'", 'macro', null],
  ['a struct cast holding a quote', "bpftrace -e 'BEGIN { $x = (struct a \"*)0; system(\"id\"); $y = \"x\"; }'", 'unsafe-function', 'unsafe-function'],
  ['a // at the very end is no comment', "bpftrace -e 'BEGIN { exit(); } // system(\"id\")'", 'unsafe-function', 'unsafe-function'],
  ['system() in a predicate', "bpftrace -e 'BEGIN /system(\"id\")/ { exit(); }'", 'unsafe-function', 'unsafe-function'],
  ['a wildcard in the probe type', "bpftrace -e 'i*:us:1 { exit(); }'", 'wildcard', 'wildcard'],
  ['a positional that makes an offset probe', "bpftrace -e 'kprobe:$1 { exit(); }' vfs_read+16", 'raw-address', null],
  ['an interval hidden in a body', "bpftrace -e 'BEGIN { } END { interval:us:1 }'", 'interval-rate', null],
  ['--unsafe', "bpftrace --unsafe -e 'BEGIN { exit(); }'", 'option', 'option'],
  ['-c', "bpftrace -c /usr/bin/id -e 'BEGIN { exit(); }'", 'option', 'option'],
  ['an interval that starves the VM', "bpftrace -e 'interval:us:100 { @ = count(); }'", 'interval-rate', 'interval-rate'],
  ['a profile that starves the VM', "bpftrace -e 'profile:hz:5000 { @ = count(); }'", 'profile-rate', 'profile-rate'],
  ['a program too large', `bpftrace -e 'BEGIN { printf("${'x'.repeat(4100)}"); }'`, 'program-size', 'program-size'],
];

describe('policy: the attacks of issue 8', () => {
  it.each(attacks)('%s (host)', (_name, command, hostRule) => {
    expect(decide(command, 'host')).toMatchObject({ ok: false, rule: hostRule });
  });

  it.each(attacks)('%s (vm)', (_name, command, _hostRule, vmRule) => {
    const decision = decide(command, 'vm');
    if (vmRule === null) expect(decision.ok).toBe(true);
    else expect(decision).toMatchObject({ ok: false, rule: vmRule });
  });

  it('sums wildcard counts over the whole program, with its other attach points', () => {
    const counts = new Map([['kprobe:tcp_*', 150], ['kprobe:udp_*', 60]]);
    expect(checkWildcardCounts(counts)).toMatchObject({ ok: false, rule: 'wildcard' });
    expect(checkWildcardCounts(new Map([['kprobe:tcp_*', 150]]), 51)).toMatchObject({ ok: false, rule: 'wildcard' });
    expect(checkWildcardCounts(new Map([['kprobe:tcp_*', 150]]), 50)).toBeNull();
  });

  it('refuses a wildcard that could not be counted', () => {
    expect(checkWildcardCounts(new Map([['kfunc:*', null]]), 0, { isolation: 'vm' })).toMatchObject({ ok: false, rule: 'wildcard' });
  });
});

describe('policy: what members legitimately write runs in the VM', () => {
  it.each([
    "bpftrace -e 'interval:ms:1 { printf(\"hi\\n\"); exit(); }'",
    "bpftrace -e 'i:ms:1 { @ = count(); exit(); }'",
    "bpftrace -e 'BEGIN { cat(\"/proc/loadavg\"); exit(); }'",
    "bpftrace -e 'profile:hz:599 { @[kstack] = count(); exit(); }'",
    "bpftrace -e 'kprobe:vfs_read+0 { exit(); }'",
    "bpftrace -e 'uprobe:/bin/bash:0x1234 { exit(); }'",
    "bpftrace -e 'iter:task { printf(\"%s\\n\", ctx->task->comm); }'",
    "bpftrace -e '#include <linux/fs.h>\n#define N \"x\"\nBEGIN { printf(N); exit(); }'",
    "bpftrace -e 'BEGIN { exit(); } // comment at the end\n'",
    "bpftrace -e 'tracepoint:net:netif_receive_skb { skboutput(\"/tmp/x\", args->skbaddr, 64, 0); exit(); }'",
    'sudo sslsniff-bpfcc',
  ])('%s', (command) => {
    expect(decide(command, 'vm')).toMatchObject({ ok: true });
  });

  it('while the host still refuses them', () => {
    expect(decide("bpftrace -e 'interval:ms:1 { exit(); }'", 'host')).toMatchObject({ ok: false, rule: 'interval-rate' });
    expect(decide("bpftrace -e 'BEGIN { cat(\"/proc/loadavg\"); }'", 'host')).toMatchObject({ ok: false, rule: 'file-read' });
    expect(decide("bpftrace -e 'profile:hz:599 { exit(); }'", 'host')).toMatchObject({ ok: false, rule: 'profile-rate' });
    expect(decide("bpftrace -e 'kprobe:vfs_read+0 { exit(); }'", 'host')).toMatchObject({ ok: false, rule: 'raw-address' });
    expect(decide('sudo sslsniff-bpfcc', 'host')).toMatchObject({ ok: false, rule: 'bcc-tool' });
  });
});
