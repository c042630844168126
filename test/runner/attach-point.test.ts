import { describe, expect, it } from 'vitest';
import { hasWildcard, listPattern, parseAttachPoint, parseBpftraceUint, periodMs } from '../../src/runner/attach-point.js';
import { readProgram } from '../../src/runner/program-facts.js';

describe('attach points as bpftrace splits them', () => {
  it.each<[string, string[], string | null]>([
    ['tracepoint:syscalls:sys_enter_openat', ['tracepoint', 'syscalls', 'sys_enter_openat'], 'tracepoint'],
    ['t:syscalls:"sys_enter_*"', ['t', 'syscalls', 'sys_enter_*'], 'tracepoint'],
    ['uprobe:"/bin/a:b":f', ['uprobe', '/bin/a:b', 'f'], 'uprobe'],
    ['uprobe:"a\\"b":f', ['uprobe', 'a"b', 'f'], 'uprobe'],
    ['k:a\\b', ['k', 'a\\b'], 'kprobe'],
    ['BEGIN', ['BEGIN'], 'BEGIN'],
    ['constructor:x', ['constructor', 'x'], null],
  ])('%s', (text, parts, type) => {
    expect(parseAttachPoint(text)).toEqual({ text, parts, type });
  });

  it('puts a positional parameter inside its part, colons and all', () => {
    expect(parseAttachPoint('kprobe:$1', ['vfs_read+16']).parts).toEqual(['kprobe', 'vfs_read+16']);
    expect(parseAttachPoint('interval:$1', ['ms:1']).parts).toEqual(['interval', 'ms:1']);
    expect(parseAttachPoint('kprobe:$2', ['a']).parts).toEqual(['kprobe', '']);
  });

  it('finds wildcards quoted or not, in any part', () => {
    expect(hasWildcard(parseAttachPoint('t:syscalls:"sys_enter_*"'))).toBe(true);
    expect(hasWildcard(parseAttachPoint('k*:vfs_read'))).toBe(true);
    expect(hasWildcard(parseAttachPoint('kprobe:vfs_read'))).toBe(false);
    expect(listPattern(parseAttachPoint('t:syscalls:"sys_enter_*"'))).toBe('t:syscalls:sys_enter_*');
  });

  it.each<[string, number | null]>([
    ['interval:s:1', 1000], ['i:ms:1', 1], ['interval:us:500', 0.5], ['interval:hz:100', 10], ['profile:hz:599', 1000 / 599],
    ['interval:ms:1e3', 1000], ['interval:ms:0x10', 16], ['interval:ms:010', 8], ['interval:ms:1_000', 1000], ['interval:ms:5ul', 5],
    ['interval:ms:0', Number.NaN], ['interval:ms:abc', Number.NaN], ['interval:ns:1', Number.NaN], ['interval:1', Number.NaN],
    ['interval:ms:1:2', Number.NaN], ['kprobe:f', null],
  ])('%s is %s ms', (text, ms) => {
    expect(periodMs(parseAttachPoint(text))).toBe(ms);
  });

  it('reads integers as bpftrace int_parser does', () => {
    expect(parseBpftraceUint('9e16')).toBe(9e16);
    expect(parseBpftraceUint('1e17')).toBeNull();
    expect(parseBpftraceUint('10e1')).toBeNull();
    expect(parseBpftraceUint('0x')).toBeNull();
  });
});

describe('program facts from tokens', () => {
  it('joins attach points across spaces, comments and strings as the parser does', () => {
    const facts = readProgram('kprobe : vfs_read , t:syscalls:"sys_enter_*" /* c */ , BEGIN /pid == 1/ { exit(); } END { }');
    expect(facts.attachPoints.map((p) => p.text)).toEqual(['kprobe:vfs_read', 't:syscalls:"sys_enter_*"', 'BEGIN', 'END']);
    expect(facts.codeIdentifiers.map((t) => t.text)).toEqual(['pid', 'exit']);
  });

  it('keeps field names out of the identifiers and finds provider:path sequences in bodies', () => {
    const facts = readProgram('BEGIN { curtask->signal; x.cat; interval:us:1 }');
    expect(facts.codeIdentifiers.map((t) => t.text)).toEqual(['curtask', 'x', 'interval']);
    expect(facts.nestedAttachPoints.map((p) => p.text)).toEqual(['interval:us:1']);
  });

  it('collects directives and struct definitions', () => {
    const facts = readProgram('#include <linux/sched.h>\n# define X 1\nstruct S { int a; }\nBEGIN {}');
    expect(facts.directives.map((d) => [d.name, d.rest])).toEqual([['include', ' <linux/sched.h>'], ['define', ' X 1']]);
    expect(facts.structDefinitions.map((t) => t.text)).toEqual(['struct S { int a; }']);
    expect(facts.attachPoints.map((p) => p.text)).toEqual(['BEGIN']);
  });
});
