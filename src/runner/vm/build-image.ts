import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { buildBaseInitramfs } from './initramfs.js';
import { MANIFEST_FILE, MANIFEST_VERSION, type KernelEntry, type RunnerManifest } from './runner-dir.js';

/**
 * Builds the runner's VM image from distribution packages, with one command
 * (`study-bot runner image build`):
 * - a Debian root file system made by mmdebstrap, holding bpftrace, bcc (bpfcc-tools,
 *   python3-bpfcc), Node.js for the guest agent, and the headers of each kernel (bcc compiles
 *   against them), written into an ext4 image that every VM attaches read-only;
 * - each kernel from a Debian kernel package (default: the cloud kernel the distribution
 *   currently ships) or from the host's /boot, with a small initramfs of its own.
 * The result goes into the runner directory with a manifest; the manifest is written last,
 * so a half-built image is never used.
 */
export interface BuildImageOptions {
  dir: string;
  /** Kernel packages (`linux-image-…`) or kernel files (`/boot/vmlinuz-…`). */
  kernels?: string[];
  suite?: string;
  mirror?: string;
  securityMirror?: string | null;
  log?: (line: string) => void;
}

export const DEFAULT_KERNEL_PACKAGE = 'linux-image-cloud-amd64';
// clang, llvm, libbpf-dev and bpftool compile and load a member's libbpf C inside the guest (/verify project).
export const IMAGE_PACKAGES = ['bpftrace', 'bpfcc-tools', 'python3-bpfcc', 'nodejs', 'clang', 'llvm', 'libbpf-dev', 'bpftool'];
const IMAGE_FILE = 'root.ext4';
const REQUIRED_TOOLS = [
  ['mmdebstrap', 'mmdebstrap'],
  ['mke2fs', 'e2fsprogs'],
  ['dpkg-deb', 'dpkg'],
  ['apt-get', 'apt'],
  ['depmod', 'kmod'],
] as const;

interface KernelSource {
  release: string;
  source: string;
  vmlinuz: string;
  modulesDir: string;
  config: string | null;
  /** The Debian headers package that matches, when there is one. */
  headersPackage: string | null;
}

export async function buildImage(opts: BuildImageOptions): Promise<RunnerManifest> {
  const log = opts.log ?? (() => {});
  const suite = opts.suite ?? 'bookworm';
  const mirror = opts.mirror ?? 'http://deb.debian.org/debian';
  const securityMirror = opts.securityMirror === undefined ? 'http://deb.debian.org/debian-security' : opts.securityMirror;
  await requireTools();

  mkdirSync(opts.dir, { recursive: true, mode: 0o755 });
  chmodSync(opts.dir, 0o755);
  const work = path.join(opts.dir, `.build-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    log('busybox-static 내려받기 (fetching busybox-static)');
    const busybox = await busyboxFromPackage(work);

    const kernels: KernelSource[] = [];
    for (const wanted of opts.kernels?.length ? opts.kernels : [DEFAULT_KERNEL_PACKAGE]) {
      log(`커널 준비: ${wanted} (preparing kernel ${wanted})`);
      kernels.push(wanted.startsWith('/') ? await kernelFromFile(wanted) : await kernelFromPackage(wanted, work));
    }

    const rootfs = path.join(work, 'rootfs');
    const packages = [...IMAGE_PACKAGES, ...kernels.flatMap((k) => (k.headersPackage ? [k.headersPackage] : []))];
    log(`루트 파일 시스템 만들기 (mmdebstrap ${suite}: ${packages.join(', ')})`);
    await execa('mmdebstrap', [
      '--variant=minbase',
      `--include=${packages.join(',')}`,
      ...['man', 'doc', 'locale', 'info'].map((d) => `--dpkgopt=path-exclude=/usr/share/${d}/*`),
      suite,
      rootfs,
      `deb ${mirror} ${suite} main`,
      ...(securityMirror ? [`deb ${securityMirror} ${suite}-security main`] : []),
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    writeFileSync(path.join(rootfs, 'etc/hostname'), 'studybot-vm\n');
    writeFileSync(path.join(rootfs, 'etc/hosts'), '127.0.0.1 localhost studybot-vm\n::1 localhost\n');
    for (const dir of ['sys/kernel/tracing', 'sys/kernel/debug', 'sys/fs/bpf']) mkdirSync(path.join(rootfs, dir), { recursive: true });
    const versions = await installedVersions(rootfs, packages);

    const imagePath = path.join(work, IMAGE_FILE);
    const sizeMb = Math.ceil((await duMegabytes(rootfs)) * 1.15) + 64;
    log(`ext4 이미지 쓰기 (writing the ext4 image, ${sizeMb} MiB)`);
    // No journal: the image is only ever attached read-only.
    await execa('mke2fs', ['-q', '-F', '-t', 'ext4', '-O', '^has_journal', '-L', 'studybot-root', '-d', rootfs, imagePath, `${sizeMb}M`]);
    rmSync(rootfs, { recursive: true, force: true });

    const entries: KernelEntry[] = [];
    for (const kernel of kernels) {
      const kernelDir = path.join('kernels', kernel.release);
      mkdirSync(path.join(work, kernelDir), { recursive: true });
      copyFileSync(kernel.vmlinuz, path.join(work, kernelDir, 'vmlinuz'));
      writeFileSync(path.join(work, kernelDir, 'initramfs.cpio'), buildBaseInitramfs({ busybox, modulesDir: kernel.modulesDir }));
      entries.push({
        name: kernel.release,
        release: kernel.release,
        source: kernel.source,
        vmlinuz: path.join(kernelDir, 'vmlinuz'),
        initramfs: path.join(kernelDir, 'initramfs.cpio'),
        features: kernelFeatures(kernel.config),
      });
    }
    nameKernels(entries);

    // Move into place, manifest last.
    renameSync(imagePath, path.join(opts.dir, IMAGE_FILE));
    for (const entry of entries) {
      const target = path.join(opts.dir, path.dirname(entry.vmlinuz));
      rmSync(target, { recursive: true, force: true });
      mkdirSync(path.dirname(target), { recursive: true });
      renameSync(path.join(work, path.dirname(entry.vmlinuz)), target);
    }
    const manifest: RunnerManifest = {
      version: MANIFEST_VERSION,
      builtAt: new Date().toISOString(),
      image: IMAGE_FILE,
      suite,
      packages: versions,
      bpftrace: bpftraceVersion(versions),
      kernels: entries,
    };
    makeReadable(opts.dir);
    const manifestTmp = path.join(work, MANIFEST_FILE);
    writeFileSync(manifestTmp, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o644 });
    renameSync(manifestTmp, path.join(opts.dir, MANIFEST_FILE));
    return manifest;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function requireTools(): Promise<void> {
  const missing: string[] = [];
  for (const [tool, pkg] of REQUIRED_TOOLS) {
    const found = await execa('sh', ['-c', `command -v ${tool}`], { reject: false, env: { PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` } });
    if (found.exitCode !== 0) missing.push(pkg);
  }
  if (missing.length) {
    throw new Error(`이미지를 만들 도구가 없습니다: apt-get install ${missing.join(' ')} (missing tools to build the image: apt-get install ${missing.join(' ')})`);
  }
}

async function aptDownload(pkg: string, work: string): Promise<string> {
  const downloads = path.join(work, 'debs');
  mkdirSync(downloads, { recursive: true });
  const before = new Set(readdirSync(downloads));
  // As root, apt would hand the download to its _apt user, which cannot write here.
  await execa('apt-get', ['-q', '-o', 'APT::Sandbox::User=root', 'download', pkg], { cwd: downloads });
  const added = readdirSync(downloads).filter((f) => !before.has(f) && f.endsWith('.deb'));
  if (added.length !== 1) throw new Error(`apt-get download ${pkg}: expected one .deb, got ${added.join(', ') || 'none'}`);
  return path.join(downloads, added[0]!);
}

async function busyboxFromPackage(work: string): Promise<string> {
  const deb = await aptDownload('busybox-static', work);
  const into = path.join(work, 'busybox');
  await execa('dpkg-deb', ['-x', deb, into]);
  const binary = path.join(into, 'bin/busybox');
  if (!existsSync(binary)) throw new Error('busybox-static has no bin/busybox');
  return binary;
}

/** A meta package (linux-image-cloud-amd64) stands for the kernel package it depends on. */
async function resolveKernelPackage(pkg: string): Promise<string> {
  const { stdout } = await execa('apt-cache', ['depends', pkg]);
  const depends = [...stdout.matchAll(/^[ \t]*Depends:\s*(linux-image-\S+)/gm)].map((m) => m[1]!).filter((name) => !name.endsWith('-dbg'));
  const real = depends.find((name) => /^linux-image-\d/.test(name));
  return real ?? pkg;
}

async function kernelFromPackage(wanted: string, work: string): Promise<KernelSource> {
  const pkg = await resolveKernelPackage(wanted);
  const deb = await aptDownload(pkg, work);
  const into = path.join(work, `kernel-${pkg}`);
  await execa('dpkg-deb', ['-x', deb, into]);
  const boot = path.join(into, 'boot');
  const vmlinuz = readdirSync(boot).find((f) => f.startsWith('vmlinuz-'));
  if (!vmlinuz) throw new Error(`${pkg} has no /boot/vmlinuz-*`);
  const release = vmlinuz.slice('vmlinuz-'.length);
  const modulesRoot = into;
  // The package ships no modules.dep (its postinst makes it): make it here.
  await execa('depmod', ['-b', modulesRoot, release], { env: { PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` } });
  const { stdout: version } = await execa('dpkg-deb', ['-f', deb, 'Version']);
  const headers = `linux-headers-${release}`;
  const hasHeaders = (await execa('apt-cache', ['show', headers], { reject: false })).exitCode === 0;
  return {
    release,
    source: `${pkg} ${version.trim()}`,
    vmlinuz: path.join(boot, vmlinuz),
    modulesDir: path.join(modulesRoot, 'lib/modules', release),
    config: existsSync(path.join(boot, `config-${release}`)) ? path.join(boot, `config-${release}`) : null,
    headersPackage: hasHeaders ? headers : null,
  };
}

async function kernelFromFile(file: string): Promise<KernelSource> {
  const base = path.basename(file);
  if (!base.startsWith('vmlinuz-') || !existsSync(file)) throw new Error(`${file}: not a kernel (expected /boot/vmlinuz-RELEASE)`);
  const release = base.slice('vmlinuz-'.length);
  const modulesDir = path.join('/lib/modules', release);
  if (!existsSync(path.join(modulesDir, 'modules.dep'))) throw new Error(`${file}: its modules are not in ${modulesDir}`);
  const config = path.join(path.dirname(file), `config-${release}`);
  return { release, source: file, vmlinuz: file, modulesDir, config: existsSync(config) ? config : null, headersPackage: null };
}

export function kernelFeatures(configFile: string | null): KernelEntry['features'] {
  const config = configFile ? readFileSync(configFile, 'utf8') : '';
  const on = (key: string) => new RegExp(`^${key}=y$`, 'm').test(config);
  const btf = on('CONFIG_DEBUG_INFO_BTF');
  return { kprobes: on('CONFIG_KPROBE_EVENTS'), btf, kfunc: btf && on('CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS') };
}

/** "6.1" when it is the only 6.1 kernel; the full release when two share it. */
export function nameKernels(entries: KernelEntry[]): void {
  const short = (release: string) => /^(\d+\.\d+)/.exec(release)?.[1] ?? release;
  for (const entry of entries) {
    const twins = entries.filter((other) => short(other.release) === short(entry.release));
    entry.name = twins.length === 1 ? short(entry.release) : entry.release;
  }
}

async function installedVersions(rootfs: string, packages: string[]): Promise<string[]> {
  const { stdout } = await execa('dpkg-query', [`--admindir=${path.join(rootfs, 'var/lib/dpkg')}`, '-W', '-f', '${Package}=${Version}\n', ...packages]);
  return stdout.split('\n').filter(Boolean);
}

function bpftraceVersion(versions: string[]): string | null {
  const line = versions.find((v) => v.startsWith('bpftrace='));
  const match = line ? /=(\d+\.\d+(\.\d+)?)/.exec(line) : null;
  return match ? `v${match[1]}` : null;
}

async function duMegabytes(dir: string): Promise<number> {
  const { stdout } = await execa('du', ['-sm', dir]);
  return Number(stdout.split(/\s/)[0]);
}

function makeReadable(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.build-')) continue;
    const full = path.join(dir, name);
    const stat = statSync(full);
    chmodSync(full, stat.isDirectory() ? 0o755 : 0o644);
    if (stat.isDirectory()) makeReadable(full);
  }
}
