import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { includesVmlinuxFirst } from '../../src/runner/vm/guest/vmlinux-pch.js';

/**
 * The guest compiles a source with its precompiled vmlinux.h only when that gives the same
 * program: vmlinux.h must be the first thing the source includes (a PCH is read before anything
 * else in the file).
 */
describe('which sources may use the precompiled vmlinux.h', () => {
  it.each([
    'bcc/libbpf-tools/opensnoop.bpf.c',
    'libbpf-bootstrap/bootstrap.bpf.c',
    'libbpf-bootstrap/tc.bpf.c',
    'libbpf-bootstrap/kprobe.bpf.c',
    'learning-ebpf/chapter6/hello-verifier.bpf.c',
    'broken/null-check.bpf.c',
  ])('real program %s (licence comment, then vmlinux.h first): yes', (file) => {
    expect(includesVmlinuxFirst(readFileSync(`test/fixtures/project/${file}`, 'utf8'))).toBe(true);
  });

  it.each([
    ['libbpf-bootstrap/minimal.bpf.c', 'no vmlinux.h at all (linux/bpf.h)'],
    ['learning-ebpf/chapter3/hello.bpf.c', 'no vmlinux.h at all'],
  ])('real program %s: no (%s)', (file) => {
    expect(includesVmlinuxFirst(readFileSync(`test/fixtures/project/${file}`, 'utf8'))).toBe(false);
  });

  it.each([
    ['a macro that changes vmlinux.h comes first', '#define BPF_NO_PRESERVE_ACCESS_INDEX\n#include "vmlinux.h"\n'],
    ['another header comes first', '#include <linux/types.h>\n#include "vmlinux.h"\n'],
    ['the include is only in a comment', '// #include "vmlinux.h"\n#include <bpf/bpf_helpers.h>\n'],
    ['the include is inside a block comment', '/*\n#include "vmlinux.h"\n*/\n#include <bpf/bpf_helpers.h>\n'],
    ['another header named like it', '#include "vmlinux_510.h"\n'],
    ['a header in a folder', '#include "../vmlinux.h"\n'],
    ['a line continued into something else', '#include "vmlinux.h" \\\n'],
    ['an unterminated comment', '/* never closed\n#include "vmlinux.h"\n'],
    ['an empty file', ''],
  ])('no when %s', (_why, text) => {
    expect(includesVmlinuxFirst(text)).toBe(false);
  });

  it.each([
    ['after an SPDX line and a block comment', '// SPDX-License-Identifier: GPL-2.0\n/* Copyright (c) 2024 */\n\n#include "vmlinux.h"\n#include <bpf/bpf_helpers.h>\n'],
    ['with spaces after the hash and a trailing comment', '#  include <vmlinux.h> // kernel types\n'],
    ['with Windows line ends', '// x\r\n#include "vmlinux.h"\r\n'],
  ])('yes %s', (_why, text) => {
    expect(includesVmlinuxFirst(text)).toBe(true);
  });
});
