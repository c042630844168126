// Experiment harness (not a bench): boots (or, with --save, saves and restores) a runner guest
// whose agent is a shell (guest-shell-agent.mjs) and runs a script in it, as root, timing what
// the guest does: how the figures in docs/vm-warm-pool.md on LLVM's translation were found. Usage: node --import tsx bench/guest-shell.ts [--save] [--warm FILE] [--cpus N] [--mem MB] [--cpu MODEL] [--append WORDS] SCRIPTFILE
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildAgentInitramfs } from '../src/runner/vm/initramfs.js';
import { launchVm } from '../src/runner/vm/launch-vm.js';
import { readManifest, runnerDir } from '../src/runner/vm/runner-dir.js';
import { saveSnapshot } from '../src/runner/vm/snapshot.js';
import { vmUser } from '../src/runner/vm/vm-user.js';
import type { QemuSpec } from '../src/runner/vm/qemu-argv.js';

const args = process.argv.slice(2);
const opt = (name: string) => { const i = args.indexOf(name); if (i === -1) return undefined; const v = args[i + 1]; args.splice(i, 2); return v; };
const flag = (name: string) => { const i = args.indexOf(name); if (i === -1) return false; args.splice(i, 1); return true; };
const save = flag('--save');
const warmFile = opt('--warm');
const cpus = Number(opt('--cpus') ?? 2);
const mem = Number(opt('--mem') ?? 2048);
const kernelIdx = Number(opt('--kernel') ?? 0);
const extra = (opt('--append') ?? '').split(' ').filter(Boolean);
const scriptFile = args[0]!;
const dir = runnerDir();
const manifest = readManifest(dir)!;
const kernel = manifest.kernels[kernelIdx]!;
const agent = readFileSync(new URL('./guest-shell-agent.mjs', import.meta.url), 'utf8');
const work = path.join(os.tmpdir(), 'study-bot-guest-shell');
if (!existsSync(work)) {
  mkdirSync(work, { recursive: true });
  chmodSync(work, 0o755);
}
const warmWord = warmFile ? [`xwarm=${Buffer.from(readFileSync(warmFile, 'utf8')).toString('base64')}`] : [];
const initramfs = path.join(work, `initramfs-${kernel.name}.cpio`);
writeFileSync(initramfs, Buffer.concat([readFileSync(path.join(dir, kernel.initramfs)), buildAgentInitramfs(agent)]), { mode: 0o644 });
const spec: QemuSpec = { accel: 'tcg', kernel: path.join(dir, kernel.vmlinuz), initramfs, rootImage: path.join(dir, manifest.image), cpus, memoryMb: mem, append: [...extra, ...warmWord] };
const statePath = path.join(work, `state-${kernel.name}-${cpus}-${mem}-${Buffer.from(JSON.stringify(spec.append)).toString('base64url').slice(0, 40)}.vmstate`);
const user = vmUser({ kvm: false });
const line = `@@STUDYBOT-REQUEST@@${Buffer.from(JSON.stringify({ script: readFileSync(scriptFile, 'utf8'), nowMs: Date.now() })).toString('base64')}\n`;
const load = () => os.loadavg()[0]!.toFixed(1);
if (save) {
  const t = Date.now();
  const r = await saveSnapshot({ spec, user, jail: true, statePath, deadlineMs: 900_000 });
  console.log(`save ${JSON.stringify(r)} ${Date.now() - t} ms load ${load()}`);
}
const t0 = Date.now();
const l0 = load();
let result;
if (existsSync(statePath)) {
  const fd = openSync(statePath, 'r');
  result = await launchVm({ spec: { ...spec, incomingFd: 3 }, fd3: fd, deadlineMs: 900_000, user, jail: {}, request: line });
  closeSync(fd);
} else {
  result = await launchVm({ spec, deadlineMs: 900_000, user, jail: {}, request: line });
}
console.log(`total ${Date.now() - t0} ms, ready after ${result.readyAfterMs} ms, request ${result.requestMs} ms, load ${l0} -> ${load()} (${existsSync(statePath) ? 'restored' : 'booted'})`);
if (result.frame.ok) { const v = result.frame.value as Record<string, unknown>; console.log(`guest script ${v.ms} ms rc ${v.rc}\n${v.warm}\n--- out\n${v.out}\n--- err\n${v.err}`); }
else console.log('no frame', result.consoleTail.slice(-3000), result.qemuErrors);
