// Runs the runner workflow's `run:` steps (.github/runner-repository/ebpf-verify.yml) one after
// another on this machine, as GitHub's hosted runner would (runner.environment ==
// 'github-hosted'), with the five orientation one-liners as the request. Stand-ins: actions/cache
// is a hard-linked copy of the image built here (IMAGE_FROM: a cache hit), upload-artifact a
// copy; `sudo` must be on PATH (as root, a shim that runs its arguments will do). The KVM udev
// rule is left out: it would open this machine's /dev/kvm to everyone, and KVM does not work
// here (no nested virtualization). STUDY_BOT_SOURCE is /work/main, the commit its HEAD (or
// WF_COMMIT); WF_ROOT reuses an earlier run's folder (its build of study-bot).
//   PATH=/tmp/shim:$PATH IMAGE_FROM=/var/cache/study-bot/runner node --import tsx bench/workflow-as-script.ts
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
const wf = parse(readFileSync('.github/runner-repository/ebpf-verify.yml', 'utf8'));
const root = process.env.WF_ROOT ?? mkdtempSync(path.join(os.tmpdir(), 'wf-'));
const home = path.join(root, 'home');
const temp = path.join(root, 'temp');
mkdirSync(temp, { recursive: true });
mkdirSync(path.join(home, '.cache'), { recursive: true });
const githubEnv = path.join(root, 'github_env');
writeFileSync(githubEnv, '');
const commit = process.env.WF_COMMIT ?? execFileSync('git', ['-C', '/work/main', 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
const { extractOneLiners } = await import('../src/oneliners/extract-oneliners.js');
const { loadShellParser } = await import('../src/oneliners/shell-parser.js');
await loadShellParser();
const request = JSON.stringify({ version: 1, file: 'study/week1/orientation.md', oneLiners: await extractOneLiners(readFileSync('test/fixtures/oneliners/orientation.md', 'utf8')) });
const ctx: Record<string, string> = { 'runner.environment': 'github-hosted', 'inputs.request': request, 'inputs.request_id': 'ic1', 'inputs.kernel': '' };
const expr = (e: string): string => {
  e = e.trim();
  if (e === "runner.environment == 'github-hosted'") return 'true';
  if (e.includes("vars.STUDY_BOT_HOSTED_ISOLATION == 'host'")) return '';
  if (e.includes("vars.STUDY_BOT_HOSTED_ISOLATION != 'host'")) return 'true';
  if (e.startsWith('secrets.')) return '';
  if (e === "github.server_url == 'https://github.com' || endsWith(github.server_url, '.ghe.com')") return 'true';
  if (e === "github.server_url != 'https://github.com' && !endsWith(github.server_url, '.ghe.com')") return '';
  if (e === 'runner.temp') return temp;
  if (e in ctx) return ctx[e]!;
  if (e.startsWith('env.')) return process.env[e.slice(4)] ?? '';
  throw new Error(`expression not handled: ${e}`);
};
const sub = (text: string) => text.replace(/\$\{\{([^}]*)\}\}/g, (_, e) => expr(e));
const env: Record<string, string> = { PATH: process.env.PATH!, HOME: home, RUNNER_TEMP: temp, GITHUB_ENV: githubEnv, ...wf.env, STUDY_BOT_SOURCE: '/work/main', STUDY_BOT_COMMIT: commit };
const readGithubEnv = () => Object.fromEntries(readFileSync(githubEnv, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
for (const step of wf.jobs.verify.steps) {
  const started = Date.now();
  if (step.if && sub(`\${{ ${step.if} }}`) !== 'true') { console.log(`skip   ${step.name}`); continue; }
  const stepEnv = { ...env, ...readGithubEnv(), ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, sub(String(v))])) };
  if (step.uses?.startsWith('actions/cache@')) {
    // a cache hit: the image built on this machine (hard links), never the saved guests (another QEMU build)
    const dir = path.join(home, '.cache/study-bot-runner');
    if (step.name === 'Restore the VM image' && !existsSync(path.join(dir, 'manifest.json'))) {
      mkdirSync(dir, { recursive: true });
      for (const f of ['manifest.json', 'root.ext4', 'kernels']) execFileSync('cp', ['-al', path.join(process.env.IMAGE_FROM!, f), dir]);
    }
    console.log(`cache  ${step.name} (${Date.now() - started} ms)`);
    continue;
  }
  if (step.uses?.startsWith('actions/upload-artifact@')) {
    const from = sub(String(step.with.path));
    cpSync(from, path.join(root, 'artifact-verify-report.json'));
    console.log(`upload ${step.name}: ${from} -> ${path.join(root, 'artifact-verify-report.json')}`);
    continue;
  }
  let script = sub(step.run);
  const kvmAt = script.indexOf('if [ -e /dev/kvm ]; then');
  if (kvmAt !== -1) script = script.slice(0, kvmAt) + script.slice(script.indexOf('\nfi\n', kvmAt) + 4);
  const r = spawnSync('bash', ['-e', '-c', script], { env: stepEnv, stdio: 'inherit' });
  console.log(`run    ${step.name}: exit ${r.status} (${Date.now() - started} ms, load ${os.loadavg()[0].toFixed(1)})`);
  if (r.status !== 0) process.exit(1);
}
console.log(readFileSync(path.join(root, 'artifact-verify-report.json'), 'utf8'));
