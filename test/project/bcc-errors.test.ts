import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { locateBccError } from '../../src/project/bcc-errors.js';

/**
 * Where a BCC script failed, on the member's own line. The stderr shapes are BCC 0.26's (the
 * runner image's): clang's error on /virtual/main.c, the line it repeats, the traceback; the
 * real runs are in verdicts.test.ts. Here: what the line number alone would get wrong.
 */
const killsnoop = readFileSync('test/fixtures/project/broken-bcc/killsnoop.py', 'utf8');
const clangSays = (line: number, text: string, message: string) =>
  `/virtual/main.c:${line}:9: error: ${message}\n${text}\n        ^\n1 error generated.\nTraceback (most recent call last):\n  File "killsnoop.py", line 151, in <module>\n    b = BPF(text=bpf_text)\nException: Failed to compile BPF module <text>\n`;

describe('locating a BCC failure', () => {
  it('finds C in the second triple-quoted string (bcc tools put their usage examples first)', () => {
    // C line 35 of the string that opens on line 48 is line 82; the first string opens on 22.
    const at = locateBccError(clangSays(35, '        val.tpidd = tpid;', "no member named 'tpidd' in 'struct val_t'"), { path: 'killsnoop.py', text: killsnoop }, []);
    expect(at).toEqual({ message: "no member named 'tpidd' in 'struct val_t'", at: { file: 'killsnoop.py', line: 82 } });
  });

  it('finds the line by its text when the script rewrote its C first (lines added above it)', () => {
    // bpf_text.replace('TPID_FILTER', two lines): everything below moves by one.
    const at = locateBccError(clangSays(36, '        val.tpidd = tpid;', 'x'), { path: 'killsnoop.py', text: killsnoop }, []);
    expect(at?.at).toEqual({ file: 'killsnoop.py', line: 82 });
  });

  it('names no line rather than a wrong one when the text is not unique', () => {
    // Two functions end in the same `return 0;`, and the C was rewritten (the number misses both).
    const text = 'from bcc import BPF\nBPF(text="""\nint a(void *c) {\n    return 0;\n}\nint b(void *c) {\n    return 0;\n}\n""")\n';
    const at = locateBccError(clangSays(4, '    return 0;', 'x'), { path: 'x.py', text }, []);
    expect(at).toEqual({ message: 'x' });
  });

  it('prefers the .c file the script loads when its line matches', () => {
    const c = readFileSync('test/fixtures/project/broken-bcc/task_switch.c', 'utf8');
    const at = locateBccError(clangSays(15, '    key.prev_pid = prev->pidd;', "no member named 'pidd'"), { path: 'task_switch.py', text: readFileSync('test/fixtures/project/broken-bcc/task_switch.py', 'utf8') }, [{ path: 'task_switch.c', text: c }]);
    expect(at?.at).toEqual({ file: 'task_switch.c', line: 15 });
  });

  it('places a failure after the compile by the script\'s own frame, not BCC\'s', () => {
    const stderr = 'Traceback (most recent call last):\n  File "sub/hello.py", line 14, in <module>\n    b.attach_kprobe(event="x", fn_name="hello")\n  File "/usr/lib/python3/dist-packages/bcc/__init__.py", line 845, in attach_kprobe\n    raise Exception("Failed")\nException: Failed to attach BPF program b\'hello\' to kprobe b\'x\'\n';
    expect(locateBccError(stderr, { path: 'sub/hello.py', text: '' }, [])).toEqual({ message: "Exception: Failed to attach BPF program b'hello' to kprobe b'x'", at: { file: 'sub/hello.py', line: 14 } });
  });

  it('a quote inside a comment opens no string', () => {
    const text = '# say """hi"""\n# and """ this\nfrom bcc import BPF\nprog = """\nint f(void *ctx) { return oops; }\n"""\n';
    expect(locateBccError(clangSays(2, 'int f(void *ctx) { return oops; }', 'x'), { path: 'p.py', text }, [])?.at).toEqual({ file: 'p.py', line: 5 });
  });
});
