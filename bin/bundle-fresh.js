// Whether the CLI bundle (dist/cli/, built by src/cli/cli-bundle.ts) may run in a source checkout:
// every file esbuild read to build it still has the size and modification time it had then
// (dist/cli/inputs.json). ~650 stat calls, a few milliseconds; an edit, a `git checkout` or an
// `npm ci` that changed an input makes it stale, and bin/study-bot.js rebuilds it.
import { existsSync, readFileSync, statSync } from 'fs';

/** `root`: the package's folder URL (ends with '/'); `dir`: the bundle's folder below it. */
export function bundleIsFresh(root, dir = 'dist/cli/') {
  var recorded;
  try {
    recorded = JSON.parse(readFileSync(new URL(dir + 'inputs.json', root), 'utf8'));
  } catch {
    return false;
  }
  var inputs = recorded && recorded.inputs;
  if (!inputs || typeof inputs !== 'object' || !existsSync(new URL(dir + 'main.mjs', root))) return false;
  // every file the build wrote (main.mjs, worker-entry.mjs, commands.cjs): a half-copied dist/ is stale
  var outputs = Array.isArray(recorded.outputs) ? recorded.outputs : [];
  if (!outputs.every((file) => typeof file === 'string' && existsSync(new URL(dir + file, root)))) return false;
  for (const [file, recorded] of Object.entries(inputs)) {
    let info;
    try {
      info = statSync(new URL(file, root));
    } catch {
      return false;
    }
    if (info.size !== recorded[0] || Math.trunc(info.mtimeMs) !== recorded[1]) return false;
  }
  return true;
}
