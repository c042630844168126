import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OneLiner } from '../../../src/oneliners/types.js';
import { nameKernels, kernelFeatures } from '../../../src/runner/vm/build-image.js';
import { writeCpio } from '../../../src/runner/vm/cpio.js';
import { moduleLoadOrder } from '../../../src/runner/vm/kernel-modules.js';
import type { LaunchResult } from '../../../src/runner/vm/launch-vm.js';
import { qemuArgv, qemuOptionValue } from '../../../src/runner/vm/qemu-argv.js';
import { decodeFrame, encodeFrame, FRAME_BEGIN } from '../../../src/runner/vm/result-frame.js';
import { pickKernels, type KernelEntry, type RunnerManifest } from '../../../src/runner/vm/runner-dir.js';
import { acceptGuestResults, compileParallelism, vmSettings } from '../../../src/runner/vm/verify-in-vm.js';
import { vmRequestSchema } from '../../../src/runner/vm/vm-request.js';
import { readVerifyDeployment } from '../../../src/verify/verify-deployment.js';

/** Lists a newc archive the way the kernel reads it: name, mode, size, device. */
function readNewc(archive: Buffer): { name: string; mode: number; data: Buffer; rdev: [number, number] }[] {
  const entries = [];
  let at = 0;
  const pad = (n: number) => (n + 3) & ~3;
  for (;;) {
    expect(archive.toString('ascii', at, at + 6)).toBe('070701');
    const field = (i: number) => parseInt(archive.toString('ascii', at + 6 + i * 8, at + 14 + i * 8), 16);
    const [mode, size, rmaj, rmin, nameSize] = [field(1), field(6), field(9), field(10), field(11)];
    const name = archive.toString('utf8', at + 110, at + 110 + nameSize - 1);
    const dataAt = pad(at + 110 + nameSize);
    if (name === 'TRAILER!!!') return entries;
    entries.push({ name, mode, data: archive.subarray(dataAt, dataAt + size), rdev: [rmaj, rmin] as [number, number] });
    at = pad(dataAt + size);
  }
}

const oneLiner = (line: number, command: string): OneLiner => ({
  kind: 'bpftrace', line, endLine: line, heading: `h${line}`, command, argv: ['bpftrace', '-e', 'BEGIN { exit(); }'], env: {}, shellSyntax: [],
});

const launched = (over: Partial<LaunchResult>): LaunchResult => ({
  frame: { ok: false, reason: 'no-frame' }, consoleTail: '', qemuErrors: '', exitCode: 0, readySeen: true, timedOut: false, overflowed: false, durationMs: 1, ...over,
});

const guestResult = (over: Record<string, unknown> = {}) => ({
  line: 999, heading: 'forged', command: 'forged', status: 'ok', events: 3, message: 'ok', output: ['a'], durationMs: 5, ...over,
});
const guestReport = (results: unknown[]) => ({ report: { runner: { kernel: 'forged', bpftrace: 'v9', btf: true }, results } });

describe('cpio (newc) writer', () => {
  it('writes what the kernel reads: dirs, files with modes, symlinks, a console device without mknod', () => {
    const archive = writeCpio([
      { kind: 'dir', path: 'dev' },
      { kind: 'char-device', path: 'dev/console', major: 5, minor: 1 },
      { kind: 'file', path: 'init', data: '#!/bin/sh\n', mode: 0o755 },
      { kind: 'file', path: 'study-bot/odd 이름.json', data: Buffer.from([0, 1, 2]) },
      { kind: 'symlink', path: 'bin/sh', target: 'busybox' },
    ]);
    const entries = readNewc(archive);
    expect(entries.map((e) => e.name)).toEqual(['dev', 'dev/console', 'init', 'study-bot/odd 이름.json', 'bin/sh']);
    expect(entries[1]).toMatchObject({ mode: 0o020600, rdev: [5, 1] });
    expect(entries[2]!.mode).toBe(0o100755);
    expect(entries[3]!.data).toEqual(Buffer.from([0, 1, 2]));
    expect(entries[4]!.data.toString()).toBe('busybox');
  });

  it('is what GNU cpio lists too, when it is installed', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cpio-'));
    const file = path.join(dir, 'a.cpio');
    writeFileSync(file, writeCpio([{ kind: 'dir', path: 'etc' }, { kind: 'file', path: 'etc/hostname', data: 'vm\n' }]));
    let listed: string;
    try {
      listed = execFileSync('cpio', ['-it', '--quiet', '-F', file], { encoding: 'utf8' });
    } catch {
      return; // no cpio here: the reader above covers the format
    }
    expect(listed.split('\n').filter(Boolean)).toEqual(['etc', 'etc/hostname']);
  });

  it.each(['../etc/passwd', '/', 'a//b', 'a/../b'])('refuses the path %s', (bad) => {
    expect(() => writeCpio([{ kind: 'file', path: bad, data: '' }])).toThrow(/bad path/);
  });
});

describe('result frame over the console', () => {
  it('round-trips through a tty that turns \\n into \\r\\n, around kernel noise', () => {
    const value = { report: { text: '한국어 ✅ "quotes" \n newline', n: 1 } };
    const console = `[    1.0] boot noise\r\n${encodeFrame(value).replace(/\n/g, '\r\n')}[    9.9] reboot\r\n`;
    expect(decodeFrame(console)).toEqual({ ok: true, value });
  });

  it.each([
    ['no frame', 'just a kernel log', 'no-frame'],
    ['two frames (a program in the guest printing its own)', encodeFrame({ a: 1 }) + encodeFrame({ a: 2 }), 'several-frames'],
    ['no end', `${FRAME_BEGIN}\neyJhIjoxfQ==\n`, 'bad-frame'],
    ['not base64', `${FRAME_BEGIN}\n<script>\n@@STUDYBOT-RESULT-END@@`, 'bad-frame'],
    ['base64 of not JSON', `${FRAME_BEGIN}\n${Buffer.from('{nope').toString('base64')}\n@@STUDYBOT-RESULT-END@@`, 'bad-frame'],
  ])('%s → %s', (_name, text, reason) => {
    expect(decodeFrame(text)).toEqual({ ok: false, reason });
  });
});

describe('boot modules', () => {
  const dep = [
    'kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko',
    'kernel/drivers/virtio/virtio_ring.ko:',
    'kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko',
    'kernel/drivers/virtio/virtio_pci_legacy_dev.ko:',
    'kernel/drivers/virtio/virtio_pci_modern_dev.ko:',
    'kernel/drivers/block/virtio_blk.ko.xz: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko',
  ].join('\n');

  it('loads dependencies first (modules.dep lists the deepest last), each once', () => {
    expect(moduleLoadOrder(dep, ['virtio_pci', 'virtio_blk'])).toEqual([
      'kernel/drivers/virtio/virtio_ring.ko',
      'kernel/drivers/virtio/virtio.ko',
      'kernel/drivers/virtio/virtio_pci_modern_dev.ko',
      'kernel/drivers/virtio/virtio_pci_legacy_dev.ko',
      'kernel/drivers/virtio/virtio_pci.ko',
      'kernel/drivers/block/virtio_blk.ko.xz',
    ]);
  });

  it('loads nothing for a driver built into the kernel', () => {
    expect(moduleLoadOrder('kernel/fs/ext4/ext4.ko:', ['virtio_blk'])).toEqual([]);
  });
});

describe('QEMU command line', () => {
  const spec = { accel: 'tcg' as const, kernel: '/r/vmlinuz', initramfs: '/t/i.cpio', rootImage: '/r/root,1.ext4', cpus: 2, memoryMb: 2048 };
  const argv = qemuArgv(spec);
  const valueOf = (flag: string) => argv[argv.indexOf(flag) + 1];

  it('has no network, no display, no monitor, no shared host directory; a read-only root; seccomp on', () => {
    expect(valueOf('-nic')).toBe('none');
    expect(argv).toContain('-nodefaults');
    expect(valueOf('-display')).toBe('none');
    expect(valueOf('-monitor')).toBe('none');
    expect(argv.join(' ')).not.toMatch(/-netdev|-virtfs|-fsdev|9p|vhost|-chardev socket|-qmp/);
    expect(valueOf('-drive')).toBe('file=/r/root,,1.ext4,if=virtio,format=raw,readonly=on');
    expect(valueOf('-sandbox')).toBe('on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny');
    expect(argv).toContain('-no-reboot');
    expect(valueOf('-append')).toMatch(/panic=-1/);
  });

  it('uses KVM with the host CPU when asked, full emulation otherwise', () => {
    expect(valueOf('-accel')).toBe('tcg,thread=multi');
    const kvm = qemuArgv({ ...spec, accel: 'kvm' });
    expect(kvm[kvm.indexOf('-accel') + 1]).toBe('kvm');
    expect(kvm[kvm.indexOf('-cpu') + 1]).toBe('host');
    expect(valueOf('-cpu')).toBe('max');
    // Another model under full emulation only; KVM keeps the host's.
    const other = qemuArgv({ ...spec, cpuModel: 'qemu64' });
    expect(other[other.indexOf('-cpu') + 1]).toBe('qemu64');
    const kvmOther = qemuArgv({ ...spec, accel: 'kvm', cpuModel: 'qemu64' });
    expect(kvmOther[kvmOther.indexOf('-cpu') + 1]).toBe('host');
  });

  it('turns the guest\'s address-space randomization off, so QEMU reuses what it translated for one bpftrace in the next', () => {
    expect(valueOf('-append')!.split(' ')).toContain('norandmaps');
  });

  it('takes the CPU model from STUDY_BOT_VM_CPU_MODEL only when it is a model name with feature flags', () => {
    expect(vmSettings({}).cpuModel).toBe('max');
    expect(vmSettings({ STUDY_BOT_VM_CPU_MODEL: 'max,la57=off,-avx2' }).cpuModel).toBe('max,la57=off,-avx2');
    for (const bad of ['max -drive file=/etc/shadow', 'max,,file=x', '', 'a'.repeat(65)]) {
      expect(vmSettings({ STUDY_BOT_VM_CPU_MODEL: bad }).cpuModel).toBe('max');
    }
  });

  it('sends the guest a compile parallelism only when STUDY_BOT_VM_PARALLELISM is a whole number from 1 to 64 (the request schema\'s bound)', () => {
    expect(compileParallelism({})).toEqual({});
    expect(compileParallelism({ STUDY_BOT_VM_PARALLELISM: '2' })).toEqual({ parallelism: 2 });
    expect(vmRequestSchema.shape.options.parse(compileParallelism({ STUDY_BOT_VM_PARALLELISM: '64' }))).toEqual({ parallelism: 64 });
    for (const bad of ['0', '65', '1.5', 'two', '']) expect(compileParallelism({ STUDY_BOT_VM_PARALLELISM: bad })).toEqual({});
  });

  it('doubles commas, which QEMU would read as option separators', () => {
    expect(qemuOptionValue('/a,b,,c')).toBe('/a,,b,,,,c');
  });
});

describe('kernels of a runner', () => {
  const kernel = (release: string): KernelEntry => ({
    name: release, release, source: 'x', vmlinuz: 'v', initramfs: 'i', features: { kprobes: true, btf: true, kfunc: true },
  });
  const manifest = (releases: string[]): RunnerManifest => {
    const kernels = releases.map(kernel);
    nameKernels(kernels);
    return { version: 1, builtAt: '', image: 'root.ext4', suite: 'bookworm', packages: [], bpftrace: 'v0.17.0', kernels };
  };

  it('names a kernel by major.minor unless two share it', () => {
    expect(manifest(['6.1.0-57-cloud-amd64', '6.12.9-amd64']).kernels.map((k) => k.name)).toEqual(['6.1', '6.12']);
    expect(manifest(['6.1.0-57-cloud-amd64', '6.1.0-47-cloud-amd64']).kernels.map((k) => k.name)).toEqual(['6.1.0-57-cloud-amd64', '6.1.0-47-cloud-amd64']);
  });

  it('picks by name, release or release prefix; the first when none is asked; a clear error otherwise', () => {
    const m = manifest(['6.1.0-57-cloud-amd64', '6.12.9-amd64']);
    expect(pickKernels(m, []).map((k) => k.name)).toEqual(['6.1']);
    expect(pickKernels(m, ['6.12', '6.1']).map((k) => k.name)).toEqual(['6.12', '6.1']);
    expect(pickKernels(m, ['6.1.0-57']).map((k) => k.name)).toEqual(['6.1']);
    expect(pickKernels(m, ['6.1', '6.1.0-57-cloud-amd64']).map((k) => k.name)).toEqual(['6.1']);
    expect(() => pickKernels(m, ['5.15'])).toThrow(/no kernel 5.15 on this runner; it has 6.1, 6.12/);
  });

  it('reads what a kernel offers from its config', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kconfig-'));
    const file = path.join(dir, 'config');
    writeFileSync(file, 'CONFIG_KPROBE_EVENTS=y\nCONFIG_DEBUG_INFO_BTF=y\n# CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS is not set\n');
    expect(kernelFeatures(file)).toEqual({ kprobes: true, btf: true, kfunc: false });
    expect(kernelFeatures(null)).toEqual({ kprobes: false, btf: false, kfunc: false });
  });
});

describe('what the host accepts from a guest', () => {
  const sent = [oneLiner(3, "bpftrace -e 'BEGIN { exit(); }'"), oneLiner(9, "bpftrace -e 'END { }'")];

  it('takes verdicts from the guest but the command, line and heading from the host', () => {
    const results = acceptGuestResults(launched({ frame: { ok: true, value: guestReport([guestResult(), guestResult({ status: 'no-events' })]) } }), sent, 60_000);
    expect(results.map((r) => [r.line, r.heading, r.command, r.status])).toEqual([
      [3, 'h3', sent[0]!.command, 'ok'],
      [9, 'h9', sent[1]!.command, 'no-events'],
    ]);
  });

  it('caps and redacts what a hostile guest sends back', () => {
    const token = `ghp_${'a'.repeat(36)}`;
    const flood = guestResult({ message: `${token} ${'x'.repeat(100_000)}`, output: Array.from({ length: 5000 }, () => 'y'.repeat(50_000)) });
    const [result] = acceptGuestResults(launched({ frame: { ok: true, value: guestReport([flood, guestResult()]) } }), sent, 60_000);
    expect(result!.message.length).toBeLessThanOrEqual(4000);
    expect(result!.message).not.toContain(token);
    expect(result!.output.length).toBeLessThanOrEqual(30);
    expect(Math.max(...result!.output.map((l) => l.length))).toBeLessThanOrEqual(1000);
    expect(result!.truncated).toBe(true);
  });

  it.each([
    ['a timeout', launched({ timedOut: true }), /did not finish within 60 s/],
    ['a console flood', launched({ overflowed: true }), /wrote too much to its console/],
    ['no answer, with QEMU\'s complaint', launched({ qemuErrors: 'qemu: could not open kernel file' }), /ended without a result[\s\S]*could not open kernel file/],
    ['two answers', launched({ frame: { ok: false, reason: 'several-frames' } }), /several results/],
    ['an agent error', launched({ frame: { ok: true, value: { error: 'boom' } } }), /agent inside the VM failed\): boom/],
    ['a report off the schema', launched({ frame: { ok: true, value: { report: { results: 'x' } } } }), /does not fit the schema/],
    ['too few results', launched({ frame: { ok: true, value: guestReport([guestResult()]) } }), /does not fit the schema/],
    ['an unknown status', launched({ frame: { ok: true, value: guestReport([guestResult({ status: 'pwned' }), guestResult()]) } }), /does not fit the schema/],
  ])('%s is a runner error for every one-liner', (_name, result, message) => {
    const results = acceptGuestResults(result, sent, 60_000);
    expect(results.map((r) => r.status)).toEqual(['runner-error', 'runner-error']);
    expect(results[0]!.message).toMatch(message);
  });
});

describe('where /verify runs: the bot\'s environment', () => {
  it('is a VM by default', () => {
    expect(readVerifyDeployment({})).toEqual({ ok: true, deployment: { driver: 'vm' } });
  });

  it('runs on the host only with the unsafe switch', () => {
    expect(readVerifyDeployment({ STUDY_BOT_VERIFY_DRIVER: 'host' })).toMatchObject({ ok: false, problems: [expect.stringContaining('STUDY_BOT_UNSAFE_HOST_RUNNER=1')] });
    expect(readVerifyDeployment({ STUDY_BOT_VERIFY_DRIVER: 'host', STUDY_BOT_UNSAFE_HOST_RUNNER: '1' })).toEqual({ ok: true, deployment: { driver: 'host' } });
  });

  it('needs a runner repository for actions, with defaults for the rest', () => {
    expect(readVerifyDeployment({ STUDY_BOT_VERIFY_DRIVER: 'actions' })).toMatchObject({ ok: false });
    expect(readVerifyDeployment({ STUDY_BOT_VERIFY_DRIVER: 'actions', STUDY_BOT_RUNNER_REPOSITORY: 'club/runner' })).toEqual({
      ok: true, deployment: { driver: 'actions', runnerRepository: 'club/runner', workflow: 'ebpf-verify.yml', ref: 'main' },
    });
    expect(readVerifyDeployment({ STUDY_BOT_VERIFY_DRIVER: 'local' })).toMatchObject({ ok: false, problems: [expect.stringContaining('vm, actions or host')] });
  });
});
