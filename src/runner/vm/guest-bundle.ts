import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The guest agent as one ES module file for the VM's Node.js (Debian's, 18.x). A packaged
 * study-bot ships it prebuilt (`npm run build:guest` → dist/guest/agent.mjs); run from
 * a checkout (tsx, tests, the CLI bundle, npm start) it is bundled in memory with esbuild so
 * it never goes stale.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
// src/runner/vm/ (tsx), dist/src/runner/vm/ (tsc) or dist/cli/chunks/ (the CLI bundle)
const compiled = here.split(path.sep).includes('dist');
const packageRoot = compiled ? path.resolve(here.slice(0, here.lastIndexOf(`${path.sep}dist${path.sep}`))) : path.resolve(here, '../../..');
export const GUEST_ENTRY = path.join(packageRoot, 'src/runner/vm/guest/agent.ts');
export const GUEST_BUNDLE = path.join(packageRoot, 'dist/guest/agent.mjs');
/** A checkout (its sources are here), whatever runs this module: its dist/guest/ may be older than them. */
const fromSource = existsSync(GUEST_ENTRY);
export const GUEST_NODE_TARGET = 'node18';

let cached: Promise<string> | null = null;

export function guestAgentSource(): Promise<string> {
  cached ??= load();
  return cached;
}

async function load(): Promise<string> {
  if (!fromSource && existsSync(GUEST_BUNDLE)) return readFileSync(GUEST_BUNDLE, 'utf8');
  if (!fromSource) throw new Error(`guest agent not built: run \`npm run build:guest\` (${GUEST_BUNDLE} is missing)`);
  return bundleGuestAgent();
}

/** esbuild is a development tool: imported only when bundling. */
export async function bundleGuestAgent(outfile?: string): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [GUEST_ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: GUEST_NODE_TARGET,
    write: false,
    // The guest's Node.js parses this under full emulation too: half the bytes, less to parse.
    minify: true,
    legalComments: 'none',
    // Bundled CommonJS dependencies call require(); give the ES module one.
    banner: { js: "import { createRequire as __studybotCreateRequire } from 'node:module'; const require = __studybotCreateRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  const text = result.outputFiles[0]!.text;
  if (outfile) {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(path.dirname(outfile), { recursive: true });
    writeFileSync(outfile, text);
  }
  return text;
}
