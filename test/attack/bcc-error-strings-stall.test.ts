/**
 * Attack review (issue 17, `/verify project`, eleventh round): placing a BCC compile error is
 * quadratic in the script's triple-quoted strings, on the event loop.
 *
 * `bccEntry` (src/project/verify-project.ts) calls `locateBccError` (src/project/bcc-errors.ts)
 * in the bot's process for a BCC script whose stderr holds clang's `/virtual/main.c:L:C: error:`.
 * `siteOf` builds one candidate per triple-quoted string the script opens, and each candidate
 * splits the WHOLE script into lines again (`script.text.split('\n')`), eagerly, before
 * anything is compared: strings × lines. A script of `''''''` lines (7 bytes each: a string
 * opened and closed) opens one string per line, so a 28 KiB script is 4,000 × 4,000 lines (the test; 8,000 took 19 s of CPU for the two kernels' answers in vitest).
 * No compromised guest is needed: the recorded answer for task_switch.py
 * (test/fixtures/project/verdicts/broken-bcc.json) is BCC's genuine clang error, which any
 * member gets by pushing a C typo; the member only appends those lines to the script
 * (the cap is MAX_PROJECT_FILE_BYTES, 512 KiB: about 75,000 strings, far worse).
 * Measured (tsx, this shared machine, load 4.9-5.8): 2,000 lines 0.58 s of CPU, 4,000 2.1 s,
 * 8,000 9.4 s (12.1 s wall), all synchronous; in vitest (both kernels' answers) 4,000 took 5.1 s of CPU
 * (load 6.6), and the error is still placed right (task_switch.c:15): only the time fails.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectProject } from '../../src/project/collect-sources.js';
import { diskProjectFiles } from '../../src/project/disk-files.js';
import { MAX_PROJECT_FILE_BYTES } from '../../src/project/project-request.js';
import { projectReport } from '../../src/project/verify-project.js';
import type { ProjectVmRun } from '../../src/runner/vm/verify-in-vm.js';

const FIXTURES = 'test/fixtures/project';
const recorded = JSON.parse(readFileSync(`${FIXTURES}/verdicts/broken-bcc.json`, 'utf8')) as { root: string; runs: ProjectVmRun[] };
const STRINGS = 4_000;

const base = mkdtempSync(join(tmpdir(), 'bcc-strings-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** The recorded broken-bcc folder, task_switch.py followed by STRINGS empty triple-quoted strings. */
function hostileFolder() {
  const dir = join(base, 'broken-bcc');
  cpSync(`${FIXTURES}/broken-bcc`, dir, { recursive: true });
  const script = readFileSync(join(dir, 'task_switch.py'), 'utf8');
  writeFileSync(join(dir, 'task_switch.py'), script + "''''''\n".repeat(STRINGS));
  return diskProjectFiles(base, dir);
}

describe('attack: a BCC script of 4,000 triple-quoted strings with a genuine clang error', () => {
  it('is sent (far under the per-file cap) and its recorded answer is a located clang error', () => {
    const collected = collectProject('broken-bcc', hostileFolder());
    const sent = collected.payload!.files.find((f) => f.path === 'task_switch.py');
    expect(sent).toBeDefined();
    expect(Buffer.byteLength(readFileSync(join(base, 'broken-bcc/task_switch.py')))).toBeLessThan(MAX_PROJECT_FILE_BYTES / 8);
    expect(collected.payload!.sources).toContainEqual({ path: 'task_switch.py', kind: 'bcc-python' });
    expect(recorded.runs[0]!.project!.results.find((r) => r.path === 'task_switch.py')!.compile.stderr).toMatch(/^\/virtual\/main\.c:15:26: error: /);
  });

  it('HIGH (fixed): projectReport places the error in under a second (it runs on the event loop)', () => {
    const collected = collectProject('broken-bcc', hostileFolder());
    const started = process.cpuUsage();
    const report = projectReport('broken-bcc', collected, collected.payload!, recorded.runs, 1);
    const used = process.cpuUsage(started);
    const ms = (used.user + used.system) / 1000;
    console.log(`projectReport: ${ms.toFixed(0)} ms of CPU for a script of ${STRINGS} strings`);
    expect(report.kernels![0]!.entries.find((e) => e.path === 'broken-bcc/task_switch.py' && !e.program)).toMatchObject({ status: 'error', file: 'broken-bcc/task_switch.c', line: 15 });
    expect(ms, `projectReport took ${ms.toFixed(0)} ms of CPU`).toBeLessThan(1_000);
  }, 300_000);
});
