import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

/**
 * `verify` and `check` read a note through one decoder (src/check/decode-text.ts): a file
 * `check` refuses is refused by `verify` with the same words, before anything runs.
 */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'studybot-verify-read-'));
  mkdirSync(path.join(dir, 'study/week1'), { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeIO() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), cwd: dir, env: {}, isTTY: false };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

/** `check --format json`'s single finding for a file. */
async function checkFinding(rel: string): Promise<{ rule: string; message: string }> {
  const { io, stdout } = fakeIO();
  await main(['check', '--repo', dir, '--format', 'json', rel], io);
  const files = JSON.parse(stdout()).files as { path: string; findings: { rule: string; message: string }[] }[];
  return files.find((f) => f.path === rel)!.findings[0]!;
}

// `# Week 1 - 홍길동` and a bpftrace block, saved by an old Windows editor as EUC-KR.
const eucKr = Buffer.concat([
  Buffer.from('# Week 1 - '),
  Buffer.from([0xc8, 0xab, 0xb1, 0xe6, 0xb5, 0xbf]),
  Buffer.from("\n\n## \n\n```bash\nsudo bpftrace -e 'BEGIN { exit(); }'\n```\n"),
]);

describe('study-bot verify reads a note exactly as check does', () => {
  it('an EUC-KR file is refused with check\'s message, not run on mojibake', async () => {
    const rel = 'study/week1/euckr.md';
    writeFileSync(path.join(dir, rel), eucKr);
    const expected = await checkFinding(rel);
    expect(expected.rule).toBe('file-encoding');
    const { io, stdout, stderr } = fakeIO();
    expect(await main(['verify', rel], io)).toBe(1);
    expect(stdout()).toBe('');
    expect(stderr()).toBe(`study-bot verify: ${rel}:1: ${expected.message}\n`);
    expect(stderr()).toMatch(/EUC-KR/);
  });

  it('a 1.2 MiB file is refused with check\'s size message', async () => {
    const rel = 'study/week1/big.md';
    const line = "sudo bpftrace -e 'BEGIN { exit(); }'\n";
    writeFileSync(path.join(dir, rel), `# Week 1 - big\n\n\`\`\`bash\n${line.repeat(Math.ceil((1.2 * 1024 * 1024) / line.length))}\`\`\`\n`);
    const expected = await checkFinding(rel);
    expect(expected.rule).toBe('file-size');
    const { io, stdout, stderr } = fakeIO();
    expect(await main(['verify', rel, '--format', 'json'], io)).toBe(1);
    expect(stdout()).toBe('');
    expect(stderr()).toBe(`study-bot verify: ${rel}: ${expected.message}\n`);
    expect(stderr()).toMatch(/1\.2 MiB/);
  });

  it('a UTF-8 file with a BOM reads as its text', async () => {
    const rel = 'study/week1/bom.md';
    writeFileSync(path.join(dir, rel), `\uFEFF# Week 1 - bom\n\n\`\`\`bash\nls\n\`\`\`\n`);
    const { io, stdout } = fakeIO();
    expect(await main(['verify', rel, '--format', 'json'], io)).toBe(0);
    expect(JSON.parse(stdout()).results).toEqual([]);
  });
});
