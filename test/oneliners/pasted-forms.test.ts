/**
 * Issue 16: the shapes members really paste (a root shell's prompt, starship's arrow, a
 * ```text block, inline code, a chat app's curly quotes), each counted or reported with why,
 * in `check` (oneliner-count) and in `verify` (the policy's words).
 */
import type { Root } from 'mdast';
import { describe, expect, it } from 'vitest';
import { extractOneLiners, parseNote } from '../../src/oneliners/extract-oneliners.js';
import { lookalikesOutsideStrings } from '../../src/oneliners/lookalikes.js';
import { oneLinerSightings } from '../../src/oneliners/sightings.js';
import { checkPolicy } from '../../src/runner/policy.js';

const block = (lang: string, ...lines: string[]) => ['```' + lang, ...lines, '```', ''].join('\n');

describe('counted', () => {
  it.each([
    ['a root shell with user and host, in a ```bash block', block('bash', "root@ubuntu:~# bpftrace -e 'BEGIN { exit(); }'", 'Attaching 1 probe...')],
    ['the same in a plain fence', block('', "root@ebpf-lab:/home/kim# bpftrace -e 'BEGIN { exit(); }'")],
    ["starship's arrow under its path line", block('', '~/ebpf on  main', "❯ sudo bpftrace -e 'BEGIN { exit(); }'", 'Attaching 1 probe...')],
    ['a bare # prompt in a ```console block', block('console', "# bpftrace -e 'BEGIN { exit(); }'")],
  ])('%s', async (_, md) => {
    const found = await extractOneLiners(`### 1. a\n${md}`);
    expect(found.map((o) => o.argv)).toEqual([['bpftrace', '-e', 'BEGIN { exit(); }']]);
    expect(found[0]!.shellSyntax).toEqual([]);
  });
});

describe('seen, not counted, with why', () => {
  const sightingsOf = async (md: string) => oneLinerSightings((await parseNote(md)) as Root);

  it('a # line in a ```bash block (a comment to bash), a ```text block and inline code', async () => {
    const md = [
      '### 1', block('bash', "# bpftrace -e 'tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }'"),
      '### 2', block('text', "$ sudo bpftrace -e 'tracepoint:sched:sched_process_fork { @ = count(); }'", 'Attaching 1 probe...'),
      '### 3', "`sudo bpftrace -e 'BEGIN { exit(); }'` 로 실행했습니다.", '',
      '### 4', block('bash', '# 파일 열기를 추적합니다', "sudo bpftrace -e 'BEGIN { exit(); }'"),
    ].join('\n');
    expect((await extractOneLiners(md)).map((o) => o.line)).toEqual([18]); // only the real one
    const seen = await sightingsOf(md);
    // commands shortened to 60 characters for a message
    expect(seen.map((s) => [s.line, s.command])).toEqual([
      [3, "bpftrace -e 'tracepoint:syscalls:sys_enter_openat { @[comm]…"],
      [8, "sudo bpftrace -e 'tracepoint:sched:sched_process_fork { @ =…"],
      [13, "sudo bpftrace -e 'BEGIN { exit(); }'"],
    ]);
    expect(seen.map((s) => s.why.en)).toEqual([
      'a line starting with `# ` is a comment in a ```bash block: if it is the root prompt, remove the `# `',
      'a ```text block is not read as commands: put the command in a ```bash block',
      'inline code is not counted: put it in a ```bash block',
    ]);
    expect(seen.every((s) => /[가-힣]/.test(s.why.ko))).toBe(true);
  });

  it('output in a ```text block is not a sighting', async () => {
    expect(await sightingsOf(block('text', 'Attaching 1 probe...', '@[bash]: 12'))).toEqual([]);
  });
});

describe('look-alike characters', () => {
  it.each([
    ['curly single quotes around the program', "sudo bpftrace -e ‘BEGIN { exit(); }’", ['U+2018', 'U+2019']],
    ['curly double quotes in printf', "sudo bpftrace -e 'BEGIN { printf(“hi\\n”); exit(); }'", ['U+201C', 'U+201D']],
    ['an en dash for the flag', "sudo bpftrace –e 'BEGIN { exit(); }'", ['U+2013']],
    ['an em dash for the flag', "sudo bpftrace —e 'BEGIN { exit(); }'", ['U+2014']],
    ['a no-break space after sudo', "sudo\u00a0bpftrace -e 'BEGIN { exit(); }'", ['U+00A0']],
  ])('%s: counted, marked with the code points, refused by /verify naming them', async (_, line, tokens) => {
    const [found] = await extractOneLiners(block('bash', line));
    expect(found, line).toBeDefined();
    expect(found!.argv.slice(0, 2)).toEqual(['bpftrace', '-e']);
    expect(found!.command).toBe(line); // as the member wrote it
    expect(found!.shellSyntax.sort()).toEqual([...tokens].sort());
    for (const isolation of ['host', 'vm'] as const) {
      const decision = checkPolicy(found!, { isolation });
      expect(decision.ok).toBe(false);
      if (!decision.ok) {
        for (const token of tokens) expect(decision.message).toContain(token);
        expect(decision.message).not.toContain('셸 문법');
      }
    }
  });

  it('inside a string they are the text the member meant, and stay', async () => {
    const line = `sudo bpftrace -e 'BEGIN { printf("“안녕” – hi\\n"); exit(); }'`;
    expect(lookalikesOutsideStrings(line)).toEqual([]);
    const [found] = await extractOneLiners(block('bash', line));
    expect(found!.shellSyntax).toEqual([]);
    expect(found!.argv[2]).toBe('BEGIN { printf("“안녕” – hi\\n"); exit(); }');
  });

  it('a comment with curly quotes beside a command is the member’s own words', async () => {
    const [found] = await extractOneLiners(block('bash', '# “hello”를 출력 – 첫 실습', "sudo bpftrace -e 'BEGIN { exit(); }'"));
    expect(found!.shellSyntax).toEqual([]);
  });
});
