import { describe, expect, it } from 'vitest';
import { extractFromShell } from '../../src/oneliners/extract-oneliners.js';
import { isShellParserLoaded, loadShellParser } from '../../src/oneliners/shell-parser.js';

// vitest isolates test files, so the parser is not loaded yet when this file starts.
describe('shell parser loading', () => {
  it('refuses synchronous extraction before the parser is loaded, then loads once', async () => {
    expect(isShellParserLoaded()).toBe(false);
    // plain commands are read without it (simple-shell.ts); a pipe needs it
    expect(extractFromShell("sudo bpftrace -e 'BEGIN {}'")).toHaveLength(1);
    expect(() => extractFromShell("bpftrace -e 'BEGIN {}' | head")).toThrow(/await loadShellParser\(\)/);
    const [a, b] = await Promise.all([loadShellParser(), loadShellParser()]);
    expect(a).toBe(b);
    expect(extractFromShell("bpftrace -e 'BEGIN {}' | head")).toHaveLength(1);
  });
});
