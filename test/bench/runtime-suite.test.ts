import { describe, expect, it } from 'vitest';
import { commandOf, isPlainProgram, parseSuiteFile, runsOn } from '../../bench/runtime-suite/parse-suite.js';

// Written for this test in the suite's format; none of bpftrace's own files are kept here.
const SAMPLE = [
  '# a comment line is skipped',
  'NAME prints   once',
  'PROG i:ms:1 {  printf("a  b\\n"); exit(); }',
  'EXPECT a b',
  'TIMEOUT 5',
  '',
  'NAME needs a program',
  'PROG t:syscalls:sys_enter_nanosleep { exit(); }',
  'AFTER ./testprogs/syscall nanosleep 1e8',
  'EXPECT .*',
  'TIMEOUT 5',
  '',
  'NAME fails on purpose',
  'RUN {{BPFTRACE}} -e \'BEGIN { nope }\'',
  'EXPECT ERROR',
  'TIMEOUT 1',
  'WILL_FAIL',
  '',
  'NAME other arch',
  'PROG BEGIN { exit(); }',
  'EXPECT x',
  'TIMEOUT 1',
  'ARCH s390x|ppc64',
  'REQUIRES_FEATURE btf kfunc',
  'ENV BPFTRACE_STRLEN=40',
].join('\n');

describe('runtime suite format', () => {
  const tests = parseSuiteFile('call', SAMPLE);

  it('reads each blank-line separated test, collapsing whitespace as the engine does', () => {
    expect(tests.map((t) => t.name)).toEqual(['prints once', 'needs a program', 'fails on purpose', 'other arch']);
    expect(tests[0]).toMatchObject({ suite: 'call', prog: 'i:ms:1 { printf("a b\\n"); exit(); }', timeoutSeconds: 5, willFail: false });
    expect(tests[2]).toMatchObject({ run: "{{BPFTRACE}} -e 'BEGIN { nope }'", prog: null, willFail: true });
    expect(tests[3]).toMatchObject({ arch: ['s390x', 'ppc64'], requiresFeature: ['btf', 'kfunc'], env: { BPFTRACE_STRLEN: '40' } });
  });

  it('keeps plain programs for this architecture only', () => {
    expect(tests.map(isPlainProgram)).toEqual([true, false, false, true]);
    expect(runsOn(tests[3]!, 'x86_64')).toBe(false);
    expect(runsOn(tests[0]!, 'x86_64')).toBe(true);
  });

  it('runs a PROG as the engine does', () => {
    expect(commandOf(tests[0]!)).toBe(`bpftrace -e 'i:ms:1 { printf("a b\\n"); exit(); }'`);
  });
});
