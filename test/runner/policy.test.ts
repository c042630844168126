import { beforeAll, describe, expect, it } from 'vitest';
import { extractFromShell } from '../../src/oneliners/extract-oneliners.js';
import { loadShellParser } from '../../src/oneliners/shell-parser.js';
import { checkPolicy, checkWildcardCounts } from '../../src/runner/policy.js';
import { ORIENTATION_PROGRAMS } from '../helpers/orientation.js';

beforeAll(async () => {
  await loadShellParser();
});

const decide = (code: string) => {
  const [oneLiner] = extractFromShell(code);
  expect(oneLiner, `no one-liner in ${code}`).toBeDefined();
  return checkPolicy(oneLiner!);
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
    // the words only appear in a comment
    ["bpftrace -e 'BEGIN { exit(); } // no system() here'", ['bpftrace', '-f', 'json', '-e', 'BEGIN { exit(); } // no system() here']],
  ])('%s', (code, argv) => {
    expect(decide(code)).toMatchObject({ ok: true, argv });
  });

  it('returns wildcards to count and the longest interval', () => {
    expect(decide("bpftrace -e 'tracepoint:syscalls:sys_enter_* { @[probe] = count(); } interval:s:2 { exit(); }'")).toMatchObject({
      ok: true, wildcards: ['tracepoint:syscalls:sys_enter_*'], longestPeriodMs: 2000,
    });
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
