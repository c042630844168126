import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * Where a runner host keeps its VM image and kernels. QEMU runs as an unprivileged user
 * (vm-user.ts) and must read these files, so root's default is /var/cache (root's own ~/.cache
 * sits under /root, which no other user may enter).
 */
export function runnerDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STUDY_BOT_RUNNER_DIR) return path.resolve(env.STUDY_BOT_RUNNER_DIR);
  if (typeof process.getuid === 'function' && process.getuid() === 0) return '/var/cache/study-bot/runner';
  const cache = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'study-bot', 'runner');
}

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_VERSION = 1;

export const kernelEntrySchema = z.object({
  /** What a request names it by: "6.1", or the full release when two share major.minor. */
  name: z.string(),
  /** `uname -r` inside the guest, e.g. "6.1.0-57-cloud-amd64". */
  release: z.string(),
  /** Where it came from: "linux-image-6.1.0-57-cloud-amd64 6.1.192-3" or "/boot/vmlinuz-…". */
  source: z.string(),
  /** Paths relative to the runner directory. */
  vmlinuz: z.string(),
  initramfs: z.string(),
  /** From the kernel's config: what a one-liner can expect of it. */
  features: z.object({ kprobes: z.boolean(), btf: z.boolean(), kfunc: z.boolean() }),
});
export type KernelEntry = z.infer<typeof kernelEntrySchema>;

export const manifestSchema = z.object({
  version: z.literal(MANIFEST_VERSION),
  builtAt: z.string(),
  /** The root image, relative to the runner directory. */
  image: z.string(),
  suite: z.string(),
  /** Packages installed into the image, with versions, as dpkg reported them. */
  packages: z.array(z.string()),
  bpftrace: z.string().nullable(),
  kernels: z.array(kernelEntrySchema).min(1),
});
export type RunnerManifest = z.infer<typeof manifestSchema>;

/** The built image's manifest, or null when there is none (or it is unreadable). */
export function readManifest(dir: string = runnerDir()): RunnerManifest | null {
  const file = path.join(dir, MANIFEST_FILE);
  if (!existsSync(file)) return null;
  try {
    return manifestSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return null;
  }
}

/**
 * The kernels a request asked for, by name, release or release prefix ("6.1", "6.1.0-57",
 * "6.1.0-57-cloud-amd64"); the first kernel when none is asked for. Throws a bilingual message
 * that lists what the runner has when a name matches nothing.
 */
export function pickKernels(manifest: RunnerManifest, wanted: string[]): KernelEntry[] {
  if (wanted.length === 0) return [manifest.kernels[0]!];
  const picked: KernelEntry[] = [];
  for (const name of wanted) {
    const found =
      manifest.kernels.find((k) => k.name === name || k.release === name) ??
      manifest.kernels.find((k) => k.release.startsWith(name.endsWith('.') || name.endsWith('-') ? name : `${name}.`) || k.release.startsWith(`${name}-`));
    if (!found) {
      const have = manifest.kernels.map((k) => k.name).join(', ');
      throw new Error(`이 러너에 커널 ${name}이(가) 없습니다: ${have} (no kernel ${name} on this runner; it has ${have})`);
    }
    if (!picked.includes(found)) picked.push(found);
  }
  return picked;
}
