import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bccToolName, findBccTool } from '../../src/runner/bcc-tools.js';

describe('bcc tools by their exact names', () => {
  it.each([
    ['execsnoop-bpfcc', 'execsnoop'],
    ['execsnoop', 'execsnoop'],
    ['reset-trace-bpfcc', 'reset-trace'],
    ['groupadd-bpfcc', null],
    ['groupadd', null],
    ['execsnoop-bpfcc-bpfcc', null],
    ['../execsnoop', null],
    ['constructor', null],
  ])('%s is %s', (written, name) => {
    expect(bccToolName(written)).toBe(name);
  });

  it('never falls back to /usr/sbin/NAME for a name bcc does not ship', () => {
    // groupadd exists on Debian; the old lookup ran it for `groupadd-bpfcc x`
    expect(findBccTool('groupadd-bpfcc')).toBeNull();
    expect(findBccTool('useradd')).toBeNull();
  });

  it('finds an installed tool where Debian or upstream puts it', () => {
    const path = findBccTool('execsnoop-bpfcc');
    if (existsSync('/usr/sbin/execsnoop-bpfcc')) expect(path).toBe('/usr/sbin/execsnoop-bpfcc');
    else if (existsSync('/usr/share/bcc/tools/execsnoop')) expect(path).toBe('/usr/share/bcc/tools/execsnoop');
    else expect(path).toBeNull();
  });
});
