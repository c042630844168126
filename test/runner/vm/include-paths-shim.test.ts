import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { includePathsShim, installIncludePathsShims, INCLUDE_PATHS_ARGS, isIncludePathsAnswer } from '../../../src/runner/vm/guest/include-paths-shim.js';
import { SAFE_PATH } from '../../../src/runner/runner-info.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'include-shim-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** What bpftrace 0.17 reads: popen of this command line, through sh, with the PATH given. */
const askLikeBpftrace = (clang: string, pathVar: string) =>
  execFileSync('/bin/sh', ['-c', `${clang} ${INCLUDE_PATHS_ARGS.join(' ')} 2>&1`], { env: { PATH: pathVar }, encoding: 'utf8' });

// This machine has the image's clang (Debian's clang-14) on the host too.
const clangs = existsSync('/usr/bin') ? readdirSync('/usr/bin').filter((name) => /^clang-\d+$/.test(name)) : [];

describe('the include-path shim', () => {
  it.skipIf(clangs.length === 0)("answers bpftrace's question with the real clang's answer, byte for byte, and passes anything else to it", async () => {
    const dir = tempDir();
    const written = await installIncludePathsShims(dir);
    expect(written).toEqual(clangs);
    const clang = clangs[0]!;
    const real = askLikeBpftrace(clang, SAFE_PATH);
    expect(isIncludePathsAnswer(real)).toBe(true);
    expect(askLikeBpftrace(clang, `${dir}:${SAFE_PATH}`)).toBe(real);
    // Another command line reaches the real clang.
    const version = execFileSync(clang, ['--version'], { env: { PATH: SAFE_PATH }, encoding: 'utf8' });
    expect(execFileSync(path.join(dir, clang), ['--version'], { env: { PATH: SAFE_PATH }, encoding: 'utf8' })).toBe(version);
    // The same words in another order, or one more, are not the question.
    const other = execFileSync('/bin/sh', ['-c', `${path.join(dir, clang)} -x c -Wp,-v -fsyntax-only /dev/null 2>&1`], { env: { PATH: SAFE_PATH }, encoding: 'utf8' });
    expect(other).toBe(execFileSync('/bin/sh', ['-c', `${clang} -x c -Wp,-v -fsyntax-only /dev/null 2>&1`], { env: { PATH: SAFE_PATH }, encoding: 'utf8' }));
  });

  it('prints an answer with quotes, dollars, backslashes and no final newline exactly', () => {
    const dir = tempDir();
    const answer = `#include <...> search starts here:\n /it's/$HOME/\\n/\`x\`\nEnd of search list.`;
    const shim = path.join(dir, 'clang-99');
    writeFileSync(shim, includePathsShim('/nonexistent/clang-99', answer), { mode: 0o755 });
    expect(execFileSync(shim, [...INCLUDE_PATHS_ARGS], { encoding: 'utf8', env: { PATH: SAFE_PATH } })).toBe(answer);
  });

  it('writes nothing where there is no clang, or where its answer is not a search list', async () => {
    const bin = tempDir();
    const out = tempDir();
    expect(await installIncludePathsShims(out, bin)).toEqual([]);
    writeFileSync(path.join(bin, 'clang-98'), '#!/bin/sh\necho "clang: error: no input files" >&2\nexit 1\n', { mode: 0o755 });
    writeFileSync(path.join(bin, 'clang-97'), '#!/bin/sh\necho "something else"\n', { mode: 0o755 });
    expect(await installIncludePathsShims(out, bin)).toEqual([]);
    expect(readdirSync(out)).toEqual([]);
    expect(isIncludePathsAnswer('#include <...> search starts here:\n /usr/include\n')).toBe(false);
  });
});
