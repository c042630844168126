import { describe, expect, it } from 'vitest';
import { blockStyleOf, maskTranscript, transcriptOutputLines } from '../../src/oneliners/console-prompts.js';

describe('transcriptOutputLines', () => {
  it('marks what a `$ command` printed in a script block, not the command or its continuation', () => {
    const code = [
      "$ sudo bpftrace -e 'BEGIN {", // 0
      '>   printf("hi\\n"); exit();', // 1 PS2 continuation
      "> }'", // 2
      'Attaching 1 probe...', // 3
      '', // 4 blank: not output
      'hi', // 5
      '$ ls', // 6
      'a.txt', // 7
    ].join('\n');
    expect(transcriptOutputLines(code, 'script')).toEqual([3, 5, 7]);
  });

  it('is empty for a script without prompts: `# comments` and commands are not output', () => {
    expect(transcriptOutputLines("# 파일 열기\nsudo bpftrace -e 'BEGIN { exit(); }'\nls\n", 'script')).toEqual([]);
  });

  it('does not count lines before the first prompt as output', () => {
    expect(transcriptOutputLines("설명 한 줄\n$ sudo bpftrace -e 'BEGIN { exit(); }'\nok", 'script')).toEqual([2]);
  });

  it('`# ` is a root prompt only in console blocks', () => {
    const code = "# bpftrace -e 'BEGIN { exit(); }'\nAttaching 1 probe...";
    expect(transcriptOutputLines(code, 'console')).toEqual([1]);
    expect(transcriptOutputLines(code, 'script')).toEqual([]);
    expect(blockStyleOf('Console')).toBe('console');
    expect(blockStyleOf('sh')).toBe('script');
    expect(blockStyleOf(null)).toBe('script');
  });

  it('maskTranscript is unchanged: prompts removed, output emptied, same line count', () => {
    expect(maskTranscript("$ sudo bpftrace -e 'BEGIN {}'\nAttaching 1 probe...", 'script')).toBe("sudo bpftrace -e 'BEGIN {}'\n");
    expect(maskTranscript('no prompts\nhere', 'script')).toBe('no prompts\nhere');
  });
});
