#!/usr/bin/env node
// Runs the compiled CLI when it exists (a published package), else the TypeScript sources
// through tsx, so a fresh clone needs no build step.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
let main;
if (existsSync(compiled)) {
  main = await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  main = await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
process.exitCode = await main.main(process.argv.slice(2));
