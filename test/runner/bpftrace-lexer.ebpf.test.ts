import { execa } from 'execa';
import { expect } from 'vitest';
import { lexBpftrace, significantTokens } from '../../src/runner/bpftrace-lexer.js';
import { describeEbpf, itEbpf } from '../helpers/ebpf.js';

/** Runs a harmless program with this machine's bpftrace; stdout and stderr together. */
async function bpftrace(program: string): Promise<{ output: string; exitCode: number | undefined }> {
  const run = await execa('bpftrace', ['-e', program], { reject: false, timeout: 20_000, all: true, env: { PATH: process.env.PATH ?? '' }, extendEnv: false });
  return { output: run.all ?? '', exitCode: run.exitCode };
}

const significant = (program: string) => significantTokens(lexBpftrace(program)).map((t) => `${t.kind}:${t.text}`);

// The lexer's odd rules, each checked against bpftrace itself with a program that shows where
// bpftrace's own lexer put the edge.
describeEbpf('the lexer agrees with bpftrace 0.17 on its edges', () => {
  itEbpf("a '\"' in a #define opens no string: the /* inside a later string stays a string", async () => {
    const program = `#define Q '"'\nBEGIN { printf("/*"); printf("mid"); printf("*/\\n"); exit(); }`;
    expect((await bpftrace(program)).output).toContain('/*mid*/');
    expect(significant(program).filter((t) => t === 'ident:printf')).toHaveLength(3);
    expect(significant(program)).toContain('string:"mid"');
  });

  itEbpf('a // at the very end of the program is no comment', async () => {
    const program = 'BEGIN { printf("x\\n"); exit(); } // c';
    const run = await bpftrace(program);
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toMatch(/syntax error/);
    expect(significant(program).slice(-3)).toEqual(['punct:/', 'punct:/', 'ident:c']);
    expect((await bpftrace(`${program}\n`)).output).toMatch(/^x$/m);
  });

  itEbpf('a struct cast runs up to its * with the quote inside', async () => {
    const program = 'BEGIN { $x = (struct a "*)0; exit(); }';
    expect((await bpftrace(program)).output).toContain(`Unknown struct/union: 'struct a "'`);
    expect(significant(program)).toContain('struct-type:struct a "');
  });

  itEbpf('a # followed by a newline takes the next line with it to clang', async () => {
    const program = '#\ninclude <x>\nBEGIN { printf("y\\n"); exit(); }';
    expect((await bpftrace(program)).output).toMatch(/unknown type name 'include'/);
    expect(significant(program)[0]).toBe('preprocessor:#\ninclude <x>');
  });
});
