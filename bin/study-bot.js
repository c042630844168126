#!/usr/bin/env node
// The installed package runs compiled JavaScript (dist/, built by `npm run build` before
// packing) and carries no TypeScript toolchain. A source checkout with its dev dependencies
// runs the sources through tsx instead, so `npm run check` needs no build step and never runs
// a dist/ left stale by an earlier build.
//
// Static imports are linked before this file runs: only the version guard and `fs` (which every
// Node has) are imported statically; the CLI itself is imported once the guard has passed.
import './node-guard.js';
import { existsSync } from 'fs';

const sources = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/src/cli/main.js', import.meta.url);

async function loadMain() {
  if (existsSync(sources)) {
    const tsx = await import('tsx/esm/api').catch(() => null);
    if (tsx) {
      tsx.register();
      return import(sources.href);
    }
  }
  if (existsSync(compiled)) return import(compiled.href);
  process.stderr.write(
    'study-bot: 컴파일된 코드(dist/)가 없습니다. 저장소에서 `npm ci && npm run build`를 실행하세요.\n' +
      'study-bot: the compiled code (dist/) is missing: run `npm ci && npm run build` in the repository.\n',
  );
  process.exit(1);
}

const main = await loadMain();
main.preferBaselineWasm();
process.exitCode = await main.main(process.argv.slice(2));
// The command's work is done: members call this from hooks and scripts, so nothing left
// behind (a handle some library forgot to close) may keep them waiting. The timer is unref'd:
// it only fires when something still holds the event loop open a second after the end.
setTimeout(() => process.exit(), 1_000).unref();
