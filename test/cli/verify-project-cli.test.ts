import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/verify-command.js';
import type { CliIO } from '../../src/cli/io.js';

function io(): CliIO & { out: string; err: string } {
  const o = { out: '', err: '', cwd: process.cwd(), env: process.env, isTTY: false } as CliIO & { out: string; err: string };
  o.stdout = (t) => (o.out += t);
  o.stderr = (t) => (o.err += t);
  return o;
}

describe('study-bot verify on project code', () => {
  it.each(['test/fixtures/project/libbpf-bootstrap', 'test/fixtures/project/libbpf-bootstrap/minimal.bpf.c', 'test/fixtures/project/bcc/examples/hello_world.py'])(
    'refuses to run %s on the host',
    async (target) => {
      const cli = io();
      expect(await run([target, '--isolation', 'host', '--lang', 'en'], cli)).toBe(2);
      expect(cli.err).toContain('project code (a folder, .c, .py, .bt) is checked only in the VM (--isolation vm)');
      expect(cli.out).toBe('');
    },
  );

  it('says what a user-space C file is, and boots no VM for it', async () => {
    const cli = io();
    expect(await run(['test/fixtures/project/libbpf-bootstrap/minimal.c', '--format', 'json', '--lang', 'en'], cli)).toBe(0);
    const report = JSON.parse(cli.out);
    expect(report.entries).toEqual([expect.objectContaining({ path: 'test/fixtures/project/libbpf-bootstrap/minimal.c', kind: 'userspace-c', status: 'skipped' })]);
    expect(report.runner.kernel).toBe('-');
  });
});
