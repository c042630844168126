import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * `.env.example` is the list an organizer deploys from (docs/DEPLOY.md says so): a variable
 * that `src/` reads and it does not name is a setting nobody can find.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));

/** Read by src/ but not the deployment's to set: the shell's, a member's CLI's, a CI runner's. */
const NOT_THE_DEPLOYMENT = new Set([
  'PATH', 'NO_COLOR', 'XDG_CACHE_HOME', 'HOME',
  'GITHUB_USER', // `study-bot new` on a member's machine: their login
  'STUDY_BOT_CODE_CACHE', // the CLI bundle's code cache on a member's machine (0: off; docs/cli-speed.md)
  'RUNNER_WORKSPACE', 'GITHUB_WORKSPACE', 'RUNNER_TEMP', 'RUNNER_TOOL_CACHE', // the GitHub Actions runner's own
]);

function variablesReadBySrc(): Map<string, string> {
  const found = new Map<string, string>();
  const files = readdirSync(join(repo, 'src'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.ts'));
  for (const entry of files) {
    const file = join(entry.parentPath, entry.name);
    const text = readFileSync(file, 'utf8');
    const patterns = [
      /\benv\)?\??\.([A-Z][A-Z0-9_]+)\b/g, // process.env.X, env.X, env?.X, (opts.env ?? process.env).X
      /\benv\[['"]([A-Z][A-Z0-9_]+)['"]\]/g, // env['X']
      /['"](STUDY_BOT_[A-Z0-9_]+)['"]/g, // a name kept in a constant (UNSAFE_HOST_SWITCH)
      /\[((?:\s*'[A-Z][A-Z0-9_]+',?)+)\s*\]\.(?:map|some|filter)\(\(?\w+\)? => env\[/g, // ['A', 'B'].map((k) => env[k])
    ];
    for (const pattern of patterns) {
      for (const match of text.matchAll(pattern)) {
        for (const name of match[1]!.match(/[A-Z][A-Z0-9_]+/g) ?? []) found.set(name, file.slice(repo.length));
      }
    }
  }
  return found;
}

describe('.env.example', () => {
  const example = readFileSync(join(repo, '.env.example'), 'utf8');
  const named = new Set([...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!));

  it('names every variable src/ reads', () => {
    const read = variablesReadBySrc();
    // the scan itself finds what it must (it would pass vacuously otherwise)
    for (const name of ['APP_ID', 'STUDY_BOT_LEDGER_KEY', 'STUDY_BOT_VM_USER', 'STUDY_BOT_UNSAFE_HOST_RUNNER', 'STUDY_BOT_WORKERS', 'RUNNER_TEMP']) expect(read.has(name), name).toBe(true);
    const missing = [...read].filter(([name]) => !named.has(name) && !NOT_THE_DEPLOYMENT.has(name)).map(([name, file]) => `${name} (${file})`);
    expect(missing).toEqual([]);
  });

  it('names nothing src/ does not read, besides the variables Probot reads', () => {
    const probot = ['HOST', 'PORT', 'GHE_HOST', 'GHE_PROTOCOL', 'LOG_LEVEL', 'LOG_FORMAT', 'NODE_ENV', 'REDIS_URL', 'WEBHOOK_PROXY_URL'];
    const read = variablesReadBySrc();
    expect([...named].filter((name) => !read.has(name) && !probot.includes(name))).toEqual([]);
  });

  it('copied to .env as it is, sets nothing that fails (no key path to a file that is not there)', () => {
    const active = [...example.matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]);
    expect(active.filter(([, value]) => value !== '').map(([name]) => name).sort()).toEqual(['HOST', 'LOG_LEVEL', 'PORT']);
  });
});
