import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractFromShell, extractOneLiners } from '../../src/oneliners/extract-oneliners.js';
import { loadShellParser } from '../../src/oneliners/shell-parser.js';
import { ORIENTATION_PROGRAMS } from '../helpers/orientation.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/oneliners/${name}`, import.meta.url), 'utf8');

beforeAll(async () => {
  await loadShellParser();
});

const one = (code: string, lang = 'bash') => {
  const found = extractFromShell(code, { lang });
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('the orientation one-liners', () => {
  it('extracts the five from the curriculum block with exact argv', () => {
    // copied byte for byte from the study's CURRICULUM.md (trailing spaces included)
    const block = fixture('curriculum-block.sh');
    const found = extractFromShell(block);
    expect(found.map((o) => o.argv)).toEqual(ORIENTATION_PROGRAMS.map((p) => ['bpftrace', '-e', p]));
    expect(found.every((o) => o.kind === 'bpftrace' && o.shellSyntax.length === 0)).toBe(true);
    expect(found.map((o) => [o.line, o.endLine])).toEqual([[1, 2], [3, 5], [6, 10], [11, 14], [15, 15]]);
  });

  it('finds them in a submission with headings and markdown line numbers', async () => {
    const markdown = fixture('orientation.md');
    const found = await extractOneLiners(markdown);
    expect(found.map((o) => o.argv[2])).toEqual(ORIENTATION_PROGRAMS);
    expect(found.map((o) => o.heading)).toEqual(['1. Hello World', '2. 파일 열기 추적', '3. TCP 연결', '4. 프로세스 생성', '5. 시스템 콜 카운트']);
    const lines = markdown.split('\n');
    for (const o of found) expect(lines[o.line - 1]).toMatch(/^(\$ )?sudo bpftrace -e '/);
    expect(found.map((o) => o.endLine)).toEqual([12, 24, 35, 44, 50]);
    // `command` is the statement as written, prompt excluded
    expect(found[4]!.command).toBe("sudo bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'");
  });
});

describe('prefixes bash or the wrapper would strip', () => {
  const program = "BEGIN { exit(); }";
  it.each([
    [`bpftrace -e '${program}'`, {}],
    [`sudo bpftrace -e '${program}'`, {}],
    [`sudo -E bpftrace -e '${program}'`, {}],
    [`sudo -u root bpftrace -e '${program}'`, {}],
    [`sudo -Eu root bpftrace -e '${program}'`, {}],
    [`sudo --preserve-env --user=root bpftrace -e '${program}'`, {}],
    [`sudo BPFTRACE_STRLEN=64 bpftrace -e '${program}'`, { BPFTRACE_STRLEN: '64' }],
    [`BPFTRACE_STRLEN=64 sudo -E bpftrace -e '${program}'`, { BPFTRACE_STRLEN: '64' }],
    [`sudo env A=1 B='x y' bpftrace -e '${program}'`, { A: '1', B: 'x y' }],
    [`env -i PATH=/usr/bin bpftrace -e '${program}'`, { PATH: '/usr/bin' }],
    [`timeout 10 bpftrace -e '${program}'`, {}],
    [`sudo timeout -s INT 10s bpftrace -e '${program}'`, {}],
    [`sudo timeout -s INT -k 5 10 bpftrace -e '${program}'`, {}],
    [`sudo timeout --signal=INT 5 bpftrace -e '${program}'`, {}],
    [`nice -n 10 bpftrace -e '${program}'`, {}],
    [`nice -5 bpftrace -e '${program}'`, {}],
    [`stdbuf -oL bpftrace -e '${program}'`, {}],
    [`sudo stdbuf -o L timeout 5 nice bpftrace -e '${program}'`, {}],
    [`time sudo bpftrace -e '${program}'`, {}],
    [`sudo /usr/bin/bpftrace -e '${program}'`, {}],
    [`sudo -- bpftrace -e '${program}'`, {}],
  ])('%s', (code, env) => {
    const found = one(code);
    expect(found.kind).toBe('bpftrace');
    expect(found.argv).toEqual(['bpftrace', '-e', program]);
    expect(found.env).toEqual(env);
    expect(found.shellSyntax).toEqual([]);
  });

  it('keeps bpftrace options, clustered or not', () => {
    expect(one("sudo bpftrace -qe 'BEGIN{}'").argv).toEqual(['bpftrace', '-qe', 'BEGIN{}']);
    expect(one("sudo bpftrace -f json -B line -e 'BEGIN{}'").argv).toEqual(['bpftrace', '-f', 'json', '-B', 'line', '-e', 'BEGIN{}']);
  });

  it.each([
    'sudo -l bpftrace -e x', // lists privileges
    'sudo -e /etc/hosts', // sudoedit
    'command -v bpftrace',
    'env -S "bpftrace -e x"',
  ])('%s runs no one-liner', (code) => {
    expect(extractFromShell(code)).toEqual([]);
  });
});

describe('kinds', () => {
  it.each([
    ["sudo bpftrace -l 'tracepoint:*'", 'bpftrace-list', ['bpftrace', '-l', 'tracepoint:*']],
    ["sudo bpftrace -l 'kprobe:*tcp*'", 'bpftrace-list', ['bpftrace', '-l', 'kprobe:*tcp*']],
    ['sudo bpftrace -l tracepoint:syscalls:*', 'bpftrace-list', ['bpftrace', '-l', 'tracepoint:syscalls:*']],
    ['sudo execsnoop-bpfcc', 'bcc-tool', ['execsnoop-bpfcc']],
    ['sudo /usr/sbin/opensnoop-bpfcc -T', 'bcc-tool', ['opensnoop-bpfcc', '-T']],
    ['sudo /usr/share/bcc/tools/tcpconnect', 'bcc-tool', ['tcpconnect']],
    ['sudo python3 /usr/share/bcc/tools/biolatency 1 5', 'bcc-tool', ['biolatency', '1', '5']],
  ])('%s', (code, kind, argv) => {
    const found = one(code);
    expect(found.kind).toBe(kind);
    expect(found.argv).toEqual(argv);
  });

  it.each([
    'bpftrace --version',
    'sudo bpftrace -h',
    'sudo bpftrace script.bt',
    'ls /sys/kernel/tracing',
    'curl -s https://example.com',
    `python3 -c "import bcc; print('ok')"`,
    'sudo python3 /usr/share/bcc/examples/hello_world.py',
    "# sudo bpftrace -e 'BEGIN {}'",
    "echo sudo bpftrace -e 'BEGIN {}'",
  ])('%s is not a one-liner', (code) => {
    expect(extractFromShell(code)).toEqual([]);
  });
});

describe('quoting and continuations, as bash builds argv', () => {
  it('joins backslash-newline continuations', () => {
    const found = one("sudo bpftrace \\\n  -e 'BEGIN { exit(); }'");
    expect(found.argv).toEqual(['bpftrace', '-e', 'BEGIN { exit(); }']);
    expect([found.line, found.endLine]).toEqual([1, 2]);
  });

  it('unescapes double-quoted programs', () => {
    const found = one('sudo bpftrace -e "BEGIN { printf(\\"hi %s\\\\n\\", \\"x\\"); exit(); }"');
    expect(found.argv[2]).toBe('BEGIN { printf("hi %s\\n", "x"); exit(); }');
    expect(found.shellSyntax).toEqual([]);
  });

  it('decodes $\'...\' strings and concatenations', () => {
    expect(one("bpftrace -e $'BEGIN { printf(\"a\\\\n\"); }'").argv[2]).toBe('BEGIN { printf("a\\n"); }');
    expect(one("bpftrace -e 'BEGIN {'\" exit(); \"'}'").argv[2]).toBe('BEGIN { exit(); }');
    expect(one('bpftrace -e BEGIN\\{\\ exit\\(\\)\\;\\ \\}').argv[2]).toBe('BEGIN{ exit(); }');
  });

  it('keeps trailing spaces and // comments inside the program', () => {
    const found = one("sudo bpftrace -e 'BEGIN {   \n  exit(); // done  \n}'  ");
    expect(found.argv[2]).toBe('BEGIN {   \n  exit(); // done  \n}');
  });

  it('closes a quote left open at the end, and marks it', () => {
    const found = one("sudo bpftrace -e 'BEGIN {\n  exit();");
    expect(found.argv[2]).toBe('BEGIN {\n  exit();');
    expect(found.shellSyntax).toContain('syntax-error');
  });
});

describe('mixed blocks', () => {
  it('skips comments and other commands, with in-block line numbers', () => {
    const code = [
      '# 환경 확인',
      'ls /sys/kernel/tracing',
      'curl -fsSL https://example.com | head',
      "sudo bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'",
      'bpftrace --version',
      "sudo bpftrace -l 'tracepoint:sched:*'",
    ].join('\n');
    const found = extractFromShell(code, { lineOffset: 10, heading: 'x' });
    expect(found.map((o) => [o.kind, o.line, o.heading])).toEqual([
      ['bpftrace', 13, 'x'],
      ['bpftrace-list', 15, 'x'],
    ]);
  });
});

describe('terminal transcripts', () => {
  it('strips $ prompts and ignores output lines in console blocks', () => {
    const code = [
      "$ sudo bpftrace -e 'BEGIN { printf(\"hi\\n\"); exit(); }'",
      'Attaching 1 probe...',
      'hi',
      "# sudo bpftrace -l 'tracepoint:sock:*'",
      'tracepoint:sock:inet_sock_set_state',
    ].join('\n');
    const found = extractFromShell(code, { lang: 'console' });
    expect(found.map((o) => [o.kind, o.line, o.argv])).toEqual([
      ['bpftrace', 1, ['bpftrace', '-e', 'BEGIN { printf("hi\\n"); exit(); }']],
      ['bpftrace-list', 4, ['bpftrace', '-l', 'tracepoint:sock:*']],
    ]);
  });

  it('follows a quoted program over lines and PS2 prompts', () => {
    const code = "ubuntu@vm:~$ sudo bpftrace -e 'BEGIN {\n> exit();\n> }'\nAttaching 1 probe...";
    const found = one(code, 'console');
    expect(found.argv).toEqual(['bpftrace', '-e', 'BEGIN {\nexit();\n}']);
    expect([found.line, found.endLine]).toEqual([1, 3]);
  });

  it('treats a plain block with $ prompts as a transcript, but # as a comment', () => {
    const code = "# 실행\n$ sudo bpftrace -e 'BEGIN { exit(); }'\nsudo bpftrace -e 'BEGIN { output }'";
    const found = extractFromShell(code, { lang: 'bash' });
    expect(found.map((o) => o.line)).toEqual([2]);
  });

  it('leaves a console block without prompts as a script', () => {
    expect(extractFromShell("sudo bpftrace -e 'BEGIN {}'", { lang: 'console' })).toHaveLength(1);
  });
});

describe('shell syntax the runner must never execute', () => {
  it.each([
    ["sudo bpftrace -e 'BEGIN { exit(); }'; touch /tmp/pwned", [';']],
    ["sudo bpftrace -e 'BEGIN { exit(); }' && id", ['&&']],
    ["false || sudo bpftrace -e 'BEGIN { exit(); }'", ['||']],
    ["sudo bpftrace -e 'BEGIN { exit(); }' | head", ['|']],
    ["sudo bpftrace -e 'BEGIN { exit(); }' > /tmp/out", ['>']],
    ["sudo bpftrace -e 'BEGIN { exit(); }' 2>&1", ['>&']],
    ["sudo bpftrace -e 'BEGIN { exit(); }' &", ['&']],
    ['sudo bpftrace -e "BEGIN { printf(\\"$(id)\\"); }"', ['$(...)']],
    ["sudo bpftrace -e 'BEGIN { exit(); }' $(touch /tmp/pwned)", ['$(...)']],
    ["sudo bpftrace -e 'BEGIN { exit(); }' `touch /tmp/pwned`", ['`...`']],
    ['sudo bpftrace -e "BEGIN { printf(\\"%s\\", \\"$HOME\\"); }"', ['$VAR']],
    ["sudo bpftrace -e \"$PROG\"", ['$VAR']],
    ["(sudo bpftrace -e 'BEGIN { exit(); }')", ['(...)']],
    ["for i in 1 2; do sudo bpftrace -e 'BEGIN { exit(); }'; done", ['for']],
    ["sudo bpftrace -e 'BEGIN { exit(); }' <<< input", ['<<<']],
  ])('%s', (code, syntax) => {
    const found = one(code);
    for (const token of syntax) expect(found.shellSyntax).toContain(token);
  });

  it('does not flag $ inside single quotes or a trailing ;', () => {
    expect(one("sudo bpftrace -e 'BEGIN { $x = 1; printf(\"%d\", $x); }';").shellSyntax).toEqual([]);
  });

  it('reports the one-liner inside a substitution too, as what it is', () => {
    const found = one("echo $(sudo bpftrace -e 'BEGIN { exit(); }')");
    expect(found.shellSyntax).toContain('$(...)');
  });
});

describe('markdown', () => {
  it('only reads shell-like fences and tracks headings of depth >= 3', async () => {
    const markdown = [
      '---', 'title: x', '---', '# Week 1', '', '### 1. 하나', '', '```python', "bpftrace -e 'BEGIN {}'", '```',
      '', '```sh', "bpftrace -e 'BEGIN {}'", '```', '', '## 학습 내용', '', '```', "bpftrace -e 'BEGIN {}'", '```',
      '', '- 목록', '  ```zsh', "  bpftrace -l 'x'", '  ```', '', '> ```bash', "> sudo bpftrace -e 'BEGIN {}'", '> ```',
      '',
      '    sudo bpftrace -e \'BEGIN {}\'',
    ].join('\n');
    const found = await extractOneLiners(markdown);
    const lines = markdown.split('\n');
    expect(found.map((o) => [o.line, o.heading])).toEqual([[13, '1. 하나'], [19, null], [24, null], [28, null], [31, null]]);
    for (const o of found) expect(lines[o.line - 1]).toContain('bpftrace');
  });

  it('survives malformed and binary input', async () => {
    await expect(extractOneLiners('```bash\n\0\0\xff\ufffd sudo bpftrace -e \'\n')).resolves.toBeInstanceOf(Array);
    await expect(extractOneLiners('```bash\n' + '('.repeat(5000) + '\n```')).resolves.toEqual([]);
    await expect(extractOneLiners('')).resolves.toEqual([]);
  });
});
