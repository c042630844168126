#!/usr/bin/env node
// The CLI runs as a bundle (dist/cli/main.mjs: a few files instead of ~650 modules, see
// docs/cli-speed.md). The installed package ships it prebuilt and carries no TypeScript
// toolchain. A source checkout rebuilds it with esbuild whenever one of its inputs changed,
// so `npm run check` runs the bundle too and never a stale one; where it cannot be rebuilt
// (a read-only checkout), the sources run through tsx.
//
// Static imports are linked before this file runs: only the version guard and `fs` (which every
// Node has) are imported statically; the CLI itself is imported once the guard has passed.
import './node-guard.js';
import { existsSync } from 'fs';
import { bundleIsFresh } from './bundle-fresh.js';

const root = new URL('../', import.meta.url);
const bundle = new URL('dist/cli/main.mjs', root);
const sources = new URL('src/cli/main.ts', root);
const compiled = new URL('dist/src/cli/main.js', root);

async function loadMain() {
  if (!existsSync(sources)) {
    if (existsSync(bundle)) return import(bundle.href);
    if (existsSync(compiled)) return import(compiled.href);
  } else {
    if (bundleIsFresh(root)) return import(bundle.href);
    const tsx = await import('tsx/esm/api').catch(() => null);
    if (tsx) {
      tsx.register();
      const built = await import(new URL('src/cli/cli-bundle.ts', root).href)
        .then((m) => m.bundleCli())
        .catch(() => null);
      return import(built ? bundle.href : sources.href);
    }
  }
  process.stderr.write(
    'study-bot: 컴파일된 코드(dist/)가 없습니다. 저장소에서 `npm ci && npm run build`를 실행하세요.\n' +
      'study-bot: the compiled code (dist/) is missing: run `npm ci && npm run build` in the repository.\n',
  );
  process.exit(1);
}

// `study-bot check | head`: the reader went away, which is not an error of the command.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const main = await loadMain();
main.preferBaselineWasm();
process.exitCode = await main.main(process.argv.slice(2));
// The command's work is done: members call this from hooks and scripts, so nothing left
// behind (a handle some library forgot to close) may keep them waiting. The timer is unref'd:
// it only fires when something still holds the event loop open a second after the end.
setTimeout(() => process.exit(), 1_000).unref();
